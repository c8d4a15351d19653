// evalModules features: imports, disabledModules, module arguments, specialArgs,
// freeformType, _module.check, extendModules, classes and the result attributes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { libEvaluator } from './lib-helpers';

test('evalModules: imports, keys, disabledModules, arguments and freeform', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`let
      decl = { key = "decl"; options.list = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; };
      addA = { key = "add-a"; list = [ "a" ]; };
      addB = { config, lib, greeting, extra, ... }: { key = "add-b"; config.list = [ "\${greeting}-\${extra}" ]; };
      e = lib.evalModules {
        specialArgs = { greeting = "hi"; };
        modules = [
          { imports = [ decl addA addA ]; }
          { imports = [ addB ]; _module.args.extra = "x"; }
          { disabledModules = [ { key = "add-a"; } ]; }
          { imports = [ { options.free = lib.mkOption { type = lib.types.submodule { freeformType = lib.types.attrsOf lib.types.int; options.known = lib.mkOption { default = 1; }; }; default = { }; }; } ]; free.other = 2; }
          { _module.check = false; not-declared = true; }
        ];
      };
      e2 = e.extendModules { modules = [ { list = [ "late" ]; } ]; };
    in {
      list = e.config.list;
      free = e.config.free;
      list2 = e2.config.list;
      type = e.type.name;
      graphKeys = map (g: g.key) e.graph;
      configType = e._type;
    }`);
  if (!r.ok) assert.fail(r.stderr);
  assert.deepEqual(r.value, {
    list: ['hi-x'],
    free: { known: 1, other: 2 },
    list2: ['hi-x', 'late'],
    type: 'submodule',
    graphKeys: [':anon-1', ':anon-2', ':anon-3', ':anon-4', ':anon-5'],
    configType: 'configuration',
  });
});

test('evalModules: a module of another class is refused', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`(lib.evalModules { class = "nixos"; modules = [ { _class = "darwin"; _file = "d.nix"; } ]; }).config`);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.stderr, /The module `d\.nix` \(class: "darwin"\) cannot be imported into a module evaluation that expects class "nixos"\./);
});

test('evalModules: options tree exposes declarations and values', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`let e = lib.evalModules { modules = [
      { _file = "decl.nix"; options.a.b = lib.mkOption { type = lib.types.int; default = 3; description = "B."; }; }
      { _file = "def.nix"; a.b = lib.mkDefault 4; }
    ]; }; o = e.options.a.b; in {
      inherit (o) declarations files highestPrio isDefined value description;
      type = o.type.description;
      loc = o.loc;
      str = "\${o}";
    }`);
  if (!r.ok) assert.fail(r.stderr);
  assert.deepEqual(r.value, {
    declarations: ['decl.nix'], files: ['def.nix'], highestPrio: 1000, isDefined: true, value: 4,
    description: 'B.', type: 'signed integer', loc: ['a', 'b'], str: 'a.b',
  });
});

test('rename helpers forward definitions with their priority', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`let e = lib.evalModules { modules = [
      { options.new.port = lib.mkOption { type = lib.types.int; default = 1; }; }
      (lib.mkAliasOptionModule [ "old" "port" ] [ "new" "port" ])
      { old.port = lib.mkDefault 7; }
    ]; }; in { new = e.config.new.port; old = e.config.old.port; defined = e.options.old.port.isDefined; }`);
  if (!r.ok) assert.fail(r.stderr);
  assert.deepEqual(r.value, { new: 7, old: 7, defined: true });
});

test('a definition that is not an attribute set at an option tree is reported', async (t) => {
  const lib = libEvaluator(t);
  if (lib === null) return;
  const r = await lib.eval(`(lib.evalModules { modules = [
      { options.set.enable = lib.mkEnableOption "x"; }
      { _file = "bad.nix"; set = true; }
    ]; }).config.set.enable`);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.stderr, /In module `bad\.nix', you're trying to define a value of type `bool'\n\s*rather than an attribute set for the option\n\s*`set'!/);
});
