// Merge rules, checks and descriptions of lib.types, evaluated through the configured
// evaluator (NIX_EVAL_CMD; see eval-cmd.ts) on the project's own nixpkgs/lib.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configOf, libEvaluator } from './lib-helpers';

/** Modules declaring option `o` of TYPE, then one module per definition. */
function optionWith(type: string, defs: string[]): string {
  return configOf([
    `{ lib, ... }: { options.o = lib.mkOption { type = with lib.types; ${type}; }; }`,
    ...defs.map((d) => `{ lib, ... }: with lib; { o = ${d}; }`),
  ]) + '.o';
}

const mergeCases: { name: string; type: string; defs: string[]; expected: unknown }[] = [
  { name: 'bool: equal definitions', type: 'bool', defs: ['true', 'true'], expected: true },
  { name: 'boolByOr: or of all', type: 'boolByOr', defs: ['false', 'true', 'false'], expected: true },
  { name: 'boolByOr: all false', type: 'boolByOr', defs: ['false', 'false'], expected: false },
  { name: 'int: equal definitions', type: 'int', defs: ['4', '4'], expected: 4 },
  { name: 'ints.between inside', type: 'ints.between 1 5', defs: ['5'], expected: 5 },
  { name: 'ints.unsigned zero', type: 'ints.unsigned', defs: ['0'], expected: 0 },
  { name: 'port', type: 'port', defs: ['8080'], expected: 8080 },
  { name: 'float', type: 'float', defs: ['1.5'], expected: 1.5 },
  { name: 'number takes int', type: 'number', defs: ['3'], expected: 3 },
  { name: 'number takes float', type: 'number', defs: ['2.5'], expected: 2.5 },
  { name: 'str: equal definitions', type: 'str', defs: ['"a"', '"a"'], expected: 'a' },
  { name: 'lines: joined by newline, later modules first (as NixOS)', type: 'lines', defs: ['"a"', '"b"'], expected: 'b\na' },
  { name: 'lines: mkBefore first', type: 'lines', defs: ['mkBefore "b"', '"a"'], expected: 'b\na' },
  { name: 'commas', type: 'commas', defs: ['"a"', '"b"'], expected: 'b,a' },
  { name: 'envVar', type: 'envVar', defs: ['"/a"', '"/b"'], expected: '/b:/a' },
  { name: 'separatedString', type: 'separatedString " "', defs: ['"x"', '"y"'], expected: 'y x' },
  { name: 'singleLineStr drops the final newline', type: 'singleLineStr', defs: ['"abc\\n"'], expected: 'abc' },
  { name: 'strMatching', type: 'strMatching "[a-z]+"', defs: ['"abc"'], expected: 'abc' },
  { name: 'nonEmptyStr', type: 'nonEmptyStr', defs: ['"x"'], expected: 'x' },
  { name: 'enum', type: 'enum [ "a" "b" ]', defs: ['"b"'], expected: 'b' },
  { name: 'nullOr: all null', type: 'nullOr int', defs: ['null', 'null'], expected: null },
  { name: 'nullOr: value', type: 'nullOr int', defs: ['7'], expected: 7 },
  { name: 'listOf: concatenated, later modules first (as NixOS)', type: 'listOf int', defs: ['[ 1 2 ]', '[ 3 ]'], expected: [3, 1, 2] },
  { name: 'listOf: mkBefore / mkAfter', type: 'listOf int', defs: ['mkAfter [ 9 ]', '[ 5 ]', 'mkBefore [ 1 ]'], expected: [1, 5, 9] },
  { name: 'listOf: mkOrder numbers', type: 'listOf str', defs: ['mkOrder 700 [ "b" ]', 'mkOrder 600 [ "a" ]', '[ "c" ]'], expected: ['a', 'b', 'c'] },
  { name: 'nonEmptyListOf', type: 'nonEmptyListOf str', defs: ['[ "x" ]'], expected: ['x'] },
  { name: 'attrsOf: merged per attribute', type: 'attrsOf int', defs: ['{ a = 1; }', '{ b = 2; }'], expected: { a: 1, b: 2 } },
  { name: 'attrsOf: mkIf false drops the attribute', type: 'attrsOf int', defs: ['{ a = 1; b = mkIf false 2; }'], expected: { a: 1 } },
  { name: 'attrsOf (listOf): lists concatenated per attribute', type: 'attrsOf (listOf int)', defs: ['{ a = [ 1 ]; }', '{ a = [ 2 ]; }'], expected: { a: [2, 1] } },
  { name: 'attrsOf: mkForce on one attribute', type: 'attrsOf int', defs: ['{ a = 1; }', '{ a = mkForce 5; }'], expected: { a: 5 } },
  { name: 'lazyAttrsOf', type: 'lazyAttrsOf int', defs: ['{ a = 1; }', '{ b = 2; }'], expected: { a: 1, b: 2 } },
  { name: 'attrs: shallow merge (the first module wins, as NixOS)', type: 'attrs', defs: ['{ a = { x = 1; }; }', '{ a = { y = 2; }; b = 3; }'], expected: { a: { x: 1 }, b: 3 } },
  { name: 'either: left', type: 'either int str', defs: ['1'], expected: 1 },
  { name: 'either: right', type: 'either int str', defs: ['"s"'], expected: 's' },
  { name: 'oneOf', type: 'oneOf [ bool int str ]', defs: ['"s"'], expected: 's' },
  { name: 'uniq: single definition', type: 'uniq int', defs: ['3'], expected: 3 },
  { name: 'anything: attribute sets merged recursively', type: 'anything', defs: ['{ a.x = 1; }', '{ a.y = [ 2 ]; }'], expected: { a: { x: 1, y: [2] } } },
  { name: 'anything: equal lists', type: 'anything', defs: ['[ 1 ]', '[ 1 ]'], expected: [1] },
  { name: 'raw: single definition', type: 'raw', defs: ['{ a = 1; }'], expected: { a: 1 } },
  { name: 'unspecified: lists concatenated', type: 'unspecified', defs: ['[ 1 ]', '[ 2 ]'], expected: [2, 1] },
  { name: 'coercedTo: coerced', type: 'coercedTo int toString str', defs: ['5'], expected: '5' },
  { name: 'coercedTo: final type kept', type: 'coercedTo int toString str', defs: ['"x"'], expected: 'x' },
  { name: 'addCheck passes', type: 'addCheck int (x: x > 2)', defs: ['3'], expected: 3 },
  { name: 'json value', type: 'json', defs: ['{ a = [ 1 null ]; }'], expected: { a: [1, null] } },
  { name: 'package: derivation-like attrs', type: 'package', defs: ['{ type = "derivation"; name = "p"; outPath = "/nix/store/x-p"; }'], expected: '/nix/store/x-p' },
  { name: 'ints.u8', type: 'ints.u8', defs: ['255'], expected: 255 },
  { name: 'ints.s8', type: 'ints.s8', defs: ['-128'], expected: -128 },
  { name: 'numbers.between', type: 'numbers.between 0 1', defs: ['0.5'], expected: 0.5 },
  { name: 'numbers.nonnegative', type: 'numbers.nonnegative', defs: ['0'], expected: 0 },
  { name: 'externalPath', type: 'externalPath', defs: ['"/etc/x"'], expected: '/etc/x' },
  { name: 'pathInStore', type: 'pathInStore', defs: ['"${builtins.storeDir}/0fb3ykw9r5hpayd05sr0cizwadzq1d8q-bash/bin"'], expected: '/nix/store/0fb3ykw9r5hpayd05sr0cizwadzq1d8q-bash/bin' },
  { name: 'passwdEntry', type: 'passwdEntry str', defs: ['"alice"'], expected: 'alice' },
  { name: 'attrListOf: mkOrder per entry, list and attrset definitions', type: 'attrListOf int', defs: ['[ { b = 2; } ]', '{ a = mkOrder 10 1; c = mkOrder 2000 3; }'], expected: [{ a: 1 }, { b: 2 }, { c: 3 }] },
  { name: 'attrListOf: mkForce per key', type: 'attrListOf int', defs: ['[ { a = 1; } { b = 2; } ]', '[ { a = mkForce 9; } ]'], expected: [{ a: 9 }, { b: 2 }] },
  { name: 'nullOr submodule', type: 'nullOr (submodule { options.x = lib.mkOption { default = 1; }; })', defs: ['{ }'], expected: { x: 1 } },
  { name: 'attrTag', type: 'attrTag { n = lib.mkOption { type = int; }; s = lib.mkOption { type = str; }; }', defs: ['{ s = "v"; }'], expected: { s: 'v' } },
];

test('lib.types merge rules', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  // One evaluation for all cases: an attrset of results.
  const body = mergeCases.map((c, i) => `c${i} = ${optionWith(c.type, c.defs)};`).join('\n');
  const r = await lib.eval(`{ ${body} }`);
  if (!r.ok) assert.fail(r.stderr);
  const got = r.value as Record<string, unknown>;
  for (const [i, c] of mergeCases.entries()) {
    assert.deepEqual(got[`c${i}`], c.expected, c.name);
  }
});

test('submodules: nested merge, defaults and the name argument', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(configOf([
    `{ lib, ... }: {
       options.users = lib.mkOption {
         type = lib.types.attrsOf (lib.types.submodule ({ name, ... }: {
           options.home = lib.mkOption { type = lib.types.str; default = "/home/\${name}"; };
           options.groups = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
         }));
         default = { };
       };
     }`,
    `{ users.alice.groups = [ "wheel" ]; }`,
    `{ users.alice.groups = [ "audio" ]; users.bob.home = "/srv/bob"; }`,
  ]) + '.users');
  if (!r.ok) assert.fail(r.stderr);
  assert.deepEqual(r.value, {
    alice: { home: '/home/alice', groups: ['wheel', 'audio'] },
    bob: { home: '/srv/bob', groups: [] },
  });
});

test('functionTo, deferredModule and optionType merge', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`let c = ${configOf([
    `{ lib, config, ... }: with lib; {
       options.f = mkOption { type = types.functionTo (types.listOf types.int); };
       options.m = mkOption { type = types.deferredModule; };
       options.t = mkOption { type = types.optionType; };
       options.v = mkOption { type = config.t; };
     }`,
    `{ lib, ... }: { f = x: [ x ]; m = { options.q = lib.mkOption { default = 3; }; }; }`,
    `{ lib, ... }: { f = x: [ (x + 1) ]; m.q = 4; t = lib.types.int; v = 5; }`,
  ])}; in { f = c.f 1; m = (lib.evalModules { modules = [ c.m ]; }).config.q; v = c.v; }`);
  if (!r.ok) assert.fail(r.stderr);
  assert.deepEqual(r.value, { f: [2, 1], m: 4, v: 5 });
});

const errorCases: { name: string; type: string; defs: string[]; message: RegExp }[] = [
  { name: 'int rejects a string', type: 'int', defs: ['"1"'], message: /A definition for option `o' is not of type `signed integer'\. Definition values:\n\s*- In `[^']*': "1"/ },
  { name: 'conflicting bools', type: 'bool', defs: ['true', 'false'], message: /The option `o' has conflicting definition values:\n\s*- In `[^']*': false\n\s*- In `[^']*': true/ },
  { name: 'conflicting strings', type: 'str', defs: ['"a"', '"b"'], message: /The option `o' has conflicting definition values/ },
  { name: 'ints.between out of range', type: 'ints.between 1 5', defs: ['6'], message: /not of type `integer between 1 and 5 \(both inclusive\)'/ },
  { name: 'port out of range', type: 'port', defs: ['70000'], message: /not of type `16 bit unsigned integer; between 0 and 65535 \(both inclusive\)'/ },
  { name: 'enum', type: 'enum [ "a" "b" ]', defs: ['"c"'], message: /not of type `one of "a", "b"'/ },
  { name: 'nullOr mixed', type: 'nullOr int', defs: ['null', '1'], message: /The option `o` is defined both null and not null/ },
  { name: 'uniq with two definitions', type: 'uniq int', defs: ['1', '1'], message: /The option `o' is defined multiple times while it's expected to be unique/ },
  { name: 'nonEmptyListOf empty', type: 'nonEmptyListOf int', defs: ['[ ]'], message: /not of type `non-empty \(list of signed integer\)'/ },
  { name: 'listOf element type', type: 'listOf int', defs: ['[ "x" ]'], message: /A definition for option `o\."\[definition 1-entry 1\]"' is not of type `signed integer'/ },
  { name: 'strMatching', type: 'strMatching "[a-z]+"', defs: ['"ABC"'], message: /not of type `string matching the pattern \[a-z\]\+'/ },
  { name: 'externalPath rejects a store path', type: 'externalPath', defs: ['"${builtins.storeDir}/0fb3ykw9r5hpayd05sr0cizwadzq1d8q-bash"'], message: /not of type `absolute path not in the Nix store'/ },
  { name: 'nonEmptyStr', type: 'nonEmptyStr', defs: ['" "'], message: /not of type `non-empty string'/ },
  { name: 'singleLineStr', type: 'singleLineStr', defs: ['"a\\nb"'], message: /not of type `\(optionally newline-terminated\) single-line string'/ },
  { name: 'passwdEntry with a colon', type: 'passwdEntry str', defs: ['"a:b"'], message: /not of type `string, not containing newlines or colons'/ },
  { name: 'no definition', type: 'int', defs: [], message: /The option `o' was accessed but has no value defined\. Try setting the option\./ },
];

for (const c of errorCases) {
  test(`type errors: ${c.name}`, async (t) => {
    const lib = libEvaluator(t);
    if (lib === null) return;
    const r = await lib.eval(optionWith(c.type, c.defs));
    assert.equal(r.ok, false, 'evaluation should fail');
    if (!r.ok) assert.match(r.stderr, c.message);
  });
}

test('type descriptions', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const cases: Record<string, string> = {
    'bool': 'boolean',
    'str': 'string',
    'int': 'signed integer',
    'ints.positive': 'positive integer, meaning >0',
    'port': '16 bit unsigned integer; between 0 and 65535 (both inclusive)',
    'listOf str': 'list of string',
    'attrsOf (listOf int)': 'attribute set of list of signed integer',
    'lazyAttrsOf str': 'lazy attribute set of string',
    'nullOr (either int str)': 'null or signed integer or string',
    'either (listOf str) int': '(list of string) or signed integer',
    'oneOf [ (attrsOf str) int bool ]': '(attribute set of string) or signed integer or boolean',
    'enum [ "a" 1 true ]': 'one of "a", 1, true',
    'submodule { }': 'submodule',
    'package': 'package',
    'path': 'absolute path',
    'lines': 'strings concatenated with "\\n"',
    'functionTo int': 'function that evaluates to a(n) signed integer',
    'coercedTo int toString str': 'string or signed integer convertible to it',
    'passwdEntry str': 'string, not containing newlines or colons',
    'uniq (listOf int)': 'list of signed integer',
    'anything': 'anything',
    'attrs': 'attribute set',
  };
  const names = Object.keys(cases);
  const r = await lib.eval(`with lib.types; [ ${names.map((n) => `(${n}).description`).join(' ')} ]`);
  if (!r.ok) assert.fail(r.stderr);
  const got = r.value as string[];
  names.forEach((n, i) => assert.equal(got[i], cases[n], n));
});

test('undeclared options: NixOS message with the definition and a suggestion', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(configOf([
    `{ lib, ... }: { options.services.web.enable = lib.mkEnableOption "web"; options.services.web.port = lib.mkOption { type = lib.types.port; }; }`,
    `{ services.web.enabel = true; }`,
  ]) + '.services.web.enable');
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.stderr, /The option `services\.web\.enabel' does not exist\. Definition values:\n\s*- In `[^']*': true/);
    assert.match(r.stderr, /Did you mean `services\.web\.enable' or `services\.web\.port'\?/);
  }
});

test('conflicting declarations name both files', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(configOf([
    `{ lib, ... }: { _file = "a.nix"; options.x = lib.mkOption { type = lib.types.int; default = 1; }; }`,
    `{ lib, ... }: { _file = "b.nix"; options.x = lib.mkOption { type = lib.types.str; }; }`,
  ]) + '.x');
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.stderr, /The option `x' in `[ab]\.nix' is already declared in `[ab]\.nix'\./);
});
