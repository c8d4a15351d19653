// NixAttrs.lazy: a set whose names are listed only on enumeration (the host package set).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Evaluator, NixAttrs, Value } from '../../src/nix/index';

function setup(): { ev: Evaluator; listed: () => number; looked: string[] } {
  let listed = 0;
  const looked: string[] = [];
  const known = ['b', 'a', 'c'];
  const vals = new Map<string, Value>(known.map((k) => [k, k.toUpperCase()]));
  const pkgs = NixAttrs.lazy({
    names: () => {
      listed++;
      return known;
    },
    lookup: (k) => {
      looked.push(k);
      return vals.get(k);
    },
  });
  const ev = new Evaluator({ extraGlobals: { pkgs } });
  return { ev, listed: () => listed, looked };
}

test('select, ?, or and // over a lazy set do not list its names', () => {
  const { ev, listed, looked } = setup();
  const out = (e: string) => ev.printValue(ev.evalString(e, '/'), { strict: true });
  assert.equal(out('pkgs.a'), '"A"');
  assert.equal(out('[ (pkgs ? b) (pkgs ? zz) (pkgs.zz or 1) ]'), '[ true false 1 ]');
  assert.equal(out('let p = pkgs // { x = 1; a = 2; }; q = p // { y = 3; }; in [ q.a q.b q.x q.y (q ? zz) ]'), '[ 2 "B" 1 3 false ]');
  assert.equal(listed(), 0);
  assert.equal(looked.filter((k) => k === 'zz').length, 1, 'lookups are remembered');
  assert.throws(() => ev.evalString('pkgs.zz', '/'), /attribute 'zz' missing/);
});

test('enumeration lists the names once, sorted, with the same values', () => {
  const { ev, listed } = setup();
  const out = (e: string) => ev.printValue(ev.evalString(e, '/'), { strict: true });
  assert.equal(out('builtins.attrNames (pkgs // { x = 1; })'), '[ "a" "b" "c" "x" ]');
  assert.equal(out('pkgs'), '{ a = "A"; b = "B"; c = "C"; }');
  assert.equal(out('[ (builtins.length (builtins.attrValues pkgs)) (pkgs == { a = "A"; b = "B"; c = "C"; }) ]'), '[ 3 true ]');
  assert.equal(listed(), 1);
});
