import { JsonValue, parseStrictJson } from '../../lib/models/strict-json';

/** Plain data from what parseStrictJson returns (Maps become objects), to compare with JSON.parse. */
function plain(v: JsonValue): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

describe('strict JSON for headers from outside', () => {
  it.each([
    '{}', '[]', '0', '-0', '1.5e-3', '-12.25E+2', 'true', 'false', 'null', '"\\u00e9\\n\\t\\"\\\\\\/"',
    ' { "a" : [1, {"b": null}, "x"], "c": {} } ', '{"10":1,"2":2,"x":3}', '"\\ud83d\\ude00"',
  ])('reads %s as JSON.parse does', (text) => {
    expect(plain(parseStrictJson(text, 'h'))).toEqual(JSON.parse(text));
  });

  it('keeps the keys of an object in the order of the text, numeric-looking ones too', () => {
    expect([...(parseStrictJson('{"b":1,"10":2,"a":3,"2":4}', 'h') as Map<string, JsonValue>).keys()]).toEqual(['b', '10', 'a', '2']);
  });

  it.each([
    ['{"a":1,"a":2}', 'h: the key "a" appears twice in one object (character 7)'],
    ['{"x":{"__proto__":1}}', 'h: the key "__proto__" (character 6) is not allowed'],
    ['{"a":1,}', 'h: not valid JSON at character 7: expected a key, found "}"'],
    ['{"a" 1}', 'h: not valid JSON at character 5: expected ":", found "1"'],
    ['[1 2]', 'h: not valid JSON at character 3: expected "]", found "2"'],
    ['01', 'h: not valid JSON at character 1: more after the value: "1"'],
    ['"abc', 'h: not valid JSON at character 4: a string is never closed'],
    ['"a\nb"', 'h: not valid JSON at character 3: a control character (U+000a) inside a string'],
    ['"\\x"', 'h: not valid JSON at character 3: a bad escape \\x'],
    ['{"a":tru}', 'h: not valid JSON at character 5: expected a value, found "t"'],
    ['', 'h: not valid JSON at character 0: expected a value, found the end'],
  ])('refuses %j', (text, message) => {
    expect(() => parseStrictJson(text, 'h')).toThrow(message);
  });
});
