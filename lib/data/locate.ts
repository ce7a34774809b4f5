/**
 * Where a registered data set is found, and whether its files are the registry's.  docs: docs/data.md
 *
 * A command reads a data set from, in order:
 *   1. an explicit path (`--data FILE`, `--data-dir DIR`): used as given, never checked against the registry;
 *   2. the folder named by the environment variable UNROLLED_DATA, with the registry's file names;
 *   3. the download cache, $XDG_CACHE_HOME/unrolled or ~/.cache/unrolled, which `unrolled data download` fills.
 * In 2 and 3 a data set counts as there only when every one of its files is there with the registry's
 * sha256; a folder that holds some of its files, or a file with other bytes, is an error that names the
 * file, never silently skipped. When the data set is in neither, the error is one line saying how to get it.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { ValueError } from '../kernels/tensor';
import { DATASETS, DatasetEntry, DatasetFile, datasetEntry } from './datasets';

/** The environment variables that decide where data is looked for (process.env by default). */
export type DataEnv = Record<string, string | undefined>;

export type Place = 'UNROLLED_DATA' | 'cache';

/** A folder with the registry's layout. */
export interface DataRoot {
  place: Place;
  dir: string;
}

/** The download cache: $XDG_CACHE_HOME/unrolled, else ~/.cache/unrolled. */
export function cacheDir(env: DataEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return path.resolve(xdg && xdg !== '' ? path.join(xdg, 'unrolled') : path.join(env.HOME || os.homedir(), '.cache', 'unrolled'));
}

/** The folders searched, in order: UNROLLED_DATA (when set; it must be a directory), then the cache. */
export function dataRoots(env: DataEnv = process.env): DataRoot[] {
  const roots: DataRoot[] = [];
  const given = env.UNROLLED_DATA;
  if (given !== undefined && given !== '') {
    const dir = path.resolve(given);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ValueError(`UNROLLED_DATA=${given}: no such directory`);
    roots.push({ place: 'UNROLLED_DATA', dir });
  }
  roots.push({ place: 'cache', dir: cacheDir(env) });
  return roots;
}

/** sha256 of some bytes, as lowercase hex. */
export function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * Checks bytes against a registry file: null when they are the file, else what differs. A gzip file with
 * `gunzipped` set is also accepted when its decompressed content is the registry's.
 */
export function fileProblem(file: DatasetFile, bytes: Uint8Array): string | null {
  if (bytes.length === file.bytes && sha256(bytes) === file.sha256) return null;
  if (file.gunzipped) {
    let content: Buffer;
    try {
      content = zlib.gunzipSync(bytes);
    } catch {
      return `${bytes.length} bytes that are not gzip; expected ${file.bytes} bytes of gzip`;
    }
    if (content.length === file.gunzipped.bytes && sha256(content) === file.gunzipped.sha256) return null;
    return `its decompressed content has ${content.length} bytes, sha256 ${sha256(content)}; expected ${file.gunzipped.bytes} bytes, sha256 ${file.gunzipped.sha256}`;
  }
  if (bytes.length !== file.bytes) return `${bytes.length} bytes; expected ${file.bytes}`;
  return `sha256 ${sha256(bytes)}; expected ${file.sha256}`;
}

/** Where a data set is in one root: every file good, none there, or some missing or different. */
export type Presence =
  | { state: 'present'; path: string }
  | { state: 'absent' }
  | { state: 'damaged'; problems: string[] };

/** The path a data set is read from inside a root: its folder, or its one file. */
export function datasetPathIn(entry: DatasetEntry, dir: string): string {
  return path.join(dir, ...(entry.folder ?? entry.files[0].name).split('/'));
}

/** Looks at one root: every file there, and each with the registry's bytes? */
export function presenceIn(entry: DatasetEntry, dir: string): Presence {
  const problems: string[] = [];
  let found = 0;
  for (const f of entry.files) {
    const file = path.join(dir, ...f.name.split('/'));
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      problems.push(`${file} is missing`);
      continue;
    }
    found++;
    const problem = fileProblem(f, fs.readFileSync(file));
    if (problem) problems.push(`${file} is not the registry's file: ${problem}`);
  }
  if (found === 0) return { state: 'absent' };
  if (problems.length > 0) return { state: 'damaged', problems };
  return { state: 'present', path: datasetPathIn(entry, dir) };
}

/** The first root that holds the data set, with its path; null when none does. A damaged copy is an error. */
export function findDataset(entry: DatasetEntry, env: DataEnv = process.env): { root: DataRoot; path: string } | null {
  for (const root of dataRoots(env)) {
    const p = presenceIn(entry, root.dir);
    if (p.state === 'present') return { root, path: p.path };
    if (p.state === 'damaged') {
      const more = p.problems.length > 1 ? ` (and ${p.problems.length - 1} more)` : '';
      throw new ValueError(`the ${entry.name} data set in ${root.place} (${root.dir}) is incomplete or changed: ${p.problems[0]}${more}; run \`npx unrolled data download ${entry.name}\` to fetch it again, or \`npx unrolled data verify\``);
    }
  }
  return null;
}

/**
 * The path of a registered data set: the file of a one-file set, the folder of a set of many files.
 * When it is nowhere, one line says how to get it (and names `option`, the command's explicit path, if given).
 */
export function datasetPath(name: string, options: { env?: DataEnv; registry?: readonly DatasetEntry[]; option?: string } = {}): string {
  const env = options.env ?? process.env;
  const entry = datasetEntry(name, options.registry ?? DATASETS);
  const found = findDataset(entry, env);
  if (found) return found.path;
  const roots = dataRoots(env).map((r) => (r.place === 'cache' ? `the cache (${r.dir})` : `UNROLLED_DATA (${r.dir})`)).join(' nor in ');
  const explicit = options.option ? `, or give ${options.option}` : '';
  throw new ValueError(`the ${entry.name} data set is not downloaded: it is not in ${roots}; run \`npx unrolled data download ${entry.name}\`, or set UNROLLED_DATA to a folder that holds ${entry.folder ? `${entry.folder}/` : entry.files[0].name}${explicit}`);
}
