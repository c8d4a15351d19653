// Unit tests for src/nix/json-parse.ts. Expected values/messages come from nix-instantiate 2.8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonFloat, isJsonObject, JsonNode, JsonParseError, jsonUtf8Error, parseJsonForNix, quoteJsonString } from '../../src/nix/json-parse';
import { bytesToUtf8 } from '../../src/nix/bytes';

const P = '[json.exception.parse_error.101] parse error at line ';

test('values and number typing', () => {
  assert.equal(parseJsonForNix('1'), 1n);
  assert.deepEqual(parseJsonForNix('1.0'), { float: 1 });
  assert.deepEqual(parseJsonForNix('1e2'), { float: 100 });
  assert.deepEqual(parseJsonForNix('1E+2'), { float: 100 });
  assert.equal(parseJsonForNix('-0'), 0n);
  assert.ok(Object.is((parseJsonForNix('-0.0') as { float: number }).float, -0));
  assert.equal(parseJsonForNix('9223372036854775807'), 9223372036854775807n);
  // Nix 2.8 wraps; newer Nix (and the eval-fail-fromJSON-overflowing test) rejects
  assert.equal(parseJsonForNix('9223372036854775808', { compat28: true }), -9223372036854775808n);
  assert.equal(parseJsonForNix('18446744073709551615', { compat28: true }), -1n);
  assert.throws(() => parseJsonForNix('{"attr": 18446744073709551615}'), { message: 'unsigned json number 18446744073709551615 outside of Nix integer range' });
  assert.equal(parseJsonForNix('-9223372036854775808'), -9223372036854775808n);
  assert.deepEqual(parseJsonForNix('18446744073709551616'), { float: 18446744073709551616 });
  assert.deepEqual(parseJsonForNix('-9223372036854775809'), { float: -9223372036854775809 });
  assert.deepEqual(parseJsonForNix('1.5e-400'), { float: 0 });
  assert.equal(parseJsonForNix('true'), true);
  assert.equal(parseJsonForNix(' null '), null);
  const v = parseJsonForNix('{"b":1,"a":[true,false,null],"a":{"x":"y"}}');
  assert.ok(isJsonObject(v));
  assert.deepEqual([...v.object.keys()], ['b', 'a']);
  const a = v.object.get('a')!;
  assert.ok(isJsonObject(a)); // last duplicate wins
  assert.equal(a.object.get('x'), 'y');
  assert.ok(isJsonFloat({ float: 1 } as JsonNode));
});

test('strings and escapes (byte strings out)', () => {
  assert.equal(parseJsonForNix('"\\u00e9"'), '\xc3\xa9');
  assert.equal(parseJsonForNix('"\\ud83d\\ude00"'), '\xf0\x9f\x98\x80');
  assert.equal(parseJsonForNix('"\\/"'), '/');
  assert.equal(parseJsonForNix('"\\u0041\\n\\"\\\\\\b\\f\\r\\t"'), 'A\n"\\\b\f\r\t');
  assert.equal(parseJsonForNix('"a\\u0000b"', { compat28: true }), 'a'); // 2.8: C strings end at NUL
  for (const doc of ['"a\\u0000b"', '{"a\\u0000b": 1}']) {
    assert.throws(() => parseJsonForNix(doc), { message: "input string 'a\u2400b' cannot be represented as Nix string because it contains null bytes" });
  }
  assert.equal(parseJsonForNix('"\xc3\xa9"'), '\xc3\xa9'); // raw UTF-8 passes through
});

test('syntax errors match nlohmann/Nix messages', () => {
  const cases: [string, string][] = [
    ['[1,]', "1, column 4: syntax error while parsing value - unexpected ']'; expected '[', '{', or a literal"],
    ['01', '1, column 2: syntax error while parsing value - unexpected number literal; expected end of input'],
    ['', "1, column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"],
    ['"a', "1, column 3: syntax error while parsing value - invalid string: missing closing quote; last read: '\"a'"],
    ['nul', "1, column 4: syntax error while parsing value - invalid literal; last read: 'nul'"],
    ['{"a" 1}', "1, column 6: syntax error while parsing object separator - unexpected number literal; expected ':'"],
    ['"\\x"', "1, column 3: syntax error while parsing value - invalid string: forbidden character after backslash; last read: '\"\\x'"],
    ['-', "1, column 2: syntax error while parsing value - invalid number; expected digit after '-'; last read: '-'"],
    ['1.', "1, column 3: syntax error while parsing value - invalid number; expected digit after '.'; last read: '1.'"],
    ['.5', "1, column 1: syntax error while parsing value - invalid literal; last read: '.'"],
    ['true false', '1, column 10: syntax error while parsing value - unexpected false literal; expected end of input'],
    ['"\\ud83d"', "1, column 8: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\ud83d\"'"],
    ['"\\ude00"', "1, column 7: syntax error while parsing value - invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF; last read: '\"\\ude00'"],
    ['"a\\u00"', "1, column 7: syntax error while parsing value - invalid string: '\\u' must be followed by 4 hex digits; last read: '\"a\\u00\"'"],
    ['"ctl\x01"', "1, column 5: syntax error while parsing value - invalid string: control character U+0001 (SOH) must be escaped to \\u0001; last read: '\"ctl<U+0001>'"],
    ['"abc\n"', "2, column 0: syntax error while parsing value - invalid string: control character U+000A (LF) must be escaped to \\u000A or \\n; last read: '\"abc<U+000A>'"],
    ['{"a":1,}', "1, column 8: syntax error while parsing object key - unexpected '}'; expected string literal"],
    ['[1,x]', "1, column 4: syntax error while parsing value - invalid literal; last read: '1,x'"],
    ['1x', "1, column 2: syntax error while parsing value - invalid literal; last read: '1x'; expected end of input"],
    ['[truex]', "1, column 6: syntax error while parsing array - invalid literal; last read: '[truex'; expected ']'"],
    ['{"a":tru}', "1, column 9: syntax error while parsing value - invalid literal; last read: '\"a\":tru}'"],
    ['1 ]', "1, column 3: syntax error while parsing value - unexpected ']'; expected end of input"],
    ['"\xff"', "1, column 2: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xff'"],
    ['["\xe9t\xe9"]', "1, column 4: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xe9t'"],
  ];
  for (const [text, msg] of cases) {
    // messages are JS strings: quoted input bytes are decoded from UTF-8 (bad bytes -> U+FFFD)
    assert.throws(() => parseJsonForNix(text), (e: unknown) => e instanceof JsonParseError && e.message === bytesToUtf8(P + msg), JSON.stringify(text));
  }
  assert.throws(() => parseJsonForNix('[1e400]'), { message: "[json.exception.out_of_range.406] number overflow parsing '1e400'" });
});

test('quoteJsonString escapes like builtins.toJSON', () => {
  assert.equal(quoteJsonString('a/b'), '"a/b"');
  assert.equal(quoteJsonString('\xc3\xa9'), '"\xc3\xa9"');
  assert.equal(quoteJsonString('\t\n\r'), '"\\t\\n\\r"');
  assert.equal(quoteJsonString('q"b\\s'), '"q\\"b\\\\s"');
  assert.equal(quoteJsonString('\x01\x1f\x7f\b\f'), '"\\u0001\\u001f\x7f\\u0008\\u000c"');
  assert.equal(quoteJsonString(''), '""');
});

test('jsonUtf8Error: newer Nix rejects toJSON of invalid UTF-8', () => {
  assert.equal(jsonUtf8Error('_invalid UTF-8: \xff_'), 'JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index 16: 0xFF');
  assert.equal(jsonUtf8Error('ok \xc3\xa9 \xf0\x9f\x98\x80'), null);
  assert.equal(jsonUtf8Error('x\xc3'), 'JSON serialization error: [json.exception.type_error.316] incomplete UTF-8 string; last byte: 0xC3');
  assert.match(jsonUtf8Error('\xc3(')!, /invalid UTF-8 byte at index 1: 0x28/);
});
