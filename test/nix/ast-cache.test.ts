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

test('large function bodies are decoded from the cache on first call, with the same results and positions', () => {
  withDirs((src, cache) => {
    const f = path.join(src, 'big.nix');
    // bodies of well over the lazy threshold, nested, with a bigint, a rec set and positions
    const body = (n: number, x = 'x') => `let ${Array.from({ length: n }, (_, i) => `v${i} = ${x} + ${i};`).join(' ')} in [ ${Array.from({ length: n }, (_, i) => `v${i}`).join(' ')} ]`;
    fs.writeFileSync(
      f,
      `rec {\n  used = x: ${body(12)};\n  nested = a: b: { inner = c: ${body(10, 'c')}; big = 9223372036854775807; };\n` +
        `  pos = y: builtins.unsafeGetAttrPos "here" { filler = [ ${'1 '.repeat(30)}]; here = y; };\n` +
        `  fails = z: ${body(8, '1')} ++ [ z.nope ];\n  unused = w: ${body(15, 'w')};\n}\n`,
    );
    const expr = `let m = import ${f}; in [ (m.used 1) ((m.nested 1 2).inner 3) (m.nested 1 2).big (m.pos 0).line (m.pos 0).column ]`;
    const results: string[] = [];
    const errors: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ev = new Evaluator({ astCacheDir: cache, astCacheUnder: src });
      results.push(ev.printValue(ev.evalString(expr, src), { strict: true }));
      try {
        ev.printValue(ev.evalString(`(import ${f}).fails {}`, src), { strict: true });
        assert.fail('expected an error');
      } catch (e) {
        assert.ok(e instanceof NixError);
        errors.push(e.message);
      }
    }
    assert.ok(fs.readdirSync(cache).length >= 1, 'cache entry written');
    // the entry holds the large bodies as parts of their own, after the main part
    const entry = fs.readFileSync(path.join(cache, fs.readdirSync(cache)[0]));
    const mainLen = entry.readUInt32LE(20);
    assert.ok(entry.length > 24 + mainLen, 'bodies stored apart from the main part');
    assert.match(entry.toString('latin1', 24, 24 + mainLen), /"k":"lazy"/);
    assert.equal(results[1], results[0]);
    assert.match(results[0], /^\[ \[ 1 2 3 .* 12 \] \[ 3 4 .* 12 \] 9223372036854775807 4 \d+ \]$/);
    assert.equal(errors[1], errors[0]);
    assert.match(errors[0], /attribute 'nope' missing/);
    assert.match(errors[0], /big\.nix:5:/);
  });
});
