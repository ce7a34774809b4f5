/** The one check the playground's runs make of every integer control: a value in range, named by its label. */
export function checkInteger(v: number, lo: number, hi: number, what: string): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${what}: expected an integer in [${lo}, ${hi}], got ${v}`);
}
