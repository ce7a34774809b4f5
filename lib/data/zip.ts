/**
 * Reads one member out of a zip archive in memory: the end-of-central-directory record, the central
 * directory entry of the member, its local header, then its bytes, stored or deflated (the two methods
 * zip tools write by default). Zip64 archives, encryption and other methods are refused by name.
 * Used to cut a data set out of an archive after download (lib/data/download.ts); the caller checks the
 * member's sha256, which is a stronger check than the archive's CRC-32.
 */
import * as zlib from 'zlib';
import { ValueError } from '../kernels/tensor';

const EOCD = 0x06054b50; // end of central directory
const CENTRAL = 0x02014b50; // central directory file header
const LOCAL = 0x04034b50; // local file header

/** The names of the members of a zip archive, in the order of its central directory. */
export function zipMembers(archive: Uint8Array, what = 'zip archive'): string[] {
  return centralEntries(asBuffer(archive), what).map((e) => e.name);
}

/** The bytes of the member called `member`; an error names the archive and what is wrong. */
export function readZipMember(archive: Uint8Array, member: string, what = 'zip archive'): Uint8Array {
  const zip = asBuffer(archive);
  const entries = centralEntries(zip, what);
  const e = entries.find((x) => x.name === member);
  if (!e) throw new ValueError(`${what}: no member ${JSON.stringify(member)} (it has ${entries.slice(0, 5).map((x) => x.name).join(', ')}${entries.length > 5 ? ', …' : ''})`);
  if (e.flags & 1) throw new ValueError(`${what}: ${member} is encrypted`);
  if (e.compressedSize === 0xffffffff || e.size === 0xffffffff || e.localOffset === 0xffffffff) throw new ValueError(`${what}: ${member} needs zip64, which this reader does not read`);
  const at = e.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL) throw new ValueError(`${what}: the local header of ${member} is not where the central directory says`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28); // after the name and the extra field
  const end = start + e.compressedSize;
  if (end > zip.length) throw new ValueError(`${what}: ${member} runs past the end of the archive (truncated)`);
  const raw = zip.subarray(start, end);
  let bytes: Buffer;
  if (e.method === 0) bytes = Buffer.from(raw);
  else if (e.method === 8) {
    try {
      bytes = zlib.inflateRawSync(raw);
    } catch (err) {
      throw new ValueError(`${what}: ${member} cannot be inflated (${(err as Error).message})`);
    }
  } else throw new ValueError(`${what}: ${member} uses compression method ${e.method}; this reader takes 0 (stored) and 8 (deflate)`);
  if (bytes.length !== e.size) throw new ValueError(`${what}: ${member} inflates to ${bytes.length} bytes; the archive says ${e.size}`);
  return bytes;
}

/** The same bytes as a Buffer, for its little-endian readers (no copy). */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function centralEntries(zip: Buffer, what: string): CentralEntry[] {
  // The end record is the last 22 bytes, unless a comment (at most 65,535 bytes) follows it.
  let eocd = -1;
  for (let k = zip.length - 22; k >= Math.max(0, zip.length - 22 - 0xffff); k--) {
    if (zip.readUInt32LE(k) === EOCD) {
      eocd = k;
      break;
    }
  }
  if (eocd < 0) throw new ValueError(`${what}: not a zip archive (no end-of-central-directory record)`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: CentralEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL) throw new ValueError(`${what}: central directory entry ${k} is damaged`);
    const nameLength = zip.readUInt16LE(at + 28);
    entries.push({
      flags: zip.readUInt16LE(at + 8), method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20), size: zip.readUInt32LE(at + 24), localOffset: zip.readUInt32LE(at + 42),
      name: zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}
