// Definition properties and priorities: mkDefault, mkForce, mkOverride, mkOptionDefault,
// mkBefore/mkAfter/mkOrder, mkIf, mkMerge, and what options report about them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configOf, libEvaluator } from './lib-helpers';

function evalOption(type: string, extra: string, defs: string[]): string {
  return `(lib.evalModules { modules = [
    ({ lib, ... }: { options.o = lib.mkOption ({ type = with lib.types; ${type}; } // ${extra}); })
    ${defs.map((d) => `({ lib, ... }: with lib; { o = ${d}; })`).join('\n    ')}
  ]; })`;
}

const cases: { name: string; type: string; extra?: string; defs: string[]; expected: unknown }[] = [
  { name: 'plain definition beats the option default', type: 'int', extra: '{ default = 1; }', defs: ['2'], expected: 2 },
  { name: 'mkDefault beats the option default', type: 'int', extra: '{ default = 1; }', defs: ['mkDefault 3'], expected: 3 },
  { name: 'plain definition beats mkDefault', type: 'int', defs: ['mkDefault 3', '4'], expected: 4 },
  { name: 'mkForce beats plain definitions', type: 'int', defs: ['4', 'mkForce 5', '6'], expected: 5 },
  { name: 'mkOverride 10 beats mkForce', type: 'int', defs: ['mkForce 5', 'mkOverride 10 7'], expected: 7 },
  { name: 'mkVMOverride beats mkForce', type: 'int', defs: ['mkForce 5', 'mkVMOverride 8'], expected: 8 },
  { name: 'mkImageMediaOverride beats plain', type: 'int', defs: ['1', 'mkImageMediaOverride 9'], expected: 9 },
  { name: 'mkOptionDefault loses to everything', type: 'int', defs: ['mkOptionDefault 1', 'mkDefault 2'], expected: 2 },
  { name: 'mkOptionDefault and the default merge at the same priority', type: 'listOf int', extra: '{ default = [ 1 ]; }', defs: ['mkOptionDefault [ 2 ]'], expected: [1, 2] },
  { name: 'same-priority list definitions concatenate', type: 'listOf int', defs: ['mkDefault [ 1 ]', '[ 2 ]', '[ 3 ]'], expected: [3, 2] },
  { name: 'mkIf true keeps the definition', type: 'int', defs: ['mkIf true 3'], expected: 3 },
  { name: 'mkIf false removes the definition', type: 'int', extra: '{ default = 1; }', defs: ['mkIf false 3'], expected: 1 },
  { name: 'mkMerge of several definitions', type: 'listOf int', defs: ['mkMerge [ [ 1 ] (mkIf false [ 2 ]) (mkIf true [ 3 ]) ]'], expected: [1, 3] },
  { name: 'mkBefore and mkAfter', type: 'listOf str', defs: ['[ "mid" ]', 'mkAfter [ "end" ]', 'mkBefore [ "start" ]'], expected: ['start', 'mid', 'end'] },
  { name: 'mkOrder', type: 'listOf int', defs: ['mkOrder 1200 [ 3 ]', 'mkOrder 800 [ 1 ]', '[ 2 ]'], expected: [1, 2, 3] },
  { name: 'mkForce inside mkIf', type: 'int', defs: ['1', 'mkIf true (mkForce 2)'], expected: 2 },
  { name: 'apply runs on the merged value', type: 'listOf int', extra: '{ apply = builtins.length; }', defs: ['[ 1 ]', '[ 2 3 ]'], expected: 3 },
];

test('priorities and properties decide the merged value', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const body = cases.map((c, i) => `c${i} = ${evalOption(c.type, c.extra ?? '{ }', c.defs)}.config.o;`).join('\n');
  const r = await lib.eval(`{ ${body} }`);
  if (!r.ok) assert.fail(r.stderr);
  const got = r.value as Record<string, unknown>;
  cases.forEach((c, i) => assert.deepEqual(got[`c${i}`], c.expected, c.name));
});

test('options report highestPrio, isDefined, definitions and files', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`let
      e1 = ${evalOption('int', '{ default = 1; }', ['mkForce 2', '3'])};
      e2 = ${evalOption('int', '{ default = 1; }', [])};
      e3 = ${evalOption('int', '{ }', ['mkIf false 2'])};
      e4 = ${evalOption('listOf int', '{ }', ['mkDefault [ 1 ]', 'mkDefault [ 2 ]'])};
    in {
      p1 = e1.options.o.highestPrio; d1 = e1.options.o.definitions; v1 = e1.options.o.value;
      p2 = e2.options.o.highestPrio; i2 = e2.options.o.isDefined;
      i3 = e3.options.o.isDefined;
      p4 = e4.options.o.highestPrio; d4 = e4.options.o.definitions; n4 = builtins.length e4.options.o.files;
      prios = with lib; [ (mkDefault 0).priority (mkForce 0).priority (mkOptionDefault 0).priority
        (mkImageMediaOverride 0).priority (mkVMOverride 0).priority defaultOverridePriority
        (mkBefore 0).priority (mkAfter 0).priority defaultOrderPriority ];
    }`);
  if (!r.ok) assert.fail(r.stderr);
  assert.deepEqual(r.value, {
    p1: 50, d1: [2], v1: 2,
    p2: 1500, i2: true,
    i3: false,
    p4: 1000, d4: [[2], [1]], n4: 2,
    prios: [1000, 50, 1500, 60, 10, 100, 500, 1500, 1000],
  });
});

// The shapes mergeDefinitions answers without its general discharge/filter/sort passes: one
// definition under a priority (an option's default, a lone mkDefault, one beyond 9999, an
// order inside it) and several definitions without any property.
test('a lone prioritised definition and several plain ones merge as with the general passes', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`let
      e1 = ${evalOption('int', '{ }', ['mkDefault 3'])};
      e2 = ${evalOption('listOf int', '{ }', ['mkDefault (mkBefore [ 1 ])'])};
      e3 = ${evalOption('int', '{ }', ['mkOverride 10000 4'])};
      e4 = ${evalOption('listOf int', '{ }', ['[ 1 ]', '[ 2 ]', '[ 3 ]'])};
      e5 = ${evalOption('str', '{ default = "d"; }', [])};
    in {
      v1 = e1.config.o; p1 = e1.options.o.highestPrio;
      v2 = e2.config.o; p2 = e2.options.o.highestPrio;
      i3 = e3.options.o.isDefined; p3 = e3.options.o.highestPrio;
      v4 = e4.config.o; p4 = e4.options.o.highestPrio; d4 = e4.options.o.definitions;
      v5 = e5.config.o; p5 = e5.options.o.highestPrio; f5 = builtins.length e5.options.o.files;
    }`);
  if (!r.ok) assert.fail(r.stderr);
  assert.deepEqual(r.value, {
    v1: 3, p1: 1000,
    v2: [1], p2: 1000,
    i3: false, p3: 9999,
    v4: [3, 2, 1], p4: 100, d4: [[3], [2], [1]],
    v5: 'd', p5: 1500, f5: 1,
  });
});

test('mkIf false leaves an attrsOf attribute out but a lazyAttrsOf one in', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`let c = ${configOf([
    `{ lib, ... }: { options.a = lib.mkOption { type = lib.types.attrsOf lib.types.int; };
                     options.l = lib.mkOption { type = lib.types.lazyAttrsOf lib.types.int; }; }`,
    `{ lib, ... }: { a.x = lib.mkIf false 1; l.x = lib.mkIf false 1; a.y = 2; l.y = 2; }`,
  ])}; in { a = builtins.attrNames c.a; l = builtins.attrNames c.l; }`);
  if (!r.ok) assert.fail(r.stderr);
  assert.deepEqual(r.value, { a: ['y'], l: ['x', 'y'] });
});

test('mkIf with a non-boolean condition is an error', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`${evalOption('int', '{ }', ['mkIf "yes" 1'])}.config.o`);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.stderr, /mkIf’ called with a non-Boolean condition/);
});

test('conditions may read config without infinite recursion (pushed-down mkIf)', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(configOf([
    `{ lib, ... }: { options.enable = lib.mkEnableOption "x"; options.list = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; }`,
    `{ config, lib, ... }: lib.mkIf config.enable { list = [ "on" ]; }`,
    `{ enable = true; }`,
  ]) + '.list');
  if (!r.ok) assert.fail(r.stderr);
  assert.deepEqual(r.value, ['on']);
});
