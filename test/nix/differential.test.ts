// Differential test: many generated, well-typed expressions evaluated by our evaluator
// and by the real `nix-instantiate --eval --strict` (skipped when it is not installed).
// The printed results must be byte-identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { Evaluator } from '../../src/nix/index';
import { seededRandom } from './seeded-random';

type Ty = 'int' | 'float' | 'bool' | 'string' | 'ints' | 'attrs' | 'strings';

function generator(seed: number) {
  const r = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const int = () => String(Math.floor(r() * 200) - 100);
  const words = ['a', 'b', 'foo', 'bar', 'x-y', 'é', 'A b', '${x}', 'q"q', 'n\\nl'];
  const str = () => JSON.stringify(pick(words)).replace(/\$\{/g, '\\${');
  let vars = 0;
  const gen = (ty: Ty, d: number): string => {
    const leaf = d <= 0 || r() < 0.25;
    switch (ty) {
      case 'int':
        if (leaf) return int();
        return pick([
          () => `(${gen('int', d - 1)} + ${gen('int', d - 1)})`,
          () => `(${gen('int', d - 1)} * ${gen('int', d - 1)})`,
          () => `(${gen('int', d - 1)} - ${gen('int', d - 1)})`,
          () => `(builtins.div ${gen('int', d - 1)} ${pick(['3', '7', '-2'])})`,
          () => `(builtins.length ${gen('ints', d - 1)})`,
          () => `(builtins.stringLength ${gen('string', d - 1)})`,
          () => `(if ${gen('bool', d - 1)} then ${gen('int', d - 1)} else ${gen('int', d - 1)})`,
          () => `(let v${++vars} = ${gen('int', d - 1)}; in v${vars} * 2)`,
          () => `((x: x + 1) ${gen('int', d - 1)})`,
          () => `(builtins.foldl' (a: b: a + b) 0 ${gen('ints', d - 1)})`,
          () => `(builtins.bitXor ${gen('int', d - 1)} ${gen('int', d - 1)})`,
          () => `(${gen('attrs', d - 1)}.k or 7)`,
          () => `(builtins.floor ${gen('float', d - 1)})`,
        ])();
      case 'float':
        if (leaf) return pick(['1.5', '0.1', '3.0', '-2.25', '1.0e10', '123456.789', '0.000123']);
        return pick([
          () => `(${gen('float', d - 1)} * ${gen('int', d - 1)})`,
          () => `(${gen('float', d - 1)} + ${gen('float', d - 1)})`,
          () => `(${gen('int', d - 1)} / 3.0)`,
        ])();
      case 'bool':
        if (leaf) return pick(['true', 'false']);
        return pick([
          () => `(${gen('int', d - 1)} < ${gen('int', d - 1)})`,
          () => `(${gen('string', d - 1)} == ${gen('string', d - 1)})`,
          () => `(${gen('ints', d - 1)} == ${gen('ints', d - 1)})`,
          () => `(!${gen('bool', d - 1)})`,
          () => `(${gen('bool', d - 1)} -> ${gen('bool', d - 1)})`,
          () => `(builtins.elem ${gen('int', d - 1)} ${gen('ints', d - 1)})`,
          () => `(${gen('attrs', d - 1)} ? k)`,
          () => `(builtins.isString ${gen('string', d - 1)})`,
        ])();
      case 'string':
        if (leaf) return str();
        return pick([
          () => `(${gen('string', d - 1)} + ${gen('string', d - 1)})`,
          () => `"<\${${gen('string', d - 1)}}>"`,
          () => `(toString ${gen('int', d - 1)})`,
          () => `(toString ${gen('float', d - 1)})`,
          () => `(builtins.concatStringsSep "," ${gen('strings', d - 1)})`,
          () => `(builtins.replaceStrings [ "a" "o" ] [ "A" "00" ] ${gen('string', d - 1)})`,
          () => `(builtins.substring 1 2 ${gen('string', d - 1)})`,
          () => `(builtins.toJSON ${gen(pick(['ints', 'attrs', 'strings', 'float'] as Ty[]), d - 1)})`,
          () => `(builtins.typeOf ${gen(pick(['int', 'float', 'attrs', 'ints'] as Ty[]), d - 1)})`,
          () => `''\n  ${pick(['x', 'y z', '$$'])}\n    \${${gen('string', d - 1)}}\n''`,
        ])();
      case 'ints':
        if (leaf) return `[ ${Array.from({ length: Math.floor(r() * 4) }, int).join(' ')} ]`;
        return pick([
          () => `(${gen('ints', d - 1)} ++ ${gen('ints', d - 1)})`,
          () => `(map (x: x * 3) ${gen('ints', d - 1)})`,
          () => `(builtins.filter (x: x > 0) ${gen('ints', d - 1)})`,
          () => `(builtins.sort (a: b: a < b) ${gen('ints', d - 1)})`,
          () => `(builtins.sort (a: b: b < a) ${gen('ints', d - 1)})`,
          () => `(builtins.genList (x: x * ${gen('int', d - 1)}) 4)`,
          () => `(builtins.attrValues ${gen('attrs', d - 1)})`,
          () => `(builtins.concatMap (x: [ x x ]) ${gen('ints', d - 1)})`,
        ])();
      case 'strings':
        if (leaf) return `[ ${Array.from({ length: Math.floor(r() * 3) + 1 }, str).join(' ')} ]`;
        return pick([
          () => `(builtins.attrNames ${gen('attrs', d - 1)})`,
          () => `(map toString ${gen('ints', d - 1)})`,
          () => `(builtins.sort builtins.lessThan ${gen('strings', d - 1)})`,
          () => `(builtins.filter builtins.isString (builtins.split "[ao]" ${gen('string', d - 1)}))`,
        ])();
      case 'attrs':
        if (leaf) return `{ k = ${int()}; ${pick(['z', 'a', 'm'])} = ${int()}; }`;
        return pick([
          () => `(${gen('attrs', d - 1)} // ${gen('attrs', d - 1)})`,
          () => `(builtins.mapAttrs (n: v: v + 1) ${gen('attrs', d - 1)})`,
          () => `(builtins.removeAttrs ${gen('attrs', d - 1)} [ "k" ])`,
          () => `(builtins.listToAttrs (map (x: { name = "n\${toString x}"; value = x; }) ${gen('ints', d - 1)}))`,
          () => `(rec { k = ${gen('int', d - 1)}; j = k + 1; })`,
          () => `(builtins.intersectAttrs { k = null; } ${gen('attrs', d - 1)})`,
        ])();
    }
  };
  return () => gen(pick(['int', 'float', 'bool', 'string', 'ints', 'attrs', 'strings'] as Ty[]), 4);
}

function nixAvailable(): boolean {
  return spawnSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).status === 0;
}

function nixEval(expr: string, strict = true): { ok: boolean; out: string } {
  const r = spawnSync('nix-instantiate', ['--eval', ...(strict ? ['--strict'] : []), '-E', `(${expr})`], { cwd: '/tmp', encoding: 'latin1', env: { ...process.env, NIX_REMOTE: '' }, timeout: 60000 });
  return { ok: r.status === 0, out: (r.stdout ?? '').replace(/\n$/, '') };
}

function oursEval(ev: Evaluator, expr: string): { ok: boolean; out: string } {
  try {
    return { ok: true, out: ev.printValueBytes(ev.evalString(expr, '/tmp'), { strict: true }) };
  } catch {
    return { ok: false, out: '' };
  }
}

test('differential: generated expressions print the same as nix-instantiate', (t) => {
  if (!nixAvailable()) return t.skip('nix-instantiate is not installed');
  const next = generator(20261124);
  const exprs = Array.from({ length: 300 }, next);
  const ev = new Evaluator();
  // evaluate in batches (one nix-instantiate process per batch); narrow down on mismatch
  const mismatches: string[] = [];
  const BATCH = 50;
  let compared = 0;
  for (let i = 0; i < exprs.length; i += BATCH) {
    const batch = exprs.slice(i, i + BATCH);
    const listExpr = `[\n${batch.map((e) => `(${e})`).join('\n')}\n]`;
    const ref = nixEval(listExpr);
    const ours = oursEval(ev, listExpr);
    if (ref.ok && ours.ok && ref.out === ours.out) {
      compared += batch.length;
      continue;
    }
    for (const e of batch) {
      const a = nixEval(e);
      const b = oursEval(ev, e);
      compared++;
      if (a.ok !== b.ok || (a.ok && a.out !== b.out)) mismatches.push(`${e}\n  nix:  ${a.ok ? a.out : 'error'}\n  ours: ${b.ok ? b.out : 'error'}`);
    }
  }
  console.log(`differential: ${compared - mismatches.length}/${compared} expressions agree with nix-instantiate`);
  for (const m of mismatches.slice(0, 10)) console.log('MISMATCH ' + m);
  assert.equal(mismatches.length, 0);
});

// Without --strict, Nix prints a part it has not evaluated as `<CODE>`; which parts those are
// follows from where Nix makes thunks, so an evaluator built with thunksAsNix must agree.
test('differential: printed without --strict, unevaluated parts are the same', (t) => {
  if (!nixAvailable()) return t.skip('nix-instantiate is not installed');
  const ev = new Evaluator({ thunksAsNix: true });
  const lazyPrint = (expr: string): { ok: boolean; out: string } => {
    try {
      return { ok: true, out: ev.printValueBytes(ev.evalString(expr, '/tmp'), { strict: false }) };
    } catch {
      return { ok: false, out: '' };
    }
  };
  const handWritten = [
    '{ a = 1 + 1; b = 2; }', '[ (1 + 1) 2 "x" (x: x) ]', 'let x = 1 + 1; in [ x ]', 'let x = 1 + 1; in builtins.seq x [ x ]',
    '{ a = { b = 1; }; }', 'rec { a = 1; b = a; }', '[ { } ]', 'let f = x: x; in [ f (f 1) null true ]',
    '{ a = [ 1 ]; b = ./.; c = builtins.add; }', 'with { x = 1; }; [ x ]', '[ (-1) 1.5 "a${"b"}" <nix/fetchurl.nix> ./x ]',
    '[ builtins.add (builtins.add 1) ]', '{ a.b = 1; inherit ({ x = 1; }) x; }', 'let y = 2; in { inherit y; }',
    '({ a ? 1 + 1, b ? a }: [ a b ]) { }', '(x: [ x ]) (1 + 1)', 'builtins.mapAttrs (n: v: v) { a = 1; }', '{ a = 1; } // { b = 2 + 3; }',
    // legacy __overrides: Nix makes every binding of such a set a thunk (not those of sets inside it)
    'rec { a = 1; b = a; c = 3; d = [ 1 ]; __overrides = { a = 2; }; }', '(rec { a = rec { x = 1; z = [ 1 ]; }; b = 2; __overrides = { }; }).a',
    // replaceStrings: first pattern in list order wins, regex metacharacters are plain, empty patterns, context of used replacements
    'builtins.replaceStrings [ "a" "ab" "." ] [ "X" "Y" "D" ] "abab.a.b"', 'builtins.replaceStrings [ "ab" "a" ] [ "Y" "X" ] "abab.a$b"',
    'builtins.replaceStrings [ "$" "\\" "(" "[" "^" "|" ] [ "1" "2" "3" "4" "5" "6" ] "$\\([^x|"', 'builtins.replaceStrings [ "" "a" ] [ "-" "X" ] "abc"',
    'builtins.getContext (builtins.replaceStrings [ "a" "x" ] [ "${builtins.toFile "f" "x"}" "${builtins.toFile "g" "y"}" ] "abc")',
  ];
  // each generated expression forced at its top only, as the printer forces the whole value
  const next = generator(20261125);
  const generated = Array.from({ length: 100 }, next);
  const batch = `let l = [\n${generated.map((e) => `(${e})`).join('\n')}\n]; in builtins.foldl' (a: x: builtins.seq x a) l l`;
  const mismatches: string[] = [];
  for (const e of [...handWritten, batch]) {
    const a = nixEval(e, false);
    const b = lazyPrint(e);
    if (a.ok !== b.ok || a.out !== b.out) mismatches.push(`${e}\n  nix:  ${a.ok ? a.out : 'error'}\n  ours: ${b.ok ? b.out : 'error'}`);
  }
  console.log(`differential without --strict: ${handWritten.length + 1 - mismatches.length}/${handWritten.length + 1} agree (the last one holds ${generated.length} generated expressions)`);
  for (const m of mismatches.slice(0, 10)) console.log('MISMATCH ' + m);
  assert.equal(mismatches.length, 0);
});

test('differential: error cases fail in both', (t) => {
  if (!nixAvailable()) return t.skip('nix-instantiate is not installed');
  const ev = new Evaluator();
  const cases = ['1 + "a"', '{ a = 1; }.b', 'let x = x; in x', 'assert false; 1', 'throw "x"', 'builtins.head [ ]', '(x: x) 1 2', 'builtins.elemAt [ 1 ] 3', '"${{ }}"', '{ a }: a', 'builtins.replaceStrings [ "x" ] [ (throw "no") ] "abc"'];
  for (const c of cases) {
    const a = nixEval(c);
    const b = oursEval(ev, c);
    assert.equal(b.ok, a.ok, `${c}: nix ok=${a.ok}, ours ok=${b.ok}`);
  }
});

// stderr too, for the errors whose text we match exactly: positions, "Did you mean", the frames
// of --show-trace around function calls, automatic arguments (not for those where we add a
// position Nix 2.8 leaves out, such as `throw`: see the README)
test('differential: these errors read exactly as nix-instantiate prints them', (t) => {
  if (!nixAvailable()) return t.skip('nix-instantiate is not installed');
  const bin = require('path').resolve(__dirname, '..', '..', '..', 'bin', 'nixos-container') as string;
  const cases: string[][] = [
    ['--strict', '-E', '{ abc = 1; abd = 2; }.ab'],
    ['--strict', '-E', '(x: x.a) { }'],
    ['--strict', '--show-trace', '-E', '(x: x.a) { }'],
    ['--strict', '--show-trace', '-E', 'let g = y: y.z; f = x: g x; in f { }'],
    ['--strict', '--show-trace', '-E', 'let f = x: y: y.q; in f 1 { }'],
    ['--strict', '--show-trace', '-E', 'let f = { y }: y; in f 1'],
    ['--strict', '-E', '(x: x) 1 2'],
    ['-E', '{ y }: y', '-A', 'x'],
    ['-E', '{ a = 1; }', '-A', 'b'],
    ['--strict', '-E', '{ a = { b = 1; }; }', '-A', 'a.c'],
    // `+` as Nix: numbers add, anything else concatenates as strings; errors at the operand
    ['--strict', '-E', '1.5 + "a"'],
    ['--strict', '-E', '{ } + 1'],
    ['--strict', '-E', '{ outPath = "a"; } + 1'],
    // arithmetic as Nix's builtins check it: at the start of the expression, float or integer wanted
    ['--strict', '-E', '(1 + 1) - "a"'],
    ['--strict', '-E', '1 / "a"'],
    ['--strict', '-E', '"a" / 1.5'],
    ['--strict', '-E', '"a" / 0'],
    ['--strict', '-E', 'builtins.mul 2.0 null'],
    // frames recorded without --show-trace: the hint line
    ['--strict', '-E', '{ a.b = [ { c = 1 + "x"; } ]; }'],
    ['--strict', '--show-trace', '-E', '{ a.b = [ { c = 1 + "x"; } ]; }'],
    ['--strict', '-E', '({ a = { b = 1; }; }).a.c'],
    ['--strict', '--show-trace', '-E', 'let s = { a = { b = 1 + "x"; }; }; in s.a.b'],
  ];
  const mismatches: string[] = [];
  for (const args of cases) {
    const a = spawnSync('nix-instantiate', ['--eval', ...args], { cwd: '/tmp', encoding: 'utf8', env: { ...process.env, NIX_REMOTE: '' } });
    const b = spawnSync(process.execPath, [bin, 'eval', ...args], { cwd: '/tmp', encoding: 'utf8' });
    if (a.status !== b.status || a.stderr !== b.stderr || a.stdout !== b.stdout) {
      mismatches.push(`${args.join(' ')}\n  nix:  ${JSON.stringify(a.stderr)}\n  ours: ${JSON.stringify(b.stderr)}`);
    }
  }
  console.log(`error texts: ${cases.length - mismatches.length}/${cases.length} identical to nix-instantiate's`);
  for (const m of mismatches) console.log('MISMATCH ' + m);
  assert.equal(mismatches.length, 0);
});
