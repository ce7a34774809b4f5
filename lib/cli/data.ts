/**
 * `unrolled data list | download NAME…|--all | verify [NAME…] | path NAME`: the dataset registry from the
 * command line (lib/data/datasets.ts). Downloads report progress on stderr; a failed download leaves
 * nothing in the cache and ends with status 1; a verify that finds a changed file ends with status 1.
 */
import { ValueError } from '../kernels/tensor';
import { DATASETS, DatasetEntry, datasetBytes, datasetEntry } from '../data/datasets';
import { DataEnv, cacheDir, dataRoots, datasetPath, datasetPathIn, presenceIn } from '../data/locate';
import { DownloadError, DownloadEvents, downloadDataset } from '../data/download';
import { OptionSpec, formatOptions, parseArgs } from './args';
import { Out } from './model-options';

const DATA_OPTIONS: Record<string, OptionSpec> = {
  all: { kind: 'flag', help: 'download: every data set of the registry' },
  json: { kind: 'flag', help: 'list, verify: one JSON object per data set' },
  help: { kind: 'flag', help: 'show this help' },
};

export function dataHelp(): string {
  return `usage: unrolled data list | download NAME… | download --all | verify [NAME…] | path NAME

The data sets the commands read by default are not part of the package. Each is looked for in the folder
named by UNROLLED_DATA (the registry's file names, e.g. names/Arabic.txt), then in the download cache
($XDG_CACHE_HOME/unrolled, else ~/.cache/unrolled); --data / --data-dir give a file of your own instead.

  list       every data set: size, licence, and where it was found (or "not downloaded")
  download   fetch into the cache from each file's public source; the sha256 is checked before a file is kept.
             UNROLLED_DATA_MIRROR=URL fetches every file from URL/<file name> instead (a folder with the
             registry's layout behind any static server is a mirror)
  verify     check every file found in UNROLLED_DATA and the cache against the registry's sha256
  path       print where a data set is read from (its file, or its folder)

data sets: ${DATASETS.map((d) => d.name).join(', ')}

${formatOptions(DATA_OPTIONS)}`;
}

/** Runs the `data` command; resolves to the exit status. */
export async function runData(argv: string[], out: Out = process.stdout, err: Out = process.stderr, env: DataEnv = process.env, registry: readonly DatasetEntry[] = DATASETS): Promise<number> {
  const a = parseArgs(argv, DATA_OPTIONS, 'data', true);
  const [action, ...names] = a._positional;
  if (a.help || action === undefined || action === 'help') {
    out.write(dataHelp() + '\n');
    return 0;
  }
  const entries = (list: string[]) => (list.length ? list.map((n) => datasetEntry(n, registry)) : [...registry]); // none named: all
  switch (action) {
    case 'list':
      return list(entries(names), a.json as boolean, out, env);
    case 'download': {
      if (a.all && names.length) throw new ValueError('data download: give data set names or --all, not both');
      if (!a.all && !names.length) throw new ValueError(`data download: say which data set(s), or --all; the registry has ${registry.map((d) => d.name).join(', ')}`);
      return download(entries(names), out, err, env);
    }
    case 'verify':
      return verify(entries(names), a.json as boolean, out, env);
    case 'path': {
      if (names.length !== 1) throw new ValueError(`data path: expected one data set name, got ${names.length}`);
      out.write(datasetPath(names[0], { env, registry }) + '\n');
      return 0;
    }
    default:
      throw new ValueError(`data: unknown action ${JSON.stringify(action)}; expected list, download, verify or path`);
  }
}

/** Where each data set is: the first root that holds it whole, else why not. */
function list(sets: DatasetEntry[], json: boolean, out: Out, env: DataEnv): number {
  const roots = dataRoots(env);
  const rows = sets.map((d) => {
    let where = 'not downloaded';
    for (const r of roots) {
      const p = presenceIn(d, r.dir);
      if (p.state === 'present') {
        where = `${r.place}: ${p.path}`;
        break;
      }
      if (p.state === 'damaged') {
        where = `${r.place}: incomplete or changed (${p.problems.length} file(s)); run \`unrolled data verify ${d.name}\``;
        break;
      }
    }
    return { name: d.name, files: d.files.length, bytes: datasetBytes(d), licence: d.licence, where, title: d.title };
  });
  if (json) {
    sets.forEach((d, k) => out.write(JSON.stringify({
      ...rows[k], source: d.source, licenceNote: d.licenceNote, citation: d.citation,
      fileList: d.files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256, url: f.url ?? f.cut?.url, cut: f.cut?.how })),
    }) + '\n'));
    return 0;
  }
  const nameWidth = Math.max(...rows.map((r) => r.name.length + (r.files > 1 ? ` (${r.files} files)`.length : 0)), 4);
  const licenceWidth = Math.max(...rows.map((r) => r.licence.length), 7);
  out.write(`${'name'.padEnd(nameWidth)}  ${'size'.padStart(9)}  ${'licence'.padEnd(licenceWidth)}  where\n`);
  for (const r of rows) {
    const name = r.name + (r.files > 1 ? ` (${r.files} files)` : '');
    out.write(`${name.padEnd(nameWidth)}  ${formatBytes(r.bytes).padStart(9)}  ${r.licence.padEnd(licenceWidth)}  ${r.where}\n`);
  }
  return 0;
}

async function download(sets: DatasetEntry[], out: Out, err: Out, env: DataEnv): Promise<number> {
  let failed = 0;
  for (const d of sets) {
    try {
      const files = await downloadDataset(d, { env, events: progressBar(err) });
      const fetched = files.filter((f) => f.status === 'downloaded').length;
      const note = fetched === 0 ? 'already in the cache' : `${fetched} file(s) downloaded and checked`;
      out.write(`${d.name}: ${note}: ${datasetPathIn(d, cacheDir(env))}\n`);
    } catch (e) {
      if (!(e instanceof DownloadError)) throw e;
      err.write(`unrolled data download: ${d.name}: ${e.message}\n`);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

/** Every file of every data set found in each root, against its sha256. */
function verify(sets: DatasetEntry[], json: boolean, out: Out, env: DataEnv): number {
  const roots = dataRoots(env);
  let bad = 0;
  for (const d of sets) {
    const seen: { place: string; state: string; problems: string[] }[] = [];
    for (const r of roots) {
      const p = presenceIn(d, r.dir);
      if (p.state === 'absent') continue;
      if (p.state === 'damaged') bad++;
      seen.push({ place: `${r.place} (${r.dir})`, state: p.state === 'present' ? 'ok' : 'bad', problems: p.state === 'damaged' ? p.problems : [] });
    }
    if (json) {
      out.write(JSON.stringify({ name: d.name, found: seen }) + '\n');
      continue;
    }
    if (seen.length === 0) out.write(`${d.name}: not downloaded\n`);
    for (const s of seen) {
      out.write(`${d.name}: ${s.state === 'ok' ? `ok (${d.files.length} file(s), sha256 checked)` : 'BAD'} in ${s.place}\n`);
      for (const p of s.problems) out.write(`  ${p}\n`);
    }
  }
  return bad === 0 ? 0 : 1;
}

/** Progress on stderr: a bar redrawn in place on a terminal, one line per file otherwise. */
function progressBar(err: Out): DownloadEvents {
  let lastDraw = 0;
  return {
    start: (file, url) => {
      if (!err.isTTY) err.write(`downloading ${file} from ${url}\n`);
    },
    progress: (file, received, total) => {
      if (!err.isTTY || Date.now() - lastDraw < 100) return;
      lastDraw = Date.now();
      const width = 30;
      const bar = total ? '#'.repeat(Math.round((width * received) / total)).padEnd(width, '-') : '';
      const pct = total ? `${Math.floor((100 * received) / total)}%`.padStart(4) : '';
      err.write(`\r${file} [${bar}] ${pct} ${formatBytes(received)}${total ? ` / ${formatBytes(total)}` : ''}   `);
    },
    done: (file, status, bytes) => {
      if (err.isTTY) err.write(`\r${file}: ${status === 'present' ? 'already there' : 'downloaded'}, ${formatBytes(bytes)}, sha256 checked${' '.repeat(20)}\n`);
      else err.write(`${file}: ${status === 'present' ? 'already there' : 'downloaded'}, ${bytes} bytes, sha256 checked\n`);
    },
  };
}

function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}
