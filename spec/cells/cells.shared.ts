/** The checks every cell spec runs: the gradient of every input of one step against central differences. */
import { CellKind } from '../../lib/cells/cell-params';
import { checkGradients, GradcheckRow } from '../../lib/diagnostics/gradcheck';
import { Rng } from '../../lib/kernels/random';
import { setupCellStep, cellStepTensors, layerStepTensors, B, H } from './cell-check';
import { randn } from '../helpers';

export function describeCellGradients(kind: CellKind): void {
  const hasC = kind === 'lstm';
  describe.each([true, false])(`${kind} cell, bias %s`, (bias) => {
    const cellNames = ['u', 'hPrev', ...(hasC ? ['cPrev'] : [])];
    const layerNames = ['x', 'h0', 'weight_ih', 'weight_hh', ...(hasC ? ['c0'] : []), ...(bias ? ['bias_ih', 'bias_hh'] : [])];
    let rows = new Map<string, GradcheckRow>();
    beforeAll(() => {
      const s = setupCellStep(kind, bias, 7);
      const step = layerStepTensors(kind, bias, 11);
      rows = new Map([
        ...checkGradients(s.loss, cellStepTensors(s)).map((r) => [`cell d${r.name}`, r] as const),
        ...checkGradients(step.loss, step.tensors).map((r) => [`layer d${r.name}`, r] as const),
      ]);
    });
    const names = [...cellNames.map((n) => `cell d${n}`), ...layerNames.map((n) => `layer d${n}`)];
    it.each(names)('%s matches central differences', (name) => {
      const r = rows.get(name);
      expect(r).toBeDefined(); // every gradient named above was checked
      expect(r!.maxRelError).toBeLessThan(1e-6);
      expect(r!.maxAbsGrad).toBeGreaterThan(1e-3); // a gradient that is (nearly) all zeros would check nothing
    });

    it(`backward adds into dh_{t−1}${hasC ? ' and dc_{t−1}' : ''} rather than overwriting them`, () => {
      const s = setupCellStep(kind, bias, 7);
      const once = s.backward();
      const rng = new Rng(3);
      const dhStart = randn([B, H], rng), dcStart = randn([B, H], rng);
      const added = s.backward(dhStart, dcStart);
      for (let k = 0; k < B * H; k++) expect(added.dhPrev.data[k]).toBeCloseTo(dhStart.data[k] + once.dhPrev.data[k], 14);
      if (hasC) {
        for (let k = 0; k < B * H; k++) expect(added.dcPrev!.data[k]).toBeCloseTo(dcStart.data[k] + once.dcPrev!.data[k], 14);
      }
    });
  });
}
