/**
 * Small inputs the specs make for themselves, in the formats of the real data sets (which the specs never
 * read: they stay out of the repository, see lib/data/datasets.ts). Each is deterministic, and built so
 * that the figures a spec asserts can be derived from how it is made.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

export const tmpDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Runs `fn` with the data environment pointed at empty folders (UNROLLED_DATA and the cache), then restores it. */
export function withoutData<T>(fn: () => T): T {
  const saved = { UNROLLED_DATA: process.env.UNROLLED_DATA, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  process.env.UNROLLED_DATA = tmpDir('data-');
  process.env.XDG_CACHE_HOME = tmpDir('cache-');
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * A monthly series of 144 values from 2001-01 to 2012-12: x_t = 200 + 2t + 20·sin(2πt/12). Over whole
 * years its errors are known in closed form: seasonal naive is off by exactly 12·2 = 24 at every step;
 * persistence by 2 + 20·(sin(2πt/12) − sin(2π(t−1)/12)), whose root mean square over a year is
 * √(4 + 400·(1 − cos(π/6))).
 */
export function monthlySeries(n = 144): { values: number[]; dates: string[] } {
  const values = Array.from({ length: n }, (_, t) => 200 + 2 * t + 20 * Math.sin((2 * Math.PI * t) / 12));
  const dates = values.map((_, t) => `${2001 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`);
  return { values, dates };
}

/** The series as a CSV in the style of a spreadsheet export: quoted header and dates, CRLF, no final newline. */
export function writeMonthlyCsv(dir: string, column = 'Units', n = 144): string {
  const { values, dates } = monthlySeries(n);
  const file = path.join(dir, 'monthly.csv');
  fs.writeFileSync(file, [`"Month","${column}"`, ...values.map((v, t) => `"${dates[t]}",${v}`)].join('\r\n'));
  return file;
}

/** Name-like words made from parts typical of a language; `count` of them, cycling through the combinations. */
const NAME_PARTS: Record<string, [string[], string[]]> = {
  Greek: [['Pap', 'Kon', 'Dim', 'Geo', 'Ale', 'Kar', 'Mav', 'Sta', 'Ath', 'Bak', 'Dra'], ['adopoulos', 'akis', 'idis', 'opoulos', 'ou', 'elis', 'as']],
  Japanese: [['Ta', 'Ka', 'Mo', 'Yo', 'Sa', 'Hi', 'Ku', 'Fu', 'Mi', 'To'], ['kamura', 'mura', 'moto', 'kawa', 'shita', 'hara', 'zaki']],
  Polish: [['Kowal', 'Wisn', 'Lew', 'Ziel', 'Szym', 'Wozn', 'Kam', 'Dab', 'Pawl', 'Grab'], ['ski', 'ska', 'czyk', 'ewicz', 'iak', 'owski']],
  Scottish: [['Mac', 'Mc', 'Ross', 'Kerr', 'Gra', 'Fra'], ['Donald', 'Leod', 'Kay', 'Gregor', 'Lean', 'Intyre', 'Farlane', 'Kenzie', 'ham', 'ser']],
  Russian: [['Iva', 'Pet', 'Smir', 'Sok', 'Pop', 'Leb', 'Koz', 'Vol', 'Bel', 'Dub', 'Ale'], ['nov', 'rov', 'olov', 'edev', 'lov', 'ikov', 'insky', 'chenko']],
};
export function madeUpNames(language: keyof typeof NAME_PARTS, count: number): string[] {
  const [heads, tails] = NAME_PARTS[language];
  return Array.from({ length: count }, (_, i) => heads[i % heads.length] + tails[(i + Math.floor(i / heads.length)) % tails.length]);
}

/** A directory with one file of made-up names per language, `count` lines each. */
export function writeNameFiles(dir: string, languages: (keyof typeof NAME_PARTS)[], count: number): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const l of languages) fs.writeFileSync(path.join(dir, `${l}.txt`), madeUpNames(l, count).join('\n') + '\n');
  return dir;
}

/**
 * A play-like text of about `length` characters: speaker lines ("ANNA:") and sentences drawn from small
 * word lists with a fixed linear congruential sequence, so the same call gives the same text.
 */
export function madeUpText(length: number): string {
  const speakers = ['ANNA', 'BORIS', 'CLARA', 'DAVID'];
  const subjects = ['The river', 'My brother', 'This old house', 'Your letter', 'The night', 'A quiet bell', 'Our garden'];
  const verbs = ['waits for', 'remembers', 'carries', 'hides', 'follows', 'calls', 'forgets'];
  const objects = ['the morning', 'a silver key', 'the long road', 'every promise', 'the cold rain', 'your name', 'the last song'];
  const ends = ['.', '!', '?', ', and so do I.', '; so it goes.'];
  let state = 12345;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * n);
  };
  let text = '';
  while (text.length < length) {
    text += `${speakers[next(speakers.length)]}:\n`;
    for (let k = 1 + next(3); k > 0; k--) text += `${subjects[next(subjects.length)]} ${verbs[next(verbs.length)]} ${objects[next(objects.length)]}${ends[next(ends.length)]}\n`;
    text += '\n';
  }
  return text.slice(0, length);
}

/**
 * English<TAB>French pairs from a tiny grammar, in a fixed order: subject × adjective × time × adverb,
 * ending in "." or (every fifth) "!"; every ninth names a town, a word that occurs once in the file.
 */
export function madeUpPairs(count: number): string[] {
  const subjects: [string, string][] = [['I am', 'Je suis'], ['He is', 'Il est'], ['She is', 'Elle est'], ['We are', 'Nous sommes'], ['You are', 'Vous êtes'], ['They are', 'Ils sont']];
  const adjectives: [string, string][] = [
    ['tired', 'fatigué'], ['happy', 'heureux'], ['calm', 'calme'], ['ready', 'prêt'], ['cold', 'froid'], ['hungry', 'affamé'],
    ['busy', 'occupé'], ['sad', 'triste'], ['late', 'en retard'], ['strong', 'fort'], ['young', 'jeune'], ['rich', 'riche'],
  ];
  const times: [string, string][] = [['today', "aujourd'hui"], ['now', 'maintenant'], ['again', 'encore'], ['tonight', 'ce soir']];
  const adverbs: [string, string][] = [['', ''], ['very ', 'très '], ['too ', 'trop ']];
  const towns = ['Arles', 'Brest', 'Caen', 'Dijon', 'Evian', 'Foix', 'Gap', 'Hyeres', 'Istres', 'Jarnac', 'Laval', 'Lens', 'Metz', 'Nancy', 'Niort', 'Orange', 'Pau', 'Reims', 'Rodez', 'Sete', 'Tours', 'Vichy', 'Vitre', 'Albi', 'Agen', 'Auch', 'Blois', 'Bourges'];
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const [se, sf] = subjects[i % 6];
    const [ae, af] = adjectives[Math.floor(i / 6) % 12];
    const [te, tf] = times[Math.floor(i / 72) % 4];
    const [de, df] = adverbs[Math.floor(i / 288) % 3];
    const town = i % 9 === 4 ? towns[Math.floor(i / 9) % towns.length] : null;
    const end = i % 5 === 2 ? '!' : '.';
    out.push(`${se} ${de}${ae} ${town ? `in ${town}` : te}${end}\t${sf} ${df}${af} ${town ? `à ${town}` : tf}${end}`);
  }
  return out;
}

/**
 * Rows of 64 pixel values (0–16) and a label, as the digits file: class c lights row c mod 8 of an 8×8
 * image and column ⌊c/2⌋, with a little pixel noise. `perClass` rows of each of 10 classes, gzipped.
 */
export function writeDigitRows(dir: string, perClass: number): string {
  const rows: string[] = [];
  for (let i = 0; i < 10 * perClass; i++) {
    const c = i % 10;
    const pixels = Array.from({ length: 64 }, (_, k) => {
      const lit = Math.floor(k / 8) === c % 8 || k % 8 === Math.floor(c / 2);
      return lit ? 12 + ((i + k) % 5) : (i * 7 + k * 3) % 3;
    });
    rows.push([...pixels, c].join(','));
  }
  const file = path.join(dir, 'digits.csv.gz');
  fs.writeFileSync(file, zlib.gzipSync(rows.join('\n') + '\n'));
  return file;
}

/** CRC-32 (IEEE 802.3), as zip archives store it. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of the given members, each deflated: local headers, then the central directory, then its end record. */
export function makeZip(members: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [], centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(members)) {
    const packed = zlib.deflateRawSync(data), nameBytes = Buffer.from(name, 'utf8'), crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
