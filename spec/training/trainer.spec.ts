import * as os from 'os';
import * as path from 'path';
import { toFlat, ValueError } from '../../lib/kernels/tensor';
import { SequenceModel } from '../../lib/models/sequence-model';
import { stateDict } from '../../lib/models/state-dict';
import { createOptimizer } from '../../lib/training/optimizers';
import { Trainer, TrainerOptions, Dataset, TrainingError } from '../../lib/training/trainer';
import { Checkpoint, readCheckpoint, writeCheckpoint } from '../../lib/training/checkpoint';
import { learningRateAt } from '../../lib/training/schedules';
import { AddingProblem, addingDatasets } from '../../lib/tasks/adding';
import { Rng } from '../../lib/kernels/random';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const realFs = require('fs') as typeof import('fs');

const data = addingDatasets({ seqLen: 6, trainSize: 40, valSize: 12, dataSeed: 3 });
const newModel = (mode: 'lstm' | 'gru' | 'rnn_relu' = 'lstm') =>
  new SequenceModel({ mode, inputSize: 2, hiddenSize: 5, numLayers: 2, seed: 2, head: { mode: 'last', outFeatures: 1 } });
const weights = (m: SequenceModel) => m.namedParameters().map((p) => [...toFlat(p.value)]);
const baseOptions = (extra: Partial<TrainerOptions> = {}): TrainerOptions => ({
  batchSize: 8, evalEvery: 3, seed: 5, clip: { maxNorm: 0.5 }, schedule: { type: 'cosine', totalSteps: 10, minLr: 0.001 }, ...extra,
});
const tmpFile = (name: string) => path.join(realFs.mkdtempSync(path.join(os.tmpdir(), 'unrolled-train-')), name);

const optimizers: [string, Record<string, unknown>][] = [
  ['SGD', { lr: 0.1, momentum: 0.9, nesterov: true }],
  ['Adagrad', { lr: 0.05, lr_decay: 0.01 }],
  ['RMSprop', { lr: 0.01, momentum: 0.5, centered: true }],
  ['Adam', { lr: 0.01, amsgrad: true }],
  ['AdamW', { lr: 0.01 }],
];

describe('Trainer', () => {
  it('gives the same weights, bit for bit, for the same seed and data', () => {
    const run = () => {
      const m = newModel();
      new Trainer(m, createOptimizer('Adam', { lr: 0.01 }), data.train, data.validation, baseOptions({ maxSteps: 7 })).run();
      return weights(m);
    };
    expect(run()).toEqual(run());
  });

  it.each(optimizers)('%s: train 6, save, load, train 4 more = 10 uninterrupted, bit for bit', (name, hyper) => {
    const file = tmpFile('resume.json');
    const straight = newModel();
    const uninterrupted = new Trainer(straight, createOptimizer(name, hyper), data.train, data.validation, baseOptions({ maxSteps: 10 }));
    const r1 = uninterrupted.run();

    const first = newModel();
    new Trainer(first, createOptimizer(name, hyper), data.train, data.validation, baseOptions({ maxSteps: 6, checkpointPath: file })).run();
    const ckpt = readCheckpoint(file);
    expect(ckpt.counters.step).toBe(6);
    const resumed = Trainer.fromCheckpoint(ckpt, data.train, data.validation, baseOptions({ maxSteps: 10 }));
    const r2 = resumed.run();
    expect(weights(resumed.model)).toEqual(weights(straight));
    expect(r2.valLoss).toBe(r1.valLoss);
    expect(resumed.optimizer.toJSON()).toEqual(uninterrupted.optimizer.toJSON());
    expect(resumed.rng.getState()).toEqual(uninterrupted.rng.getState());
  });

  it('with dropout: train 6, save, resume 4 = 10 uninterrupted, bit for bit; validation and onStep see evaluation mode', () => {
    const dropModel = () => new SequenceModel({
      mode: 'gru', inputSize: 2, hiddenSize: 5, numLayers: 2, seed: 2, head: { mode: 'last', outFeatures: 1 }, dropout: 0.3, recurrentDropout: 0.3, outputDropout: 0.2,
    });
    const file = tmpFile('dropout.json');
    const states: unknown[] = [];
    const straight = dropModel();
    const r1 = new Trainer(straight, createOptimizer('Adam', { lr: 0.01 }), data.train, data.validation, baseOptions({
      maxSteps: 10, onStep: () => states.push(straight.dropoutState),
    })).run();
    expect(states.every((s) => s === null)).toBe(true); // set only inside a step: onStep and validation see evaluation mode
    new Trainer(dropModel(), createOptimizer('Adam', { lr: 0.01 }), data.train, data.validation, baseOptions({ maxSteps: 6, checkpointPath: file })).run();
    const resumed = Trainer.fromCheckpoint(readCheckpoint(file), data.train, data.validation, baseOptions({ maxSteps: 10 }));
    expect(resumed.model.toConfig()).toMatchObject({ dropout: 0.3, recurrentDropout: 0.3, outputDropout: 0.2 });
    const r2 = resumed.run();
    expect(weights(resumed.model)).toEqual(weights(straight));
    expect(r2.valLoss).toBe(r1.valLoss);
    // Without dropout the same run ends elsewhere: the masks took part.
    const plain = newModel('gru');
    new Trainer(plain, createOptimizer('Adam', { lr: 0.01 }), data.train, data.validation, baseOptions({ maxSteps: 10 })).run();
    expect(weights(plain)).not.toEqual(weights(straight));
  });

  it('warm-up and reduce-on-plateau: the rates follow the schedule, and a resumed run keeps where the plateau stood', () => {
    const schedule = { type: 'constant' as const, warmup: { steps: 4, startFactor: 0.25 }, plateau: { factor: 0.5, patience: 0, threshold: 0, cooldown: 0, minLr: 0.001 } };
    const options = (extra: Partial<TrainerOptions>) => baseOptions({ schedule, evalEvery: 2, clip: undefined, ...extra });
    const lrs: number[] = [];
    const straight = newModel('gru');
    const uninterrupted = new Trainer(straight, createOptimizer('Adam', { lr: 0.01 }), data.train, data.validation, options({ maxSteps: 16, onStep: (i) => lrs.push(i.lr) }));
    uninterrupted.run();
    expect(lrs.slice(0, 4)).toEqual([0.0025, 0.004375, 0.00625, 0.008125]); // 0.01 · (0.25 + 0.75 · t/4)
    expect(Math.min(...lrs)).toBeLessThan(0.01); // the plateau reduced it at least once (patience 0: any validation that is no better)
    expect(uninterrupted.book.plateau!.scale).toBeLessThan(1);
    const file = tmpFile('plateau.json');
    new Trainer(newModel('gru'), createOptimizer('Adam', { lr: 0.01 }), data.train, data.validation, options({ maxSteps: 8, checkpointPath: file })).run();
    const ckpt = readCheckpoint(file);
    expect(ckpt.schedule).toEqual(schedule);
    const resumed = Trainer.fromCheckpoint(ckpt, data.train, data.validation, options({ maxSteps: 16 }));
    resumed.run();
    expect(weights(resumed.model)).toEqual(weights(straight));
    expect(resumed.book.plateau).toEqual(uninterrupted.book.plateau);
  });

  it.each(optimizers)('%s: a save that fails half-way leaves the previous checkpoint intact', (name, hyper) => {
    const file = tmpFile('ckpt.json');
    const trainer = new Trainer(newModel(), createOptimizer(name, hyper), data.train, null, baseOptions({ maxSteps: 3 }));
    trainer.run();
    trainer.saveCheckpoint(file);
    const before = realFs.readFileSync(file);
    trainer.options.maxSteps = 5;
    trainer.run();
    let calls = 0;
    const spy = jest.spyOn(realFs, 'writeSync').mockImplementation(((fd: number, buffer: Uint8Array, offset: number, length: number) => {
      calls++;
      if (calls === 1) return (jest.requireActual('fs') as typeof import('fs')).writeSync(fd, buffer, offset, Math.floor(length / 2));
      const e = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
      e.code = 'ENOSPC';
      throw e;
    }) as never);
    try {
      expect(() => trainer.saveCheckpoint(file)).toThrow(/could not be written \(ENOSPC: no space left on device, write\); the previous checkpoint is unchanged/);
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(2); // the write really stopped half-way
    expect(realFs.readFileSync(file).equals(before)).toBe(true);
    expect(realFs.readdirSync(path.dirname(file))).toEqual(['ckpt.json']); // no temporary file left
    expect(readCheckpoint(file).counters.step).toBe(3);
  });

  it('stops early when validation stops improving, and restores the best weights', () => {
    const m = newModel();
    const trainer = new Trainer(m, createOptimizer('SGD', { lr: 40 }), data.train, data.validation, { batchSize: 8, evalEvery: 2, patience: 2, maxSteps: 200, seed: 1 });
    const evals: number[] = [];
    trainer.options.onEval = (e) => evals.push(e.valLoss);
    const r = trainer.run();
    expect(r.stoppedBy).toBe('early-stopping');
    expect(r.steps).toBeLessThan(200);
    expect(r.valLoss).toBe(Math.min(...evals));
    expect(stateDict(m)).toEqual(trainer.book.bestWeights);
    expect(trainer.evaluate()).toBe(r.valLoss);
  });

  it('skips a step with a non-finite loss, names where it appeared, and stops after too many in a row', () => {
    const nanData: Dataset = {
      size: 8,
      batch: (idx) => {
        const { batch, objective } = data.train.batch(idx);
        if (objective.type === 'mse_last') objective.target.set(0, 0, NaN);
        return { batch, objective };
      },
    };
    const m = newModel();
    const before = weights(m);
    const infos: string[] = [];
    const trainer = new Trainer(m, createOptimizer('Adam', { lr: 0.01 }), nanData, null, { batchSize: 4, maxSteps: 10, maxNonFiniteSteps: 3 });
    trainer.options.onStep = (i) => infos.push(`${i.applied} ${i.nonFinite?.message}`);
    expect(() => trainer.run()).toThrow(TrainingError);
    expect(infos).toEqual(Array(3).fill('false non-finite value NaN first appeared in the loss pass: loss'));
    expect(weights(m)).toEqual(before);
  });

  it('reports an overflow in the forward pass with its layer, direction and time step', () => {
    const m = newModel('rnn_relu');
    const w = m.namedParameters().find((p) => p.name === 'weight_hh_l0')!;
    // h_t explodes. Step 0 reads h0 = 0, so h_0 is finite; step 1 multiplies the O(1) entries of h_0 by
    // 1e200, which is still finite; step 2 multiplies those ~1e200 values by 1e200, past the largest double
    // (1.8e308): Infinity, and relu keeps it (every term is ≥ 0, so no ∞ − ∞ makes a NaN).
    w.value.data.fill(1e200);
    const reports: string[] = [];
    const trainer = new Trainer(m, createOptimizer('SGD', { lr: 0.1 }), data.train, null, { batchSize: 4, maxSteps: 2, maxNonFiniteSteps: 5 });
    trainer.options.onStep = (i) => reports.push(i.nonFinite?.message ?? 'finite');
    trainer.run();
    expect(reports[0]).toBe('non-finite value Infinity first appeared in the forward pass: h_t (layer 0, forward direction, time step 2)');
    expect(w.value.data[0]).toBe(1e200); // not applied
  });

  it('never writes a checkpoint with non-finite weights', () => {
    const file = tmpFile('nan.json');
    const trainer = new Trainer(newModel(), createOptimizer('Adam'), data.train, null, { batchSize: 4, maxSteps: 1 });
    trainer.model.namedParameters()[0].value.data[3] = NaN;
    expect(() => trainer.saveCheckpoint(file)).toThrow(`checkpoint ${file}: not written, because weight "weight_ih_l0" is not finite; the previous checkpoint is unchanged`);
    expect(realFs.existsSync(file)).toBe(false);
  });

  it('reports per-tensor gradient and weight norms to the step hook', () => {
    const m = newModel();
    const seen: string[][] = [];
    new Trainer(m, createOptimizer('Adam'), data.train, null, {
      batchSize: 8, maxSteps: 2, onStep: (i) => {
        seen.push(i.parameters.map((p) => p.name));
        for (const p of i.parameters) expect(p.gradNorm > 0 && p.weightNorm > 0 && Math.abs(p.ratio - p.gradNorm / p.weightNorm) < 1e-15).toBe(true);
      },
    }).run();
    expect(seen[0]).toEqual(m.namedParameters().map((p) => p.name));
  });

  it('bucketByLength: each epoch takes every sample once, in batches of similar lengths, the same for a seed', () => {
    const lengths = Array.from({ length: 203 }, (_, i) => 1 + ((i * 37) % 19));
    const seen: number[][] = [];
    const ds: Dataset = {
      size: lengths.length, lengthOf: (i) => lengths[i],
      batch: (idx) => {
        seen.push([...idx]);
        return data.train.batch(idx.map((i) => i % data.train.size));
      },
    };
    const run = () => {
      seen.length = 0;
      new Trainer(newModel('gru'), createOptimizer('SGD', { lr: 0.01 }), ds, null, { batchSize: 8, epochs: 1, seed: 4, bucketByLength: true }).run();
      return seen.map((b) => b.slice());
    };
    const batches = run();
    expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    expect(batches.slice(0, -1).every((b) => b.length === 8)).toBe(true);
    const spread = (b: number[]) => Math.max(...b.map((i) => lengths[i])) - Math.min(...b.map((i) => lengths[i]));
    const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
    expect(mean(batches.map(spread))).toBeLessThan(2); // shuffled batches of 8 spread over about 14 lengths
    expect(run()).toEqual(batches);
  });

  it('rejects bad options', () => {
    const opt = createOptimizer('Adam');
    expect(() => new Trainer(newModel(), opt, data.train, null, { batchSize: 0, maxSteps: 1 })).toThrow(new ValueError('Trainer batchSize: expected an integer >= 1, got 0'));
    expect(() => new Trainer(newModel(), opt, data.train, null, { batchSize: 4 })).toThrow('Trainer: give a budget: maxSteps, epochs or maxSeconds');
    expect(() => new Trainer(newModel(), opt, data.train, null, { batchSize: 4, maxSteps: 1, evalEvery: -2 })).toThrow('Trainer evalEvery: expected an integer >= 1, got -2');
  });
});

describe('checkpoint files', () => {
  const good = () => new Trainer(newModel(), createOptimizer('Adam'), data.train, null, { batchSize: 4, maxSteps: 1 }).toCheckpoint() as Checkpoint;

  it('says what is wrong with a truncated, hand-edited or foreign file', () => {
    const file = tmpFile('bad.json');
    const text = JSON.stringify(good());
    realFs.writeFileSync(file, text.slice(0, text.length / 2));
    expect(() => readCheckpoint(file)).toThrow(new RegExp(`^checkpoint ${file}: not valid JSON, so it is truncated or was edited by hand`));
    const edit = (f: (c: Record<string, any>) => void, message: string | RegExp) => {
      const c = JSON.parse(text);
      f(c);
      realFs.writeFileSync(file, JSON.stringify(c));
      expect(() => readCheckpoint(file)).toThrow(message);
    };
    edit((c) => (c.format = 'other'), `checkpoint ${file}: format: expected "unrolled-checkpoint", got "other"`);
    edit((c) => (c.format_version = 2), 'format_version: expected 1, got 2');
    edit((c) => delete c.optimizer, 'missing key "optimizer"');
    edit((c) => (c.model.hiddenSize = 0), 'model.hiddenSize: expected an integer >= 1, got 0');
    edit((c) => (c.rng = [1, 2, 3]), 'rng: expected null or four integers');
    edit((c) => (c.counters.step = -1), 'counters.step: expected an integer >= 0, got -1');
    edit((c) => (c.schedule = { type: 'linear' }), 'schedule.type: expected "constant", "step" or "cosine", got "linear"');
  });

  it('rejects weights of another model shape, naming the tensor', () => {
    const file = tmpFile('shape.json');
    const c = good();
    c.model = { ...c.model, hiddenSize: 6 };
    writeCheckpoint(file, c);
    expect(() => Trainer.fromCheckpoint(readCheckpoint(file), data.train, null, { batchSize: 4, maxSteps: 2 }, 'ckpt'))
      .toThrow('ckpt: weights "weight_ih_l0": expected [24,2], got [20,2]');
  });

  it('rejects a resume whose data do not fit the saved epoch order', () => {
    const c = good();
    c.trainer!.order = [0, 1, 2];
    expect(() => Trainer.fromCheckpoint(c, data.train, null, { batchSize: 4, maxSteps: 2 }, 'ckpt')).toThrow('ckpt: trainer.order has 3 samples, but the training set has 40');
  });
});

describe('learning-rate schedules', () => {
  it('step decay and cosine annealing', () => {
    expect([0, 9, 10, 25].map((t) => learningRateAt({ type: 'step', stepSize: 10, gamma: 0.5 }, 1, t))).toEqual([1, 1, 0.5, 0.25]);
    const cos = { type: 'cosine' as const, totalSteps: 100, minLr: 0.1 };
    expect(learningRateAt(cos, 1, 0)).toBe(1);
    expect(learningRateAt(cos, 1, 50)).toBeCloseTo(0.55, 15);
    expect(learningRateAt(cos, 1, 100)).toBeCloseTo(0.1, 15);
    expect(learningRateAt(cos, 1, 150)).toBeCloseTo(0.1, 15);
  });
});

describe('the adding problem', () => {
  it('marks one step in each half, and the target is the sum of the marked values', () => {
    const d = new AddingProblem(50, 10, new Rng(1));
    const { batch, objective } = d.batch([0, 7, 49]);
    for (let b = 0; b < 3; b++) {
      const marks = [...Array(10).keys()].filter((t) => batch.x.get(t, b, 1) === 1);
      expect(marks.length).toBe(2);
      expect(marks[0]).toBeLessThan(5);
      expect(marks[1]).toBeGreaterThanOrEqual(5);
      const sum = batch.x.get(marks[0], b, 0) + batch.x.get(marks[1], b, 0);
      expect(objective.type === 'mse_last' && objective.target.get(b, 0)).toBe(sum);
    }
  });

  it('predicting 1 every time scores about 1/6', () => {
    const t = new AddingProblem(20000, 10, new Rng(2)).targetValues();
    const mse = t.reduce((s, v) => s + (v - 1) ** 2, 0) / t.length;
    expect(Math.abs(mse - 1 / 6)).toBeLessThan(0.01);
  });
});
