// Unit tests for src/nix/posix-regex.ts. Expected values were obtained from nix-instantiate 2.8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePosixRegex, nixMatch, nixSplit, PosixRegexError, posixRegexGroupCount } from '../../src/nix/posix-regex';

test('match: captures and whole-string semantics', () => {
  assert.deepEqual(nixMatch('a(b|c)*', 'abcb'), ['b']);
  assert.deepEqual(nixMatch('(a)(b)?', 'a'), ['a', null]);
  assert.deepEqual(nixMatch('()', ''), ['']);
  assert.deepEqual(nixMatch('(.*)\\.(.*)', 'foo.tar.gz'), ['foo.tar', 'gz']);
  assert.deepEqual(nixMatch('[a-z]+-([0-9.]+)', 'hello-2.1'), ['2.1']);
  assert.deepEqual(nixMatch('(|a)', 'a'), ['a']);
  assert.deepEqual(nixMatch('x*(ab)*', 'xabab'), ['ab']);
  assert.deepEqual(nixMatch('(a|ab)(c|bcd)(d*)', 'abcd'), ['a', 'bcd', '']);
  assert.equal(nixMatch('A', 'a'), null);
  assert.equal(nixMatch('a', 'ab'), null); // whole string only
  assert.equal(nixMatch('$a', 'a'), null);
  assert.equal(nixMatch('a(^|b)', 'a'), null);
  assert.deepEqual(nixMatch('(^a)', 'a'), ['a']);
});

test('match: bytes, dot and newlines', () => {
  // "é" is two bytes in Nix: '.' does not match it, '(.)(.)' does.
  const e = '\xc3\xa9';
  assert.equal(nixMatch('.', e), null);
  assert.deepEqual(nixMatch('(.)(.)', e), ['\xc3', '\xa9']);
  assert.deepEqual(nixMatch('.', '\n'), []);
  assert.deepEqual(nixMatch('[^a]', '\n'), []);
});

test('bracket expressions', () => {
  assert.deepEqual(nixMatch('[]a]+', ']a]'), []);
  assert.deepEqual(nixMatch('[^]a]', 'b'), []);
  assert.deepEqual(nixMatch('[\\d]', 'd'), []); // backslash is literal inside brackets
  assert.deepEqual(nixMatch('[\\]+', '\\\\'), []);
  assert.equal(nixMatch('[a\\]]+', 'a\\]'), null);
  assert.deepEqual(nixMatch('[a-]+', 'a-'), []);
  assert.deepEqual(nixMatch('[%--]', '+'), []);
  assert.deepEqual(nixMatch('[--0]', '.'), []);
  assert.deepEqual(nixMatch('[]-a]', '^'), []);
  assert.deepEqual(nixMatch('[[]', '['), []);
  assert.deepEqual(nixMatch('[[:alpha:]]+', 'abC'), []);
  assert.deepEqual(nixMatch('[[:upper:][:digit:]]+', 'A9'), []);
  assert.deepEqual(nixMatch('[[:w:]]+', 'a_1'), []);
  assert.deepEqual(nixMatch('[[:punct:]]+', '!-/'), []);
  assert.deepEqual(nixMatch('[[:space:]]+', ' \t\n\r\f\v'), []);
  assert.deepEqual(nixMatch('[[.a.]]', 'a'), []);
  assert.deepEqual(nixMatch('[[=a=]b]', 'b'), []);
  assert.equal(nixMatch('[[:alpha:]]', '1'), null);
});

test('escapes, quantifiers and literal braces', () => {
  assert.deepEqual(nixMatch('a\\+', 'a+'), []);
  assert.deepEqual(nixMatch('\\.a', '.a'), []);
  assert.deepEqual(nixMatch('\\{', '{'), []);
  assert.deepEqual(nixMatch('\\$', '$'), []);
  assert.deepEqual(nixMatch('a}', 'a}'), []);
  assert.deepEqual(nixMatch(']', ']'), []);
  assert.deepEqual(nixMatch('a{2,3}', 'aaa'), []);
  assert.deepEqual(nixMatch('a{1,}', 'aaaa'), []);
  assert.deepEqual(nixMatch('a{0}', ''), []);
  assert.deepEqual(nixMatch('a{2}{3}', 'aaaaaa'), []);
  assert.deepEqual(nixMatch('a**', 'aa'), []);
  assert.deepEqual(nixMatch('x+?', 'x'), []);
  assert.deepEqual(nixMatch('x+*', 'xx'), []);
  assert.equal(nixMatch('a\\|b', 'a'), null);
});

test('invalid patterns throw Nix-style errors', () => {
  const bad = ['a{,3}', '(', '\\w+', '\\d', '\\s', '\\n', '\\/', '\\b', '\\}', '\\]', '\\1', '(a)\\1', 'a{1', 'a\\{1\\}',
    '[z-a]', '*a', '(*a)', '(+)', 'a|*b', '[[:foo:]]', '[[:word:]]', '[[:alpha:]', '[', 'a{', '{', 'a{}', ')', 'a)',
    '(?:a)', 'a{2,1}', '[a-c-e]', '[[:alpha:]-z]', '^*a', 'a$?', '^{2}a', '[[:alpha:]]{2}$+'];
  for (const p of bad) {
    assert.throws(() => nixMatch(p, 'a'), (e: unknown) => e instanceof PosixRegexError && e.message === `invalid regular expression '${p}'`, p);
  }
  assert.throws(() => compilePosixRegex('a{99999999}'), /memory limit exceeded by regular expression/);
  // cached errors throw again
  assert.throws(() => nixMatch('(', 'a'), PosixRegexError);
});

test('split: shape, empty matches and longest alternatives', () => {
  assert.deepEqual(nixSplit('(a)|b', 'xaybz'), ['x', ['a'], 'y', [null], 'z']);
  assert.deepEqual(nixSplit('', 'abc'), ['', [], 'a', [], 'b', [], 'c', [], '']);
  assert.deepEqual(nixSplit('a*', 'baac'), ['', [], 'b', [], '', [], 'c', [], '']);
  assert.deepEqual(nixSplit('(x*)', 'axxb'), ['', [''], 'a', ['xx'], '', [''], 'b', [''], '']);
  assert.deepEqual(nixSplit('a|ab', 'xabc'), ['x', [], 'c']);
  assert.deepEqual(nixSplit('(a|ab)', 'abab'), ['', ['ab'], '', ['ab'], '']);
  assert.deepEqual(nixSplit('(a|ab)(c|bcd)', 'abcd'), ['', ['a', 'bcd'], '']);
  assert.deepEqual(nixSplit('(a*)(ab)*', 'aabab'), ['', ['aa', null], '', ['', null], 'b', ['a', null], '', ['', null], 'b', ['', null], '']);
  assert.deepEqual(nixSplit('^a', 'aaa'), ['', [], 'aa']);
  assert.deepEqual(nixSplit('a$', 'aaa'), ['aa', [], '']);
  assert.deepEqual(nixSplit('(^|x)a', 'aaxa'), ['', [''], 'a', ['x'], '']);
  assert.deepEqual(nixSplit('(,)|(;)', 'a,b;c'), ['a', [',', null], 'b', [null, ';'], 'c']);
  assert.deepEqual(nixSplit('[[:space:]]+', ' a  b\tc\n'), ['', [], 'a', [], 'b', [], 'c', [], '']);
  assert.deepEqual(nixSplit('x', 'abc'), ['abc']);
  assert.deepEqual(nixSplit('x+?', 'xxx'), ['', [], '', [], '']); // (x+)? then an empty match at the end
});

test('repeated groups follow libstdc++ (captures kept across iterations, extra empty iteration)', () => {
  assert.deepEqual(nixMatch('(a|(b))*', 'ba'), ['a', 'b']);
  assert.deepEqual(nixMatch('(a*)*', 'aa'), ['']);
  assert.deepEqual(nixMatch('(a*)+', 'b'), null);
  assert.deepEqual(nixMatch('(^)*a', 'a'), ['']);
  assert.deepEqual(nixSplit('((a|ab)*|b)+', 'abababababababab'), ['', ['', 'a'], '', ['', null], '']);
  // long inputs stay correct (deep inputs fall back to the JS engine instead of overflowing)
  assert.deepEqual(nixMatch('(a|b)*', 'ab'.repeat(5000)), ['b']);
});

test('compilePosixRegex returns a cached, usable RegExp', () => {
  const r1 = compilePosixRegex('[[:digit:]]+');
  assert.equal(r1, compilePosixRegex('[[:digit:]]+'));
  assert.equal(r1.exec('ab123c')![0], '123');
  assert.equal(posixRegexGroupCount('(a)((b)|c)'), 3);
});
