/**
 * The browser builds, after `tsc` has built dist/: dist/browser.mjs (the `unrolled/browser` entry, one ES
 * module) and site/ (the playground). Both refuse any Node built-in (scripts/browser-bundle.ts).
 * Usage: tsx scripts/build-browser.ts
 */
import * as path from 'path';
import { buildBrowserEntry, ROOT } from './browser-bundle';
import { buildSite } from './build-site';

async function main(): Promise<void> {
  const entry = await buildBrowserEntry();
  console.log(`dist/browser.mjs: ${(entry.bytes / 1024).toFixed(0)} KiB from ${entry.inputs} modules, no Node built-in`);
  const site = await buildSite();
  console.log(`site: ${site.files} files, ${(site.bytes / 1024).toFixed(0)} KiB in ${path.relative(ROOT, site.out)}`);
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exitCode = 1;
});
