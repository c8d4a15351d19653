// Evaluator unit tests: laziness, scoping, errors, builtins, public API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Evaluator, NixError, fromJS, mkPrimop, mkLazyAttrs, mkStringWithContext, forceString, forceStringWithContext, getAttr, attrNames, isAttrs } from '../../src/nix/index';

const ev = new Evaluator();
function run(expr: string): string {
  return ev.printValue(ev.evalString(expr, '/tmp'), { strict: true });
}
function err(expr: string): string {
  try {
    ev.printValue(ev.evalString(expr, '/tmp'), { strict: true });
  } catch (e) {
    assert.ok(e instanceof NixError, String(e));
    return e.message;
  }
  assert.fail('expected an error: ' + expr);
}

test('arithmetic, ints vs floats, 64-bit overflow', () => {
  assert.equal(run('1 + 2 * 3 - 4 / 2'), '5');
  assert.equal(run('7 / 2'), '3');
  assert.equal(run('-7 / 2'), '-3');
  assert.equal(run('1 + 1.5'), '2.5');
  assert.equal(run('builtins.typeOf (2 * 1.0)'), '"float"');
  assert.equal(run('9007199254740993 + 1'), '9007199254740994');
  assert.equal(run('9223372036854775807 - 1'), '9223372036854775806');
  assert.match(err('9223372036854775807 + 1'), /integer overflow/);
  assert.match(err('1 / 0'), /division by zero/);
});

test('values computed ahead of time (integer arithmetic on known values) agree with lazy evaluation', () => {
  // arguments and bindings like `n - 1` are computed at once when their operands are values
  assert.equal(run('let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 15'), '610');
  assert.equal(run('let f = a: b: [ (a * b) (a / b) (a - b) (a + b) (a < b) (a == b) (a != b) (!(a < b)) ]; in f 7 (-2)'), '[ -14 -3 9 5 false false true true ]');
  assert.match(err('let f = n: builtins.head [ (n + 1) ]; in f 9223372036854775807'), /integer overflow/);
  assert.match(err('let f = n: builtins.head [ (n / 0) ]; in f 3'), /division by zero/);
  assert.equal(run('let f = n: builtins.length [ (n / 0) ]; in f 3'), '1');
  // __overrides changes a rec set's variables after its frame is filled
  assert.equal(run('(rec { a = 1; b = a + 1; c = !(a == 1); __overrides = { a = 10; }; })'), '{ __overrides = { a = 10; }; a = 10; b = 11; c = true; }');
  // a shadowed operator builtin is called, not computed ahead
  assert.equal(run('let __sub = a: b: 42; f = n: [ (n - 1) ]; in f 5'), '[ 42 ]');
  // formals defaults see later formals only once they are filled
  assert.equal(run('({ a ? b + 1, b ? 2 }: a) { }'), '3');
});

test('laziness: unused errors are not evaluated; infinite recursion is detected', () => {
  assert.equal(run('let x = throw "no"; y = 1; in y'), '1');
  assert.equal(run('(x: 1) (throw "no")'), '1');
  assert.equal(run('builtins.length [ (throw "a") (abort "b") ]'), '2');
  assert.match(err('let x = x; in x'), /infinite recursion encountered/);
  assert.equal(run('let xs = [ 1 xs ]; in builtins.head (builtins.elemAt (builtins.elemAt xs 1) 1)'), '1');
  assert.match(err('let xs = [ 1 ] ++ xs; in xs'), /infinite recursion encountered/);
});

test('scoping: let, rec, with (lexical wins), inherit', () => {
  assert.equal(run('let a = 1; in with { a = 2; b = 3; }; a + b'), '4');
  assert.equal(run('with { a = 1; }; with { a = 2; }; a'), '2');
  assert.equal(run('rec { a = b; b = 2; }.a'), '2');
  assert.equal(run('let x = 1; in { inherit x; }'), '{ x = 1; }');
  assert.equal(run('let s = { a = 1; b = 2; }; in { inherit (s) a b; }'), '{ a = 1; b = 2; }');
  assert.equal(run('let __sub = a: b: 42; in 5 - 3'), '42');
  assert.match(err('x'), /undefined variable 'x'/);
});

test('functions: patterns, defaults referring to each other, @, __functor', () => {
  assert.equal(run('({ a, b ? a + 1 }: b) { a = 1; }'), '2');
  assert.equal(run('(args@{ a, ... }: args.c) { a = 1; c = 3; }'), '3');
  assert.equal(run('{ __functor = self: x: x + self.n; n = 10; } 5'), '15');
  assert.match(err('({ a }: a) { a = 1; b = 1; }'), /called with unexpected argument 'b'/);
  assert.match(err('({ a }: a) { }'), /called without required argument 'a'/);
  assert.equal(run('builtins.functionArgs ({ a, b ? 1 }: a)'), '{ a = false; b = true; }');
});

test('attribute selection, or, ?, error suggestions', () => {
  assert.equal(run('{ a.b.c = 1; }.a.b.c'), '1');
  assert.equal(run('{ }.a or 5'), '5');
  assert.equal(run('{ a.b = 1; } ? a.b'), 'true');
  assert.equal(run('let k = "x"; in { ${k} = 1; }.x'), '1');
  assert.match(err('{ foo = 1; }.fooo'), /attribute 'fooo' missing/);
  assert.match(err('{ foo = 1; }.fooo'), /\n {7}Did you mean foo\?$/);
  assert.match(err('({ yyy, yyz ? 1 }: yyy) { yyy = 1; yy = 2; }'), /\n {7}Did you mean one of yyy or yyz\?$/);
  assert.match(err('{ abc = 1; abd = 2; abe = 3; abf = 4; abg = 5; abh = 6; }.ab'), /Did you mean one of abc, abd, abe, abf or abg\?$/);
  assert.match(err('throw "first\\nsecond"'), /^error: first\n {7}second\n/);
  assert.match(err('1 + "a"'), /cannot add a string to an integer/);
  assert.match(err('if 1 then 2 else 3'), /value is an integer while a Boolean was expected/);
  assert.match(err('assert 1 == 2; 3'), /assertion .* failed/);
});

test('strings, interpolation, toString, string context', () => {
  assert.equal(run('let x = "b"; in "a${x}c"'), '"abc"');
  assert.equal(run('builtins.toString [ 1 "a" null true 2.5 ]'), '"1 a  1 2.500000"');
  assert.equal(run('builtins.stringLength "é"'), '2');
  assert.equal(run('builtins.substring 1 3 "abcdef"'), '"bcd"');
  // Nix 2.8 forces every replacement before replacing (later Nix is lazier here)
  assert.match(err('builtins.replaceStrings [ "a" "b" ] [ "b" (throw "unused") ] "aaa"'), /^error: unused/);
  assert.equal(run('builtins.hasContext "${builtins.toFile "x" "y"}"'), 'true');
  assert.equal(run('{ __toString = s: "S"; } + "x"'), '"Sx"');
});

test('list builtins: sort is stable, foldl\', genList, concatMap, genericClosure', () => {
  assert.equal(run('builtins.sort (a: b: a.k < b.k) [ { k = 2; v = 1; } { k = 1; v = 2; } { k = 2; v = 3; } ]'), '[ { k = 1; v = 2; } { k = 2; v = 1; } { k = 2; v = 3; } ]');
  // `a < b` / `b < a` / builtins.lessThan on plain ints or strings take a native sort
  assert.equal(run('builtins.sort (a: b: a < b) [ 3 (-1) 9223372036854775807 3 (-9223372036854775807) 0 ]'), '[ -9223372036854775807 -1 0 3 3 9223372036854775807 ]');
  assert.equal(run('builtins.sort (x: y: y < x) (builtins.genList (i: i * 7 - i / 3 * 20) 12)'), run('builtins.sort (x: y: x > y) (builtins.genList (i: i * 7 - i / 3 * 20) 12)'));
  assert.equal(run('builtins.sort builtins.lessThan [ "b" "" "ab" "a" ]'), '[ "" "a" "ab" "b" ]');
  assert.equal(run('builtins.sort (a: b: a < b) [ 2 1.5 1 ]'), '[ 1 1.5 2 ]');
  assert.match(err('builtins.sort (a: b: a < b) [ 2 "x" ]'), /cannot compare/);
  // strings with context are told apart by it: the stable order is kept
  assert.equal(run('map builtins.hasContext (builtins.sort (a: b: a < b) [ "${builtins.toFile "x" "y"}" (builtins.unsafeDiscardStringContext "${builtins.toFile "x" "y"}") ])'), '[ true false ]');
  assert.equal(run("builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 100)"), '4950');
  assert.equal(run('builtins.concatMap (x: [ x x ]) [ 1 2 ]'), '[ 1 1 2 2 ]');
  assert.equal(run('map (x: x.key) (builtins.genericClosure { startSet = [ { key = 1; } ]; operator = x: if x.key < 5 then [ { key = x.key + 1; } ] else [ ]; })'), '[ 1 2 3 4 5 ]');
  assert.equal(run('builtins.match "a(b*)c" "abbc"'), '[ "bb" ]');
  assert.equal(run('builtins.split "(a)" "xay"'), '[ "x" [ "a" ] "y" ]');
});

test('dynamic attribute names are strings, forced as Nix 2.8 forces them (no coercion)', () => {
  assert.match(err('{ a = 1; }.${1}'), /value is an integer while a string was expected/);
  assert.match(err('{ a = 1; }.${null} or 5'), /value is null while a string was expected/);
  assert.match(err('{ a = 1; } ? ${./a}'), /value is a path while a string was expected/);
  assert.match(err('1 ? ${1}'), /value is an integer while a string was expected/);
  assert.equal(run('1 ? ${"a"}'), 'false');
  assert.match(err('{ ${./x} = 1; }'), /value is a path while a string was expected/);
  assert.match(err('rec { ${true} = 1; }'), /value is a Boolean while a string was expected/);
  assert.equal(run('let k = null; in { ${k} = 1; x = 2; }'), '{ x = 2; }');
  assert.equal(run('let k = null; in { ${k} = 1; }'), '{ }');
  // the one-dynamic-attribute literal keeps its value and position
  assert.equal(run('let f = n: { ${n} = n; }; in (f "a" // f "b" // { ${"c"} = 3; })'), '{ a = "a"; b = "b"; c = 3; }');
  assert.equal(run('(builtins.unsafeGetAttrPos "x" { ${"x"} = 1; }).column'), '34');
});

test('an element of map/genList that failed fails again when forced again (never its argument)', () => {
  assert.equal(run('let xs = map (x: if x == 1 then throw "t" else x * 10) [ 1 2 ]; t = builtins.tryEval (builtins.elemAt xs 0); in [ t.success (builtins.tryEval (builtins.elemAt xs 0)).success (builtins.elemAt xs 1) ]'), '[ false false 20 ]');
  assert.equal(run('let xs = builtins.genList (i: assert i > 0; i) 2; in [ (builtins.tryEval (builtins.head xs)).success (builtins.tryEval (builtins.head xs)).value (builtins.elemAt xs 1) ]'), '[ false false 1 ]');
  assert.match(err('let xs = map (x: x.a) [ { b = 1; } ]; in [ (builtins.tryEval (builtins.head xs)) (builtins.head xs) ]'), /attribute 'a' missing/);
});

test('tryEval catches throw/assert only and leaves thunks re-forceable', () => {
  assert.equal(run('builtins.tryEval (throw "x")'), '{ success = false; value = false; }');
  assert.equal(run('builtins.tryEval (assert false; 1)'), '{ success = false; value = false; }');
  assert.equal(run('builtins.tryEval 1'), '{ success = true; value = 1; }');
  assert.match(err('builtins.tryEval (abort "x")'), /evaluation aborted/);
  assert.equal(run('let x = throw "a"; in [ (builtins.tryEval x).success (builtins.tryEval x).success ]'), '[ false false ]');
});

test('JSON, XML and derivations', () => {
  assert.equal(run('builtins.toJSON { b = [ 1 2.5 null ]; a = "x\\n"; }'), '"{\\"a\\":\\"x\\\\n\\",\\"b\\":[1,2.5,null]}"');
  assert.equal(run('builtins.fromJSON "{\\"a\\": [1, 2.5, true]}"'), '{ a = [ 1 2.5 true ]; }');
  const drv = ev.toJS(ev.evalString('let d = derivation { name = "x"; builder = "b"; system = "s"; }; in { inherit (d) drvPath outPath type; }', '/tmp')) as Record<string, string>;
  // the same derivation evaluated by Nix 2.8 (checked with nix-instantiate)
  assert.equal(drv.drvPath, '/nix/store/5wq5jx7219pmi3xklyhl77fjbqvy6qaj-x.drv');
  assert.equal(drv.outPath, '/nix/store/gwwjwi08fyrbrz2d8zkfvy65nzzq2czp-x');
  assert.equal(drv.type, 'derivation');
});

test('import is cached per path; scopedImport; readFile/readDir', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixeval-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'a.nix'), '{ x = builtins.trace "loaded" 1; }');
  fs.writeFileSync(path.join(dir, 's.nix'), '{ y = z; }');
  fs.writeFileSync(path.join(dir, 'f.txt'), 'hello');
  const lines: string[] = [];
  const e2 = new Evaluator({ traceOut: (l) => lines.push(l) });
  const v = e2.evalString(`[ (import ./a.nix).x (import ./a.nix).x (scopedImport { z = 5; } ./s.nix).y (builtins.readFile ./f.txt) (builtins.readDir ./.) ]`, dir);
  assert.equal(e2.printValue(v, { strict: true }), '[ 1 1 5 "hello" { "a.nix" = "regular"; "f.txt" = "regular"; "s.nix" = "regular"; } ]');
  assert.deepEqual(lines, ['trace: loaded']);
  // failed system calls read as Nix words them (strerror), not as Node does
  const msg = (expr: string): string => {
    try {
      e2.printValue(e2.evalString(expr, dir), { strict: true });
    } catch (e) {
      return (e as Error).message.split('\n')[0];
    }
    return 'no error';
  };
  assert.equal(msg('builtins.readDir ./nope'), `error: opening directory '${dir}/nope': No such file or directory`);
  assert.equal(msg('builtins.readDir ./f.txt'), `error: opening directory '${dir}/f.txt': Not a directory`);
  assert.equal(msg('builtins.readFile ./.'), 'error: reading from file: Is a directory');
  assert.equal(msg('import ./nope.nix'), `error: getting status of '${dir}/nope.nix': No such file or directory`);
});

test('public API: fromJS/toJS, primops via extraGlobals, lazy attrs, string context', () => {
  let computed = 0;
  const e2 = new Evaluator({
    extraGlobals: {
      double: mkPrimop('double', 1, ([x], ev) => (ev.force(x) as number) * 2),
      host: mkLazyAttrs(['a', 'b'], (n) => {
        computed++;
        return fromJS(n.toUpperCase());
      }),
      ctxStr: mkStringWithContext('/nix/store/abc-x', ['/nix/store/abc-x']),
    },
  });
  assert.equal(e2.printValue(e2.evalString('double 21', '/')), '42');
  assert.equal(e2.printValue(e2.evalString('builtins ? double', '/')), 'false');
  assert.equal(e2.printValue(e2.evalString('host.b', '/')), '"B"');
  assert.equal(computed, 1);
  const v = e2.evalString('{ s = "${ctxStr}/bin"; n = 1; l = [ true null 1.5 ]; u = "é"; }', '/');
  assert.deepEqual(e2.toJS(v), { l: [true, null, 1.5], n: 1, s: '/nix/store/abc-x/bin', u: 'é' });
  assert.ok(isAttrs(v));
  assert.deepEqual(attrNames(v), ['l', 'n', 's', 'u']);
  assert.equal(forceString(e2, getAttr(v, 'u')!), 'é');
  assert.deepEqual(forceStringWithContext(e2, getAttr(v, 's')!).context, ['/nix/store/abc-x']);
  const f = e2.evalString('{ a, b ? 2 }: a + b', '/');
  assert.equal(e2.toJS(e2.call(f, fromJS({ a: 1 }))), 3);
});
