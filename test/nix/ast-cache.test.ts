// The on-disk AST cache (src/nix/ast-cache.ts) and lazily compiled function bodies:
// a second evaluator reading the cache gives the same results and error positions, and a
// file with an undefined variable is never cached (so the error stays eager).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Evaluator, NixError } from '../../src/nix/index';

function withDirs(fn: (src: string, cache: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nix-ast-cache-'));
  try {
    const src = path.join(root, 'src');
    fs.mkdirSync(src);
    fn(src, path.join(root, 'cache'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function evalFile(cache: string, under: string, file: string): string {
  const ev = new Evaluator({ astCacheDir: cache, astCacheUnder: under });
  return ev.printValue(ev.evalString(`import ${file}`, under), { strict: true });
}

test('cached ASTs evaluate like freshly parsed ones, positions included', () => {
  withDirs((src, cache) => {
    const lib = path.join(src, 'lib.nix');
    fs.writeFileSync(lib, 'rec {\n  f = { a, b ? 2 }: a + b;\n  g = x: builtins.unsafeGetAttrPos "y" { y = x; };\n  s = ~/x;\n}\n');
    const main = path.join(src, 'main.nix');
    fs.writeFileSync(main, `let l = import ./lib.nix; in [ (l.f { a = 1; }) (l.g 3).line (l.g 3).column "\${toString l.s}" ]\n`);
    const first = evalFile(cache, src, main);
    assert.ok(fs.readdirSync(cache).length >= 2, 'cache entries written');
    const second = evalFile(cache, src, main);
    assert.equal(second, first);
    assert.match(first, /^\[ 3 3 42 ".*\/x" \]$/);
  });
});

test('a changed file is parsed again', () => {
  withDirs((src, cache) => {
    const f = path.join(src, 'a.nix');
    fs.writeFileSync(f, '{ v = 1; }');
    assert.equal(evalFile(cache, src, f), '{ v = 1; }');
    fs.writeFileSync(f, '{ v = 2; }');
    assert.equal(evalFile(cache, src, f), '{ v = 2; }');
  });
});

test('undefined variables in uncalled functions are still reported (never cached)', () => {
  withDirs((src, cache) => {
    const f = path.join(src, 'bad.nix');
    fs.writeFileSync(f, '{ ok = 1; bad = x: undefinedName; }');
    for (let i = 0; i < 2; i++) {
      assert.throws(
        () => evalFile(cache, src, f),
        (e: unknown) => e instanceof NixError && /undefined variable 'undefinedName'/.test(e.message),
      );
    }
    assert.equal(fs.existsSync(cache) ? fs.readdirSync(cache).length : 0, 0);
  });
});

test('errors inside lazily compiled bodies keep their positions', () => {
  withDirs((src, cache) => {
    const f = path.join(src, 'thrower.nix');
    fs.writeFileSync(f, '{\n  f = x:\n    x.missing;\n}\n');
    const msgs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ev = new Evaluator({ astCacheDir: cache, astCacheUnder: src });
      try {
        ev.evalString(`(import ${f}).f {}`, src);
        assert.fail('expected an error');
      } catch (e) {
        assert.ok(e instanceof NixError);
        msgs.push(e.message);
      }
    }
    assert.equal(msgs[1], msgs[0]);
    assert.match(msgs[0], /attribute 'missing' missing/);
    assert.match(msgs[0], /thrower\.nix:3:/);
  });
});
