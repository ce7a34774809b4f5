import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { asCommandLine } from '../../lib/cli/flags';

describe('library errors as the command line says them', () => {
  it('turns the API argument a message opens with into the flag that sets it', () => {
    expect(asCommandLine('sampleText prime: "Ω" never occur in the training text')).toBe('--prime: "Ω" never occur in the training text');
    expect(asCommandLine('beamSearch beamWidth: expected an integer >= 1, got 0')).toBe('--beam: expected an integer >= 1, got 0');
    expect(asCommandLine('stratifiedSplit testFraction 0.6, valFraction 0.5: expected test > 0')).toBe('--test-fraction 0.6, --val-fraction 0.5: expected test > 0');
    expect(asCommandLine('is shorter than horizon 13; raise testFraction')).toBe('is shorter than --horizon 13; raise --test-fraction');
  });

  it('leaves other messages as they are', () => {
    expect(asCommandLine('train --steps: not an option of the translate task')).toBe('train --steps: not an option of the translate task');
    expect(asCommandLine('sampleTextual prime: x')).toBe('sampleTextual prime: x');
  });

  it('is what `unrolled` prints for a library error, with exit status 2', () => {
    const main = path.join(__dirname, '../../lib/cli/main.ts');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flags-'));
    const file = path.join(dir, 'p.csv');
    fs.writeFileSync(file, 'date,price\n2020-01,1\n2020-02,2\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', main, 'forecast', '--data', file, '--column', 'close', '--out', path.join(dir, 'run')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    // the reader says "seriesFromTable column: …"; the command names its flag
    expect(r.stderr.trim()).toBe(`unrolled: --column: no column "close" in ${file}; its columns are "date", "price"`);
    fs.rmSync(dir, { recursive: true });
  });
});
