/** The checks every cell spec runs: gradient check of every tensor, adding backward, step shape errors. */
import { toFlat } from '../../lib/kernels/tensor';
import { CellKind, zeroCellParams, cellTensors } from '../../lib/cells/cell-params';
import { checkGradients } from '../../lib/diagnostics/gradcheck';
import { setupCell, cellTensorsToCheck, D, H } from './cell-check';

export function describeCellGradients(kind: CellKind): void {
  describe.each([true, false])(`${kind} cell, bias %s`, (bias) => {
    const s = setupCell(kind, bias, 7);
    const rows = checkGradients(s.loss, cellTensorsToCheck(kind, bias, s));
    it.each(rows.map((r) => [r.name, r] as const))('d%s matches central differences', (_name, r) => {
      expect(r.maxRelError).toBeLessThan(1e-6);
      expect(r.maxAbsGrad).toBeGreaterThan(0); // a gradient that is all zeros would check nothing
    });

    it('backward adds into the parameter gradients: two calls give twice one call', () => {
      const once = zeroCellParams(kind, D, H, bias), twice = zeroCellParams(kind, D, H, bias);
      s.backward(once);
      s.backward(twice);
      s.backward(twice);
      cellTensors(once).forEach((m, k) => {
        const a = toFlat(m), b = toFlat(cellTensors(twice)[k]);
        for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(2 * a[i], 14);
      });
    });
  });
}
