/**
 * Netpbm greyscale images (PGM), 8-bit: P2 (plain, numbers in text) and P5 (raw, one byte per pixel).
 *
 *   header  "P2" or "P5", width, height, maxval (1 … 255), separated by whitespace; "#" starts a comment
 *           that runs to the end of its line; in P5 exactly one whitespace byte ends the header
 *   pixels  height rows of width values 0 … maxval, row after row; 0 is black
 * The engine reads ink as the digits data set has it (0 = background, larger = more ink), so a pixel v
 * reads as 1 − v / maxval when `inverted` (black ink on white paper, as most images are drawn), else
 * v / maxval. PGM written here (`toPgm`) is in the data set's sense: white ink on black.
 */
import { ValueError } from '../kernels/tensor';

export interface GreyImage {
  width: number;
  height: number;
  pixels: Float64Array; // [height·width] in [0, 1], row after row, 1 = the most ink
}

const OTHER_NETPBM: Record<string, string> = {
  P1: 'a plain PBM (black and white) image', P4: 'a raw PBM (black and white) image',
  P3: 'a plain PPM (colour) image', P6: 'a raw PPM (colour) image', P7: 'a PAM image',
};

/** Parses a PGM file's bytes; `what` names the file in errors. */
export function parsePgm(bytes: Uint8Array, what: string, options: { inverted?: boolean } = {}): GreyImage {
  const magic = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (OTHER_NETPBM[magic]) throw new ValueError(`${what}: ${OTHER_NETPBM[magic]} (${magic}); only greyscale PGM (P2 or P5) is read`);
  if (magic !== 'P2' && magic !== 'P5') throw new ValueError(`${what}: not a PGM image (it starts with ${JSON.stringify(String.fromCharCode(...bytes.subarray(0, 8)).replace(/[^\x20-\x7e]/g, '.'))}, not P2 or P5)`);
  let at = 2;
  const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
  const nextNumber = (name: string): number => {
    for (;;) {
      while (at < bytes.length && isSpace(bytes[at])) at++;
      if (bytes[at] !== 0x23) break; // '#': a comment to the end of the line
      while (at < bytes.length && bytes[at] !== 0x0a && bytes[at] !== 0x0d) at++;
    }
    const from = at;
    while (at < bytes.length && bytes[at] >= 0x30 && bytes[at] <= 0x39) at++;
    if (at === from) throw new ValueError(`${what}: expected the ${name} (a whole number) at byte ${from}, got ${at < bytes.length ? JSON.stringify(String.fromCharCode(bytes[at])) : 'the end of the file'}`);
    return Number(String.fromCharCode(...bytes.subarray(from, at)));
  };
  const width = nextNumber('width'), height = nextNumber('height'), maxval = nextNumber('maxval');
  if (width < 1 || height < 1) throw new ValueError(`${what}: expected a width and height of at least 1, got ${width} × ${height}`);
  if (maxval < 1 || maxval > 65535) throw new ValueError(`${what}: maxval ${maxval} is outside 1 … 65535`);
  if (maxval > 255) throw new ValueError(`${what}: a 16-bit PGM (maxval ${maxval}); only 8-bit images (maxval ≤ 255) are read`);
  const n = width * height, pixels = new Float64Array(n), inverted = options.inverted ?? false;
  const put = (k: number, v: number) => {
    if (v > maxval) throw new ValueError(`${what}: pixel ${k} (row ${Math.floor(k / width)}, column ${k % width}) is ${v}, above maxval ${maxval}`);
    pixels[k] = inverted ? 1 - v / maxval : v / maxval;
  };
  if (magic === 'P5') {
    if (!isSpace(bytes[at] ?? 0)) throw new ValueError(`${what}: expected one whitespace byte after maxval, got ${at < bytes.length ? `byte ${bytes[at]}` : 'the end of the file'}`);
    at++;
    if (bytes.length - at < n) throw new ValueError(`${what}: ${width} × ${height} pixels need ${n} bytes, the file has ${bytes.length - at} after its header`);
    for (let k = 0; k < n; k++) put(k, bytes[at + k]);
  } else {
    for (let k = 0; k < n; k++) {
      while (at < bytes.length && isSpace(bytes[at])) at++;
      if (at >= bytes.length) throw new ValueError(`${what}: ${width} × ${height} = ${n} pixels expected, the file ends after ${k}`);
      put(k, nextNumber(`value of pixel ${k}`));
    }
  }
  return { width, height, pixels };
}

/** A raw (P5) 8-bit PGM of values in [0, 1] (clamped), 1 → 255. */
export function toPgm(image: GreyImage, comment = ''): Uint8Array {
  const header = `P5\n${comment ? `# ${comment.replace(/[\r\n]/g, ' ')}\n` : ''}${image.width} ${image.height}\n255\n`;
  const out = new Uint8Array(header.length + image.pixels.length);
  for (let i = 0; i < header.length; i++) out[i] = header.charCodeAt(i) & 0xff;
  image.pixels.forEach((v, k) => (out[header.length + k] = Math.round(255 * Math.max(0, Math.min(1, v)))));
  return out;
}
