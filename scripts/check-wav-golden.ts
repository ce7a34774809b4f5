/**
 * The reference front-end cases made from recordings (their `name` is fsdd-DIGIT_SPEAKER_INDEX) hold the
 * recording's samples as int16 / 32768. This reads the same recordings from the dataset registry through
 * the WAV reader and requires every sample to be equal, bit for bit: the reader and the reference agree
 * on what the signal is, so the golden run of those cases tests the front end on the real files.
 * Usage: tsx scripts/check-wav-golden.ts CASE_DIR   (with UNROLLED_DATA set, or the cache filled)
 */
import * as fs from 'fs';
import * as path from 'path';
import { readWav } from '../lib/audio/wav';
import { datasetPath } from '../lib/data/locate';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: tsx scripts/check-wav-golden.ts CASE_DIR');
  process.exit(2);
}
const fsdd = datasetPath('fsdd');
let checked = 0, failed = 0;
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const c = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const m = /^fsdd-(\d_[a-z]+_\d+)$/.exec(c.name ?? '');
  if (!m) continue;
  const wav = readWav(path.join(fsdd, `${m[1]}.wav`));
  const same = wav.samples.length === c.signal.length && wav.samples.every((v, k) => v === c.signal[k]);
  console.log(`${m[1]}.wav: ${wav.samples.length} samples at ${wav.sampleRate} Hz, ${same ? 'equal to' : 'DIFFERENT from'} the signal of ${f}`);
  checked++;
  if (!same || wav.sampleRate !== c.spec.sampleRate) failed++;
}
if (checked === 0) {
  console.error(`${dir}: no case made from a recording (name fsdd-…)`);
  process.exit(1);
}
process.exitCode = failed ? 1 : 0;
