/**
 * A strict JSON reader for headers that come from outside (safetensors): the grammar of RFC 8259, objects
 * read into Maps in file order, and two things JSON.parse lets through refused by name: a key given twice
 * in one object (JSON.parse keeps the last silently) and the key "__proto__" (which reaches an object's
 * prototype when copied into a plain object).
 */
import { ValueError } from '../kernels/tensor';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** The one-character escapes of JSON strings: \" \\ \/ \b \f \n \r \t. */
const ESCAPES = new Map([['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t']]);

/** Parses `text`; an error names `what`, the position and what was found there. */
export function parseStrictJson(text: string, what: string): JsonValue {
  let at = 0;
  const fail = (why: string): never => {
    throw new ValueError(`${what}: not valid JSON at character ${at}: ${why}`);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const expect = (c: string) => {
    if (text[at] !== c) fail(`expected ${JSON.stringify(c)}, found ${found()}`);
    at++;
  };
  const found = () => (at < text.length ? JSON.stringify(text[at]) : 'the end');

  function value(): JsonValue {
    space();
    const c = text[at];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return v;
      }
    }
    return fail(`expected a value, found ${found()}`);
  }

  function object(): JsonObject {
    const out: JsonObject = new Map();
    expect('{');
    space();
    if (text[at] === '}') {
      at++;
      return out;
    }
    for (;;) {
      space();
      if (text[at] !== '"') fail(`expected a key, found ${found()}`);
      const keyAt = at;
      const key = string();
      if (key === '__proto__') throw new ValueError(`${what}: the key "__proto__" (character ${keyAt}) is not allowed`);
      if (out.has(key)) throw new ValueError(`${what}: the key ${JSON.stringify(key)} appears twice in one object (character ${keyAt})`);
      space();
      expect(':');
      out.set(key, value());
      space();
      if (text[at] === ',') {
        at++;
        continue;
      }
      expect('}');
      return out;
    }
  }

  function array(): JsonValue[] {
    const out: JsonValue[] = [];
    expect('[');
    space();
    if (text[at] === ']') {
      at++;
      return out;
    }
    for (;;) {
      out.push(value());
      space();
      if (text[at] === ',') {
        at++;
        continue;
      }
      expect(']');
      return out;
    }
  }

  function string(): string {
    expect('"');
    let out = '';
    for (;;) {
      if (at >= text.length) fail('a string is never closed');
      const c = text[at++];
      if (c === '"') return out;
      if (c < ' ') fail(`a control character (U+${c.charCodeAt(0).toString(16).padStart(4, '0')}) inside a string`);
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[at++];
      if (e !== undefined && ESCAPES.has(e)) out += ESCAPES.get(e);
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at, at + 4))) {
        out += String.fromCharCode(parseInt(text.slice(at, at + 4), 16));
        at += 4;
      } else fail(`a bad escape \\${e ?? ''}`);
    }
  }

  function number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(at, at + 400));
    if (!m) return fail(`a malformed number`);
    at += m[0].length;
    return Number(m[0]);
  }

  const v = value();
  space();
  if (at !== text.length) fail(`more after the value: ${found()}`);
  return v;
}
