/**
 * Browser builds with esbuild: the library's browser entry (dist/browser.mjs, what `unrolled/browser`
 * resolves to) and the playground (site/). Two rules make them, both checked here and by a spec:
 *  1. Twins. Where a module X.ts has a sibling X.browser.ts (lib/platform/files.ts, lib/training/parallel.ts),
 *     a browser build takes the twin: the only modules below the command line that need Node.
 *  2. No Node built-in. The bundle's inputs are read back from esbuild's metafile; any import of `fs`,
 *     `worker_threads`, … is an error that names the importing file.
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { builtinModules } from 'module';

export const ROOT = path.resolve(__dirname, '..');

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Rule 1: a relative import of X resolves to X.browser.ts when that file exists beside X.ts. */
export const browserTwins: esbuild.Plugin = {
  name: 'browser-twins',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const base = path.resolve(args.resolveDir, args.path).replace(/\.ts$/, '');
      const twin = `${base}.browser.ts`;
      return fs.existsSync(`${base}.ts`) && fs.existsSync(twin) ? { path: twin } : undefined;
    });
  },
};

/** Rule 2: Node built-ins are kept out of the bundle (as externals) so that the check can name who imports them. */
const builtinsAsExternal: esbuild.Plugin = {
  name: 'node-builtins',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:]+(\/[a-z_]+)?$/ }, (args) => (NODE_BUILTINS.has(args.path) ? { path: args.path, external: true } : undefined));
  },
};

/** Every import of a Node built-in in a build's inputs, as "importer → module". */
export function nodeBuiltinsIn(meta: esbuild.Metafile): string[] {
  const found: string[] = [];
  for (const [file, input] of Object.entries(meta.inputs)) {
    for (const i of input.imports) if (i.external && NODE_BUILTINS.has(i.path)) found.push(`${file} → ${i.path}`);
  }
  return found;
}

export interface BundleOptions {
  entry: string; // relative to the repository
  format: 'esm' | 'iife';
  plugins?: esbuild.Plugin[];
  minify?: boolean;
}

/** Bundles one entry for the browser; throws, naming the importer, if any Node built-in is reached. */
export async function bundle(o: BundleOptions): Promise<{ code: string; meta: esbuild.Metafile }> {
  const r = await esbuild.build({
    absWorkingDir: ROOT, entryPoints: [o.entry], bundle: true, platform: 'browser', format: o.format, target: 'es2020',
    write: false, metafile: true, minify: o.minify ?? false, legalComments: 'none', logLevel: 'silent',
    plugins: [browserTwins, builtinsAsExternal, ...(o.plugins ?? [])],
  });
  const builtins = nodeBuiltinsIn(r.metafile);
  if (builtins.length) throw new Error(`${o.entry}: a browser bundle must not import Node built-ins, but: ${builtins.join('; ')}`);
  return { code: r.outputFiles[0].text, meta: r.metafile };
}

/** A module `name` whose default export is `value` (JSON), for things the build puts into a page. */
export function virtualModule(name: string, value: () => unknown): esbuild.Plugin {
  return {
    name: `virtual:${name}`,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${name.replace(/[:/]/g, '\\$&')}$`) }, () => ({ path: name, namespace: 'virtual' }));
      build.onLoad({ filter: /.*/, namespace: 'virtual' }, (args) => (args.path === name ? { contents: `export default ${JSON.stringify(value())};`, loader: 'js' } : undefined));
    },
  };
}

/** dist/browser.mjs: the browser entry (lib/browser.ts) as one ES module, its dependencies inside. */
export async function buildBrowserEntry(outFile = path.join(ROOT, 'dist', 'browser.mjs')): Promise<{ bytes: number; inputs: number }> {
  const { code, meta } = await bundle({ entry: 'lib/browser.ts', format: 'esm' });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return { bytes: Buffer.byteLength(code), inputs: Object.keys(meta.inputs).length };
}
