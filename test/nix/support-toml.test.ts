// Unit tests for src/nix/toml.ts, including the upstream fromTOML conformance documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isTomlTable, parseToml, TomlError, tomlHasDateTime, TomlValue } from '../../src/nix/toml';
import { formatFloatForPrint } from '../../src/nix/float-format';
import { printNixLike } from './support-nixref';

const LANG = '/work/shared/nix-lang-tests/lang';
const fmt = (x: number, negNan?: boolean) => (Number.isNaN(x) ? (negNan ? '-nan' : 'nan') : formatFloatForPrint(x));
const show = (v: TomlValue) => printNixLike(v, fmt);

/** The ''...'' documents of a test file, with Nix's indentation stripping and ''' escape. */
function nixIndentedStrings(src: string): string[] {
  return [...src.matchAll(/''\n([\s\S]*?)\n\s*''/g)].map((m) => {
    const lines = m[1].split('\n');
    const ind = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
    return lines.map((l) => l.slice(ind)).join('\n').replace(/'''/g, "''") + '\n';
  });
}

for (const name of ['eval-okay-fromTOML', 'eval-okay-fromTOML-timestamps']) {
  test(`conformance: ${name}`, (t) => {
    const file = path.join(LANG, name + '.nix');
    if (!fs.existsSync(file)) return t.skip(`${file} not present`);
    const docs = nixIndentedStrings(fs.readFileSync(file, 'latin1'));
    const printed = docs.map((d) => show(parseToml(d)));
    const out = (printed.length > 1 ? '[ ' + printed.join(' ') + ' ]' : printed[0]) + '\n';
    assert.equal(out, fs.readFileSync(path.join(LANG, name + '.exp'), 'latin1'));
  });
}

test('values (checked against nix-instantiate 2.8)', () => {
  const cases: [string, string][] = [
    ['a = nan', '{ a = nan; }'], ['a = -nan', '{ a = -nan; }'], ['a = inf', '{ a = inf; }'], ['a = -inf', '{ a = -inf; }'],
    ['a = 0x7FFFFFFFFFFFFFFF', '{ a = 9223372036854775807; }'],
    ['a = """\nx\\\n   y"""', '{ a = "xy"; }'], ['a = [1, "x"]', '{ a = [ 1 "x" ]; }'],
    ['a = 1 # c\nb = 2', '{ a = 1; b = 2; }'], ['a = 0.0', '{ a = 0; }'], ['a = -0.0', '{ a = -0; }'],
    ['a = 1_000.5_5', '{ a = 1000.55; }'], ['a = "\\U0001F600"', '{ a = "\xf0\x9f\x98\x80"; }'],
    ['[a]\nb.c=1\n[a.b.d]\ne=1', '{ a = { b = { c = 1; d = { e = 1; }; }; }; }'],
    ['[a]\nb.c=1\n[a.b]\ne=1', '{ a = { b = { c = 1; e = 1; }; }; }'],
    ['[[a]]\nx=1\n[[a]]\ny=2\n[a.b]\nz=3', '{ a = [ { x = 1; } { b = { z = 3; }; y = 2; } ]; }'],
    ['a = """""x"""""', '{ a = "\\"\\"x\\"\\""; }'], ["a = '''x''''", '{ a = "x\'"; }'],
    ['a = 1e+400', '{ a = 1.79769e+308; }'], ['a = [\n1,\n2,\n]', '{ a = [ 1 2 ]; }'], ['a = {}', '{ a = { }; }'],
    ['"" = 1', '{ "" = 1; }'], ['a . b . c = 1', '{ a = { b = { c = 1; }; }; }'], ['a = 0o777', '{ a = 511; }'],
    ['a = 0b101_0', '{ a = 10; }'], ["a = '''\nx'''", '{ a = "x"; }'], ['\ta\t=\t1\t', '{ a = 1; }'], ['a = 1\r\nb = 2\r\n', '{ a = 1; b = 2; }'],
    ['a = {b.c = 1, b.d = 2}', '{ a = { b = { c = 1; d = 2; }; }; }'], ['1.2 = 3', '{ "1" = { "2" = 3; }; }'],
  ];
  for (const [doc, exp] of cases) assert.equal(show(parseToml(doc)), exp, doc);
});

test('errors', () => {
  const bad = ['a = 1\na = 2', 'a = "x', 'a = 01', 'a = 1__0', 'a.b = 1\na = 2', '[a]\n[a]', 'x',
    'a = { b = 1, }', 'a = 1.', 'a = .5', 'a = 1e', 'a = "\\x"', '[a.b]\nx=1\n[a]\nx=2\n[a]', 'a={b=1}\n[a.c]', 'a=[1]\n[[a]]',
    'a = [,]', 'a = 0x_1', 'a = 1_', 'a = tru', 'a = truex', 'a = 1 2', "a = 'x\ny'", 'a = {b = {c = 1}, b.d = 2}',
    'attr = 9223372036854775808', 'attr = -9223372036854775809', '"a\\u0000b" = 1', 'k = "a\\u0000b"', 'a = 1979-13-01'];
  for (const doc of bad) assert.throws(() => parseToml(doc), TomlError, doc);
  assert.throws(() => parseToml('attr = 9223372036854775808'), /too large integer/);
  assert.throws(() => parseToml('k = "a\\u0000b"'), /cannot be represented as Nix string because it contains null bytes/);
  assert.throws(() => parseToml('a = 1\na = 2'), /line|-->/);
});

test('dates are tagged and detectable', () => {
  const t = parseToml('a = 1979-05-27\nb = [07:32:00.5]\nc = 1979-05-27 07:32:00+00:00');
  assert.ok(isTomlTable(t));
  assert.deepEqual(t.table.get('a'), { datetime: '1979-05-27', kind: 'local-date' });
  assert.deepEqual(t.table.get('b'), [{ datetime: '07:32:00.500', kind: 'local-time' }]);
  assert.deepEqual(t.table.get('c'), { datetime: '1979-05-27T07:32:00Z', kind: 'offset-datetime' });
  assert.equal(tomlHasDateTime(t), true);
  assert.equal(tomlHasDateTime(parseToml('a = [1, {b = "x"}]')), false);
});
