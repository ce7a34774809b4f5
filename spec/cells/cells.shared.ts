/** The check every cell spec runs: the gradient of every input of one step against central differences. */
import { CellKind } from '../../lib/cells/cell-params';
import { checkGradients } from '../../lib/diagnostics/gradcheck';
import { Rng } from '../../lib/kernels/random';
import { setupCell, cellTensorsToCheck } from './cell-check';
import { randn } from '../helpers';

export function describeCellGradients(kind: CellKind): void {
  describe.each([true, false])(`${kind} cell, bias %s`, (bias) => {
    const s = setupCell(kind, bias, 7);
    const rows = checkGradients(s.loss, cellTensorsToCheck(s));
    it.each(rows.map((r) => [r.name, r] as const))('d%s matches central differences', (_name, r) => {
      expect(r.maxRelError).toBeLessThan(1e-6);
      expect(r.maxAbsGrad).toBeGreaterThan(0); // a gradient that is all zeros would check nothing
    });

    it('backward adds into dh_{t−1} rather than overwriting it', () => {
      const once = s.backward().dhPrev;
      const start = randn([once.shape[0], once.shape[1]], new Rng(3));
      const added = s.backward(start).dhPrev;
      for (let i = 0; i < once.data.length; i++) expect(added.data[i]).toBeCloseTo(start.data[i] + once.data[i], 14);
    });
  });
}
