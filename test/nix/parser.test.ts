// Parser unit tests: syntax coverage, desugaring, positions in errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/nix/parser';
import { showAst } from '../../src/nix/show-ast';
import { NixError } from '../../src/nix/errors';
import type { Node } from '../../src/nix/ast';

function p(text: string): Node {
  return parse({ file: '/t/x.nix', text, isFile: true }, { baseDir: '/t', home: '/home/u' });
}
function show(text: string): string {
  return showAst(p(text));
}
function parseError(text: string): NixError {
  try {
    p(text);
  } catch (e) {
    assert.ok(e instanceof NixError, String(e));
    return e;
  }
  assert.fail(`expected a parse error for ${text}`);
}

test('operator precedence and associativity', () => {
  assert.equal(show('1 + 2 * 3'), '(1 + (2 * 3))');
  assert.equal(show('a -> b -> c'), '(a -> (b -> c))');
  assert.equal(show('a || b && c'), '(a || (b && c))');
  assert.equal(show('a // b // c'), '(a // (b // c))');
  assert.equal(show('[1] ++ [2] ++ [3]'), '([ 1 ] ++ ([ 2 ] ++ [ 3 ]))');
  assert.equal(show('!a == b'), '((! a) == b)');
  assert.equal(show('- x ? y'), '(((0 - x)) ? y)');
  assert.equal(show('a < b'), '(a < b)');
  assert.equal(show('a >= b'), '(! (a < b))');
  assert.equal(show('f x y.z or 3'), '(f x (y).z or (3))');
});

test('literals: ints, floats, paths, URIs, search paths', () => {
  assert.equal(show('123'), '123');
  assert.equal(show('1.5'), '1.5');
  assert.equal(show('./foo/bar'), '/t/foo/bar');
  assert.equal(show('../x'), '/x');
  assert.equal(show('~/x'), '/home/u/x');
  assert.equal(show('http://example.org/a?b=c'), '"http://example.org/a?b=c"');
  assert.equal(show('<nixpkgs>'), '(__findFile __nixPath "nixpkgs")');
  assert.equal(show('a/b'), '/t/a/b');
  assert.equal(show('a / b'), '(a / b)');
});

test('strings: escapes, interpolation, indented strings', () => {
  assert.equal(show('"a\\nb\\${x}"'), '"a\\nb\\${x}"');
  assert.equal(show('"a${b}c"'), '"a${b}c"');
  assert.equal(show("''\n  a\n    b\n''"), '"a\\n  b\\n"');
  assert.equal(show("''''$ ''' ''\\n''"), '"$ \'\' \\n"');
  assert.equal(show('"$${x}"'), '"$\\${x}"');
});

test('attribute sets: nested paths are merged, inherit, dynamic keys', () => {
  assert.equal(show('{ a.b = 1; a.c = 2; }'), '{ a = { b = 1; c = 2; }; }');
  assert.equal(show('{ inherit x; inherit (y) z; }'), '{ inherit x; inherit (y) z; }');
  assert.equal(show('{ ${k} = 1; }'), '{ "${k}" = 1; }');
  assert.equal(show('rec { a = 1; }'), 'rec { a = 1; }');
  assert.match(parseError('{ a = 1; a = 2; }').message, /attribute 'a' already defined at \/t\/x.nix:1:3/);
  assert.match(parseError('let ${x} = 1; in x').message, /dynamic attributes not allowed in let/);
});

test('functions: patterns, defaults, ellipsis, @-bindings', () => {
  assert.equal(show('x: x'), '(x: x)');
  assert.equal(show('{ a, b ? 1, ... }: a'), '({ a, b ? 1, ... }: a)');
  assert.equal(show('args@{ a }: a'), '(args @ { a }: a)');
  assert.equal(show('{ a } @ args: a'), '(args @ { a }: a)');
  assert.match(parseError('{ a, a }: a').message, /duplicate formal function argument 'a'/);
});

test('parse errors name file, line and column', () => {
  const e = parseError('{\n  a = 1\n}');
  assert.match(e.message, /^error: syntax error, unexpected '}'/);
  assert.match(e.message, /at \/t\/x.nix:3:1:/);
  assert.match(parseError('"abc').message, /unexpected end of file/);
  assert.match(parseError('./foo/').message, /trailing slash/);
});

test('comments and CR/LF line ends', () => {
  assert.equal(show('/* c */ 1 # x\n'), '1');
  assert.equal(show('{\r\n a = "x\r\ny"; # c\r b = 2; }'), '{ a = "x\\ny"; b = 2; }');
});
