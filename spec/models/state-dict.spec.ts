import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { toFlat } from '../../lib/kernels/tensor';
import { SequenceModel } from '../../lib/models/sequence-model';
import { stateDict, loadStateDict, saveStateDict, loadStateDictFile } from '../../lib/models/state-dict';

const options = { mode: 'gru' as const, inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, head: { mode: 'last' as const, outFeatures: 2 } };
const values = (m: SequenceModel) => m.namedParameters().map((p) => [...toFlat(p.value)]);

describe('state_dict import and export', () => {
  it('round-trips every parameter under PyTorch names, in state_dict order', () => {
    const a = new SequenceModel({ ...options, seed: 1 });
    const b = new SequenceModel({ ...options, seed: 2 });
    const dict = stateDict(a);
    expect(Object.keys(dict).slice(0, 4)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
    expect(Object.keys(dict).slice(-2)).toEqual(['head.weight', 'head.bias']);
    expect((dict.weight_ih_l1 as number[][]).length).toBe(12);
    expect((dict.weight_ih_l1 as number[][])[0].length).toBe(8);
    loadStateDict(b, JSON.parse(JSON.stringify(dict)));
    expect(values(b)).toEqual(values(a));
  });

  it('rejects a missing key, a wrong shape, an unknown key or a non-finite value, and changes nothing', () => {
    const model = new SequenceModel({ ...options, seed: 3 });
    const before = values(model);
    const good = stateDict(new SequenceModel({ ...options, seed: 4 }));
    const { weight_hh_l1_reverse: _dropped, ...missing } = good;
    expect(() => loadStateDict(model, missing, 'w.json')).toThrow('w.json: missing key "weight_hh_l1_reverse" (expected a tensor of shape [12,4])');
    expect(() => loadStateDict(model, { ...good, bias_hh_l0: [1, 2, 3] }, 'w.json')).toThrow('w.json "bias_hh_l0": expected [12], got [3]');
    expect(() => loadStateDict(model, { ...good, weight_ih_l2: [[1]] }, 'w.json')).toThrow('w.json: unexpected key(s) "weight_ih_l2"');
    const bad = JSON.parse(JSON.stringify(good));
    bad['head.bias'][1] = null;
    expect(() => loadStateDict(model, bad, 'w.json')).toThrow('w.json "head.bias"[1]: expected a number, got null');
    expect(() => loadStateDict(model, [1, 2], 'w.json')).toThrow('w.json: expected an object of named tensors, got an array');
    expect(values(model)).toEqual(before);
  });

  it('saves to a file and loads it back; a failed save leaves the previous file intact', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-'));
    const file = path.join(dir, 'weights.json');
    const a = new SequenceModel({ ...options, seed: 5 });
    saveStateDict(a, file);
    const b = new SequenceModel({ ...options, seed: 6 });
    loadStateDictFile(b, file);
    expect(values(b)).toEqual(values(a));
    const saved = fs.readFileSync(file, 'utf8');
    // Make the final rename fail: the target's directory entry becomes a non-empty directory.
    const blocked = path.join(dir, 'blocked.json');
    fs.mkdirSync(blocked);
    fs.writeFileSync(path.join(blocked, 'keep'), 'x');
    expect(() => saveStateDict(b, blocked)).toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(['blocked.json', 'weights.json']); // no temporary file left behind
    expect(fs.readFileSync(file, 'utf8')).toBe(saved);
    expect(() => loadStateDictFile(b, path.join(dir, 'absent.json'))).toThrow(/absent.json: cannot read a JSON state dict/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
