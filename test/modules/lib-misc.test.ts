// The non-module part of lib that configurations use (attrsets, lists, strings,
// trivial, generators, versions, fixed points), checked against documented results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { libEvaluator } from './lib-helpers';

const cases: [string, unknown][] = [
  // attrsets
  [`lib.mapAttrs' (n: v: lib.nameValuePair "x-\${n}" (v * 2)) { a = 1; b = 2; }`, { 'x-a': 2, 'x-b': 4 }],
  ['lib.filterAttrs (n: v: v > 1) { a = 1; b = 2; c = 3; }', { b: 2, c: 3 }],
  ['lib.recursiveUpdate { a.b = 1; a.c = 2; d = 1; } { a.b = 3; d = { e = 1; }; }', { a: { b: 3, c: 2 }, d: { e: 1 } }],
  ['lib.attrByPath [ "a" "b" ] 0 { a.b = 5; }', 5],
  ['lib.attrByPath [ "a" "x" ] 0 { a.b = 5; }', 0],
  ['lib.setAttrByPath [ "a" "b" ] 1', { a: { b: 1 } }],
  ['lib.getAttrFromPath [ "a" "b" ] { a.b = 2; }', 2],
  ['lib.hasAttrByPath [ "a" "b" ] { a.b = null; }', true],
  ['lib.mapAttrsToList (n: v: n + v) { a = "1"; b = "2"; }', ['a1', 'b2']],
  ['lib.genAttrs [ "a" "b" ] (n: n + n)', { a: 'aa', b: 'bb' }],
  ['lib.optionalAttrs false { a = 1; } // lib.optionalAttrs true { b = 2; }', { b: 2 }],
  ['lib.zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]', { a: [1, 2], b: [3] }],
  ['lib.foldlAttrs (acc: n: v: acc + v) 0 { a = 1; b = 2; }', 3],
  ['lib.concatMapAttrs (n: v: { "${n}1" = v; "${n}2" = v; }) { a = 1; }', { a1: 1, a2: 1 }],
  ['lib.collect builtins.isInt { a = 1; b = { c = 2; d = "x"; }; }', [1, 2]],
  ['lib.mapAttrsRecursive (path: v: lib.concatStringsSep "." path) { a.b = 1; c = 2; }', { a: { b: 'a.b' }, c: 'c' }],
  ['lib.attrValues { b = 2; a = 1; }', [1, 2]],
  ['lib.catAttrs "a" [ { a = 1; } { b = 2; } { a = 3; } ]', [1, 3]],
  ['lib.filterAttrsRecursive (n: v: v != null) { a = null; b = { c = null; d = 1; }; }', { b: { d: 1 } }],
  ['lib.cartesianProduct { a = [ 1 2 ]; b = [ "x" ]; }', [{ a: 1, b: 'x' }, { a: 2, b: 'x' }]],
  ['lib.isDerivation { type = "derivation"; }', true],
  // lists
  ['lib.optional true 1 ++ lib.optional false 2 ++ lib.optionals true [ 3 4 ]', [1, 3, 4]],
  ['lib.flatten [ 1 [ 2 [ 3 ] ] [ ] ]', [1, 2, 3]],
  ['lib.unique [ 1 2 1 3 2 ]', [1, 2, 3]],
  ["lib.foldl' (a: b: a - b) 10 [ 1 2 ]", 7],
  ['lib.foldr (a: b: a - b) 0 [ 10 3 ]', 7],
  ['lib.foldl (a: b: a + b) "" [ "a" "b" ]', 'ab'],
  ['lib.imap0 (i: v: i + v) [ 10 20 ]', [10, 21]],
  ['lib.imap1 (i: v: i + v) [ 10 20 ]', [11, 22]],
  ['lib.range 2 5', [2, 3, 4, 5]],
  ['lib.last [ 1 2 3 ]', 3],
  ['lib.init [ 1 2 3 ]', [1, 2]],
  ['lib.take 2 [ 1 2 3 ]', [1, 2]],
  ['lib.drop 2 [ 1 2 3 ]', [3]],
  ['lib.sublist 1 2 [ 1 2 3 4 ]', [2, 3]],
  ['lib.findFirst (x: x > 1) null [ 1 2 3 ]', 2],
  ['lib.findFirst (x: x > 9) "none" [ 1 2 3 ]', 'none'],
  ['lib.partition (x: x > 1) [ 1 2 3 ]', { right: [2, 3], wrong: [1] }],
  ['lib.groupBy (x: if x > 1 then "big" else "small") [ 1 2 3 ]', { big: [2, 3], small: [1] }],
  ['lib.zipLists [ 1 2 ] [ "a" "b" "c" ]', [{ fst: 1, snd: 'a' }, { fst: 2, snd: 'b' }]],
  ['lib.concatMap (x: [ x x ]) [ 1 2 ]', [1, 1, 2, 2]],
  ['lib.reverseList [ 1 2 3 ]', [3, 2, 1]],
  ['lib.sort (a: b: a < b) [ 3 1 2 ]', [1, 2, 3]],
  ['lib.sortOn (x: x.k) [ { k = 2; } { k = 1; } ]', [{ k: 1 }, { k: 2 }]],
  ['lib.count (x: x == 1) [ 1 2 1 ]', 2],
  ['lib.subtractLists [ 1 ] [ 1 2 3 ]', [2, 3]],
  ['lib.intersectLists [ 1 2 ] [ 2 3 ]', [2]],
  ['lib.toList 1 ++ lib.toList [ 2 ]', [1, 2]],
  ['lib.naturalSort [ "a10" "a2" "a1" ]', ['a1', 'a2', 'a10']],
  ['lib.elem 2 [ 1 2 ]', true],
  ['lib.lists.findSingle (x: x == 3) "none" "multiple" [ 1 3 3 ]', 'multiple'],
  // strings
  ['lib.concatStringsSep ", " [ "a" "b" ]', 'a, b'],
  ['lib.concatMapStrings (x: x + ";") [ "a" "b" ]', 'a;b;'],
  ['lib.concatMapStringsSep "-" toString [ 1 2 ]', '1-2'],
  ['lib.optionalString true "yes" + lib.optionalString false "no"', 'yes'],
  ['[ (lib.hasPrefix "ab" "abc") (lib.hasSuffix "bc" "abc") (lib.hasInfix "b" "abc") ]', [true, true, true]],
  ['lib.removePrefix "/nix" "/nix/store"', '/store'],
  ['lib.removeSuffix ".nix" "a.nix"', 'a'],
  ['lib.splitString "." "a.b..c"', ['a', 'b', '', 'c']],
  ['lib.strings.splitString ", " "x, y"', ['x', 'y']],
  ['[ (lib.toUpper "aBc") (lib.toLower "AbC") ]', ['ABC', 'abc']],
  [`lib.escapeShellArg "it's"`, `'it'\\''s'`],
  ['lib.escapeShellArg "plain-word_1.2"', 'plain-word_1.2'],
  ['lib.escapeShellArgs [ "a b" "c" ]', "'a b' c"],
  ['lib.replaceStrings [ "a" ] [ "b" ] "aXa"', 'bXb'],
  ['lib.fixedWidthString 5 "0" "42"', '00042'],
  ['lib.fixedWidthNumber 3 7', '007'],
  ['lib.toInt "42"', 42],
  ['lib.toInt " -7 "', -7],
  ['lib.makeBinPath [ "/a" "/b" ]', '/a/bin:/b/bin'],
  ['lib.makeSearchPath "lib" [ "/a" ]', '/a/lib'],
  ['lib.strings.isConvertibleWithToString 1', true],
  ['lib.strings.isConvertibleWithToString { }', false],
  ['lib.concatLines [ "a" "b" ]', 'a\nb\n'],
  ['lib.strings.trim "  x y \\n"', 'x y'],
  ['lib.stringToCharacters "abc"', ['a', 'b', 'c']],
  ['lib.escapeNixString "a\\"$b"', '"a\\"\\$b"'],
  ['lib.getName "hello-2.1"', 'hello'],
  ['lib.getVersion "hello-2.1"', '2.1'],
  ['lib.strings.escapeC [ " " ] "a b"', 'a\\x20b'],
  ['lib.levenshtein "kitten" "sitting"', 3],
  // trivial
  ['lib.id 1 + lib.const 2 3', 3],
  ['lib.flip (a: b: a - b) 1 10', 9],
  ['lib.pipe 2 [ (x: x + 1) (x: x * 10) ]', 30],
  ['[ (lib.boolToString true) (lib.boolToString false) ]', ['true', 'false']],
  ['[ (lib.mod 7 3) (lib.min 1 2) (lib.max 1 2) ]', [1, 1, 2]],
  ['[ (lib.versionAtLeast "2.8" "2.10") (lib.versionOlder "1.0" "1.1") ]', [false, true]],
  ['lib.functionArgs ({ a, b ? 1 }: a)', { a: false, b: true }],
  ['lib.functionArgs (lib.setFunctionArgs (x: x) { q = true; })', { q: true }],
  ['[ (lib.isFunction (x: x)) (lib.isFunction { __functor = s: x: x; }) (lib.isFunction 1) ]', [true, true, false]],
  ['lib.toHexString 255', 'FF'],
  ['lib.warnIf false "never" 5', 5],
  ['(builtins.tryEval (lib.throwIf true "boom" 1)).success', false],
  ['lib.defaultTo 3 null', 3],
  ['lib.mapNullable (x: x + 1) 1', 2],
  // versions, fixed points, generators
  ['[ (lib.versions.major "1.2.3") (lib.versions.minor "1.2.3") (lib.versions.majorMinor "1.2.3") ]', ['1', '2', '1.2']],
  ['(lib.fix (self: { a = 1; b = self.a + 1; })).b', 2],
  ['((lib.makeExtensible (self: { a = 1; b = self.a + 1; })).extend (final: prev: { a = 10; })).b', 11],
  ['(lib.extends (final: prev: { x = prev.x + 1; }) (self: { x = 1; })) { }', { x: 2 }],
  ['lib.generators.toKeyValue { } { a = 1; b = "x"; }', 'a=1\nb=x\n'],
  ['lib.generators.toINI { } { s = { k = true; n = 2; }; t = { v = "w"; }; }', '[s]\nk=true\nn=2\n\n[t]\nv=w\n'],
  ['lib.generators.mkKeyValueDefault { } ":" "k" 1', 'k:1'],
  ['lib.generators.toJSON { } { a = [ 1 ]; }', '{"a":[1]}'],
  ['lib.generators.toPretty { } { a = [ 1 "x" ]; b = null; }', '{\n  a = [\n    1\n    "x"\n  ];\n  b = null;\n}'],
  ['lib.stringsWithDeps.textClosureMap (x: x) { a = lib.stringAfter [ "b" ] "A"; b = lib.noDepEntry "B"; } [ "a" ]', 'B\nA'],
  ['lib.options.showOption [ "a" "b.c" "<name>" ]', 'a."b.c".<name>'],
  ['(lib.literalExpression "pkgs.x")._type', 'literalExpression'],
  ['lib.isType "option" (lib.mkOption { })', true],
  ['(lib.mkEnableOption "thing").description', 'Whether to enable thing.'],
  ['lib.types.isType "option-type" lib.types.int', true],
];

test('lib functions give the documented results', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`[ ${cases.map(([e]) => `(${e})`).join('\n')} ]`);
  if (!r.ok) assert.fail(r.stderr);
  const got = r.value as unknown[];
  cases.forEach(([e, expected], i) => assert.deepEqual(got[i], expected, e));
});

test('lib.last on an empty list fails with its message', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval('lib.last [ ]');
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.stderr, /lists\.last: list must not be empty!/);
});

test('lib.toInt rejects non-numbers with its message', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval('lib.toInt "12a"');
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.stderr, /toInt: Could not convert "12a" to int\./);
});
