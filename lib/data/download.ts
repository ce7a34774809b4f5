/**
 * Downloads a registered data set into the cache, checked before it is kept.      docs: docs/data.md
 *
 * Each file is fetched whole into memory (the largest is a few megabytes), its size and sha256 are
 * checked against the registry, and only then is it written into the cache, atomically (a temporary
 * file beside the target, flushed, renamed). So a wrong checksum, an HTTP error or a connection cut
 * half-way leaves nothing in the cache, and a file already there with the registry's bytes is not
 * fetched again.
 *
 * Sources: each file's own URL; for a file cut from a larger one (`eng-fra`), the archive, its member
 * checked, then the cut checked. UNROLLED_DATA_MIRROR=URL fetches every file from that one base URL
 * instead, by its registry name (URL/names/Arabic.txt): the layout of a data folder, so any static
 * server over such a folder is a mirror. Mirrors serve files already cut.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { writeFileAtomic } from '../platform/files';
import { DatasetEntry, DatasetFile } from './datasets';
import { DataEnv, cacheDir, fileProblem, sha256 } from './locate';
import { readZipMember } from './zip';

/** A download that failed: the message names the file and the URL. Nothing was written. */
export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** What a download reports as it goes (a progress bar, a log line). All optional. */
export interface DownloadEvents {
  start?(file: string, url: string): void;
  progress?(file: string, received: number, total: number | null): void;
  done?(file: string, status: 'present' | 'downloaded', bytes: number): void;
}

export interface DownloadOptions {
  env?: DataEnv; // UNROLLED_DATA_MIRROR and the cache location (process.env by default)
  events?: DownloadEvents;
  timeoutMs?: number; // a connection silent this long fails (default 30 s)
}

export interface DownloadedFile {
  name: string;
  status: 'present' | 'downloaded';
  path: string;
  url: string | null; // null when the file was already there
}

/** Fetches every file of `entry` that the cache does not already hold with the registry's bytes. */
export async function downloadDataset(entry: DatasetEntry, options: DownloadOptions = {}): Promise<DownloadedFile[]> {
  const env = options.env ?? process.env;
  const dir = cacheDir(env);
  const mirror = env.UNROLLED_DATA_MIRROR && env.UNROLLED_DATA_MIRROR !== '' ? env.UNROLLED_DATA_MIRROR : null;
  const out: DownloadedFile[] = [];
  for (const f of entry.files) {
    const target = path.join(dir, ...f.name.split('/'));
    const there = fs.existsSync(target) ? fs.readFileSync(target) : null;
    if (there && fileProblem(f, there) === null) {
      options.events?.done?.(f.name, 'present', there.length);
      out.push({ name: f.name, status: 'present', path: target, url: null });
      continue;
    }
    const { bytes, url } = mirror ? await fromMirror(f, mirror, options) : await fromSource(f, options);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writeFileAtomic(target, bytes);
    } catch (err) {
      throw new DownloadError(`${f.name}: checked, but it cannot be written into the cache ${dir} (${(err as Error).message})`);
    }
    options.events?.done?.(f.name, 'downloaded', bytes.length);
    out.push({ name: f.name, status: 'downloaded', path: target, url });
  }
  return out;
}

/** The mirror's URL of a registry file: the base URL, then the file name with each part escaped. */
export function mirrorUrl(base: string, name: string): string {
  return `${base.replace(/\/+$/, '')}/${name.split('/').map(encodeURIComponent).join('/')}`;
}

async function fromMirror(f: DatasetFile, base: string, options: DownloadOptions): Promise<{ bytes: Buffer; url: string }> {
  const url = mirrorUrl(base, f.name);
  const bytes = await fetchBytes(url, f.name, options);
  checked(f, bytes, url);
  return { bytes, url };
}

async function fromSource(f: DatasetFile, options: DownloadOptions): Promise<{ bytes: Buffer; url: string }> {
  if (f.url) {
    const bytes = await fetchBytes(f.url, f.name, options);
    checked(f, bytes, f.url);
    return { bytes, url: f.url };
  }
  const cut = f.cut;
  if (!cut) throw new DownloadError(`${f.name}: the registry gives no URL for it`);
  const archive = await fetchBytes(cut.url, f.name, options);
  let member: Uint8Array;
  try {
    member = readZipMember(archive, cut.member, cut.url);
  } catch (err) {
    throw new DownloadError(`${f.name}: ${(err as Error).message}; nothing was kept`);
  }
  if (member.length !== cut.bytes || sha256(member) !== cut.sha256) {
    throw new DownloadError(`${f.name}: ${cut.member} in ${cut.url} is not the file it is cut from (${member.length} bytes, sha256 ${sha256(member)}; expected ${cut.bytes} bytes, sha256 ${cut.sha256}); nothing was kept`);
  }
  const bytes = Buffer.from(cut.select(new TextDecoder('utf-8').decode(member)), 'utf8');
  checked(f, bytes, `${cut.url} (${cut.member}, cut)`);
  return { bytes, url: cut.url };
}

function checked(f: DatasetFile, bytes: Buffer, from: string): void {
  const problem = fileProblem(f, bytes);
  if (problem) throw new DownloadError(`${f.name} from ${from}: not the registry's file (${problem}); nothing was kept`);
}

/**
 * GET `url` into memory, following up to 5 redirects. Fails on an HTTP status other than 200, on a body
 * shorter than its Content-Length or cut off before its end, and after `timeoutMs` of silence.
 */
function fetchBytes(url: string, file: string, options: DownloadOptions = {}, redirects = 5): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new DownloadError(`${file}: ${JSON.stringify(url)} is not a URL`));
      return;
    }
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : null;
    if (!client) {
      reject(new DownloadError(`${file}: ${url}: only http and https URLs can be downloaded`));
      return;
    }
    options.events?.start?.(file, url);
    const fail = (why: string) => reject(new DownloadError(`${file}: ${why}; nothing was kept`));
    const req = client.get(parsed, { headers: { 'user-agent': 'unrolled' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects === 0) return fail(`too many redirects from ${url}`);
        resolve(fetchBytes(new URL(res.headers.location, url).toString(), file, options, redirects - 1));
        return;
      }
      if (status !== 200) {
        res.resume();
        return fail(`HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''} from ${url}`);
      }
      const header = res.headers['content-length'];
      const total = header !== undefined ? Number(header) : null;
      const chunks: Buffer[] = [];
      let received = 0, ended = false;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        options.events?.progress?.(file, received, total);
      });
      res.on('end', () => {
        ended = true;
        if (!res.complete || (total !== null && received !== total)) return fail(`the connection to ${url} closed after ${received} of ${total ?? 'an unknown number of'} bytes`);
        resolve(Buffer.concat(chunks, received));
      });
      res.on('error', (err) => fail(`the connection to ${url} failed after ${received} bytes (${err.message})`));
      res.on('close', () => {
        if (!ended) fail(`the connection to ${url} closed after ${received} of ${total ?? 'an unknown number of'} bytes`);
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer for ${timeoutMs / 1000} s`)));
    req.on('error', (err) => fail(`cannot download ${url} (${err.message}); with no network, set UNROLLED_DATA to a folder of the files or UNROLLED_DATA_MIRROR to a server of them`));
  });
}
