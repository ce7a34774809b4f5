/**
 * `unrolled playground`: serves the playground (site/, built with the package) on 127.0.0.1 and prints
 * its address; it runs until interrupted. The pages are static files, so site/index.html also opens
 * straight from the disk.                                                      docs: docs/browser.md
 */
import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../kernels/tensor';
import { OptionSpec, parseArgs, formatOptions } from './args';
import { serveStatic } from './static-server';

/** site/ beside lib/ (a checkout, run with tsx) or beside dist/ (the installed package). */
export const SITE_DIR = path.resolve(__dirname, '..', '..', 'site');

export const PLAYGROUND_OPTIONS: Record<string, OptionSpec> = {
  port: { kind: 'int', help: 'the port (0: a free one)', default: 0, min: 0 },
  site: { kind: 'string', help: 'the folder to serve', default: SITE_DIR },
  help: { kind: 'flag', help: 'show this help' },
};

export function playgroundHelp(): string {
  return `usage: unrolled playground [options]

Serves the playground on http://127.0.0.1 (a free port unless --port is given) until interrupted:
Unroll (BPTT stepped one equation at a time), Lab (vanishing and exploding gradients, trained live)
and Text (a character model on your own text). Everything runs in the browser; nothing is fetched
from the network.

${formatOptions(PLAYGROUND_OPTIONS)}`;
}

export async function runPlayground(argv: string[]): Promise<number> {
  const a = parseArgs(argv, PLAYGROUND_OPTIONS, 'playground');
  if (a.help) {
    process.stdout.write(playgroundHelp() + '\n');
    return 0;
  }
  const site = path.resolve(a.site as string);
  if (!fs.existsSync(path.join(site, 'index.html'))) {
    throw new ValueError(`playground --site: ${site} has no index.html; build the pages first with \`npm run build:site\``);
  }
  const server = await serveStatic(site, a.port as number);
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(`the playground (${site}) is at ${server.url} — Unroll, Lab, Text; Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
