import * as fs from 'fs';
import * as path from 'path';
import { ValueError } from '../../lib/kernels/tensor';
import { readSafetensors } from '../../lib/models/safetensors';
import { runExport, runImport } from '../../lib/cli/weights';
import { runTrain } from '../../lib/cli/train';
import { tmpDir } from '../synthetic';

function capture() {
  let text = '';
  return { out: { write: (s: string) => (text += s), isTTY: false }, text: () => text };
}

describe('unrolled export and unrolled import', () => {
  const dir = tmpDir('weights-cli-');
  const ckpt = path.join(dir, 'adding.json');
  runTrain(['--train-size', '32', '--val-size', '8', '--hidden', '4', '--seq-len', '5', '--batch', '8', '--steps', '4', '--eval-every', '2', '--workers', '1', '--checkpoint', ckpt, '--json'], capture().out);

  it('export says what it wrote; --dtype F32 halves the weights; import writes a checkpoint that resumes', () => {
    const w = path.join(dir, 'w.safetensors'), w32 = path.join(dir, 'w32.safetensors'), back = path.join(dir, 'back.json');
    const c = capture();
    expect(runExport(['--checkpoint', ckpt, '--out', w], c.out)).toBe(0);
    expect(c.text()).toBe(`${w}: 6 tensors (best weights, F64) of ${ckpt}, with the architecture and the task in its metadata\n`);
    const j = capture();
    expect(runExport(['--checkpoint', ckpt, '--out', w32, '--dtype', 'F32', '--weights', 'latest', '--json'], j.out)).toBe(0);
    expect(JSON.parse(j.text())).toMatchObject({ command: 'export', tensors: 6, weights: 'latest', dtype: 'F32', metadata: { cell: 'lstm', weights: 'latest' } });
    expect([...readSafetensors(w32).tensors.values()].every((t) => t.dtype === 'F32')).toBe(true);
    const i = capture();
    expect(runImport(['--weights', w32, '--like', ckpt, '--out', back], i.out)).toBe(0);
    expect(i.text()).toBe(`${back}: a checkpoint (unrolled-checkpoint) with the weights of ${w32}, built like ${ckpt}\n`);
    expect(runTrain(['--resume', back, '--steps', '6', '--eval-every', '2', '--workers', '1', '--json'], capture().out)).toBe(0);
  });

  it('one-line errors, and nothing written', () => {
    const out = path.join(dir, 'never.safetensors');
    expect(() => runExport(['--out', out], capture().out)).toThrow(new ValueError('export --checkpoint: required (the checkpoint to export)'));
    expect(() => runExport(['--checkpoint', ckpt], capture().out)).toThrow('export --out: required (the .safetensors file to write)');
    expect(() => runExport(['--checkpoint', ckpt, '--out', out, '--dtype', 'BF16'], capture().out)).toThrow('export --dtype: expected one of F64, F32, got "BF16"');
    expect(() => runExport(['--checkpoint', path.join(dir, 'none.json'), '--out', out], capture().out)).toThrow(/^checkpoint .*none.json: cannot be read/);
    expect(() => runImport(['--out', out], capture().out)).toThrow('import --weights: required (the .safetensors file to read)');
    expect(() => runImport(['--weights', ckpt, '--out', out], capture().out)).toThrow(`${ckpt}: the header length`); // a JSON file is not safetensors
    expect(fs.existsSync(out)).toBe(false);
    const help = capture();
    runImport(['--help'], help.out);
    expect(help.text()).toContain('usage: unrolled import --weights WEIGHTS.safetensors [--like CHECKPOINT] --out FILE');
  });
});
