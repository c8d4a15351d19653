// Differential tests against the real nix-instantiate (Nix 2.8 here), on generated inputs.
// Skipped when nix-instantiate is not installed. Inputs come from a seeded PRNG, so a failure
// is reproducible; the seed can be changed with NIX_SUPPORT_DIFF_SEED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nixMatch, nixSplit, PosixRegexError } from '../../src/nix/posix-regex';
import { formatFloatForJSON, formatFloatForPrint, formatFloatToString } from '../../src/nix/float-format';
import { compareVersions, parseDrvName, splitVersion } from '../../src/nix/versions';
import { parseJsonForNix, quoteJsonString } from '../../src/nix/json-parse';
import { nixAvailable, nixEval, nixEvalJson, nixStr } from './support-nixref';
import { seededRandom } from './seeded-random';

const SEED = Number(process.env.NIX_SUPPORT_DIFF_SEED ?? 12345);

function skipReason(): string | null {
  return nixAvailable() ? null : 'nix-instantiate is not installed (apt-get install nix-bin)';
}

/** Does the pattern quantify a group? (those use the exact engine) */
function hasQuantifiedGroup(p: string): boolean {
  return /\)[*+?{]/.test(p);
}

test('regex: generated patterns vs nix-instantiate', (t) => {
  const why = skipReason();
  if (why) return t.skip(why);
  const rnd = seededRandom(SEED);
  const atoms = ['a', 'b', 'a', 'b', '.', '[ab]', '[^a]', '[[:alpha:]]', '[-a]', '(', '(', ')', ')', '|', '*', '+', '?', '{1,2}', '{2}', '^', '$', '\\.', '-', 'ab'];
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const valid: string[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  while (valid.length < 250 || invalid.length < 15) {
    let p = '';
    const n = 1 + Math.floor(rnd() * 7);
    for (let i = 0; i < n; i++) p += pick(atoms);
    if (seen.has(p)) continue;
    seen.add(p);
    try {
      nixMatch(p, '');
      if (valid.length < 250) valid.push(p);
    } catch (e) {
      assert.ok(e instanceof PosixRegexError);
      if (invalid.length < 15) invalid.push(p);
    }
  }
  // structured patterns with (nested) repeated groups and alternations
  const simple = ['a', 'b', 'ab', '.', '[ab]', 'a*', 'b?', ''];
  const quants = ['*', '+', '?', '{1,2}', '{0,2}', '{2}', ''];
  const genAlt = (d: number): string => {
    const n = 1 + Math.floor(rnd() * 3);
    const bs: string[] = [];
    for (let i = 0; i < n; i++) {
      let b = '';
      // no nested repeated groups: those backtrack exponentially in libstdc++ (and here)
      for (let j = Math.floor(rnd() * 3); j > 0; j--) b += d < 1 && rnd() < 0.3 ? '(' + genAlt(d + 1) + ')' : pick(simple);
      bs.push(b);
    }
    return bs.join('|');
  };
  let structured = 0;
  while (structured < 80) {
    let p = '';
    for (let k = 1 + Math.floor(rnd() * 2); k > 0; k--) p += rnd() < 0.7 ? '(' + genAlt(0) + ')' + pick(quants) : pick(simple);
    if (seen.has(p)) continue;
    seen.add(p);
    try {
      nixMatch(p, '');
    } catch {
      continue;
    }
    valid.push(p);
    structured++;
  }
  const subjects = ['', 'a', 'b', 'ab', 'ba', 'aab', 'abab', 'a.b', 'b-a', 'aaa', 'bbba', 'x', 'a\nb'];
  const calls: [string, string, string][] = [];
  for (const p of valid) {
    // repeated groups backtrack a lot (in libstdc++ too): keep their subjects short
    const rep = hasQuantifiedGroup(p);
    for (let k = 0; k < 3; k++) {
      calls.push(['match', p, pick(subjects)]);
      calls.push(['split', p, rep ? pick(subjects) : pick(subjects) + pick(subjects)]);
    }
  }
  const expr = '[ ' + calls.map(([f, p, s]) => `(builtins.${f} ${nixStr(p)} ${nixStr(s)})`).join(' ') + ' ]';
  const ref = nixEvalJson(expr) as unknown[];
  let compared = 0;
  let full = 0;
  calls.forEach(([f, p, s], i) => {
    const mine = f === 'match' ? nixMatch(p, s) : nixSplit(p, s);
    assert.deepEqual(mine, ref[i], `${f} ${JSON.stringify(p)} ${JSON.stringify(s)}`);
    if (hasQuantifiedGroup(p)) full++;
    compared++;
  });
  for (const p of invalid) {
    const r = nixEval(`builtins.match ${nixStr(p)} ""`);
    assert.notEqual(r.status, 0, `nix accepted ${JSON.stringify(p)}`);
    assert.match(r.stderr, /(invalid regular expression|memory limit exceeded)/);
  }
  t.diagnostic(`compared ${compared} regex calls (${full} with repeated groups), ${invalid.length} invalid patterns`);
});

test('floats: generated values vs nix-instantiate', (t) => {
  const why = skipReason();
  if (why) return t.skip(why);
  const rnd = seededRandom(SEED + 1);
  const xs: number[] = [];
  while (xs.length < 400) {
    const k = rnd();
    let x: number;
    if (k < 0.3) x = Math.round(rnd() * 1e7) / [1, 10, 100, 1000, 8, 16, 2][Math.floor(rnd() * 7)];
    else if (k < 0.5) x = rnd() * Math.pow(10, Math.floor(rnd() * 40 - 20));
    else if (k < 0.6) x = (Math.floor(rnd() * 2e6) + 0.5) / 1e6;
    else if (k < 0.7) x = Math.floor(rnd() * 1e7) + 0.5;
    else if (k < 0.8) x = Math.floor(rnd() * 1e16) / 128; // exact %f ties
    else x = rnd() * Math.pow(10, Math.floor(rnd() * 600 - 300));
    if (rnd() < 0.3) x = -x;
    if (x !== 0 && Math.abs(x) < 2.2250738585072014e-308) continue; // subnormal literals are rejected by Nix
    xs.push(x);
  }
  // Nix has no negative literals: write (0 - x); the float literal needs a mantissa digit 1-9
  const lit = (x: number) => (x < 0 ? `(0 - ${(-x).toExponential(16)})` : x.toExponential(16));
  const list = '[ ' + xs.map(lit).join(' ') + ' ]';
  const printed = nixEval(list).stdout.trim().slice(2, -2).split(' ');
  const strs = nixEvalJson(`map toString ${list}`) as string[];
  const json = (nixEvalJson(`builtins.toJSON ${list}`) as string).slice(1, -1).split(',');
  xs.forEach((x, i) => {
    assert.equal(formatFloatForPrint(x), printed[i], `print ${x}`);
    assert.equal(formatFloatToString(x), strs[i], `toString ${x}`);
    assert.equal(formatFloatForJSON(x), json[i], `toJSON ${x}`);
  });
  t.diagnostic(`compared ${xs.length} floats x 3 formats`);
});

test('versions: generated strings vs nix-instantiate', (t) => {
  const why = skipReason();
  if (why) return t.skip(why);
  const rnd = seededRandom(SEED + 2);
  const atoms = ['1', '2', '10', '0', '01', 'pre', 'pre1', 'a', 'b', 'rc', '', '.', '-', '..', '2147483647', '2147483648', 'x', 'A', '_'];
  const vs: string[] = [];
  for (let i = 0; i < 200; i++) {
    let s = '';
    const k = 1 + Math.floor(rnd() * 5);
    for (let j = 0; j < k; j++) s += atoms[Math.floor(rnd() * atoms.length)];
    vs.push(s);
  }
  const pairs: [string, string][] = [];
  for (let i = 0; i < 400; i++) pairs.push([vs[Math.floor(rnd() * vs.length)], vs[Math.floor(rnd() * vs.length)]]);
  const ref = nixEvalJson(`{ c = [ ${pairs.map(([a, b]) => `(builtins.compareVersions ${nixStr(a)} ${nixStr(b)})`).join(' ')} ];
    s = map builtins.splitVersion [ ${vs.map(nixStr).join(' ')} ]; p = map builtins.parseDrvName [ ${vs.map(nixStr).join(' ')} ]; }`) as
    { c: number[]; s: string[][]; p: { name: string; version: string }[] };
  pairs.forEach(([a, b], i) => assert.equal(compareVersions(a, b), ref.c[i], `${a} vs ${b}`));
  vs.forEach((v, i) => {
    assert.deepEqual(splitVersion(v), ref.s[i], v);
    assert.deepEqual(parseDrvName(v), ref.p[i], v);
  });
  t.diagnostic(`compared ${pairs.length} comparisons and ${vs.length} versions`);
});

test('json: generated documents round-trip like fromJSON/toJSON', (t) => {
  const why = skipReason();
  if (why) return t.skip(why);
  const rnd = seededRandom(SEED + 3);
  const strs = ['', 'a', 'é', '\\u00e9', '\\n', '\\"', '/', '\\/', 'x y', '\\ud83d\\ude00', '\\t'];
  const gen = (d: number): string => {
    const k = rnd();
    if (d > 2 || k < 0.5) {
      const kk = rnd();
      if (kk < 0.2) return String(Math.floor(rnd() * 2000) - 1000);
      if (kk < 0.3) return ['true', 'false', 'null'][Math.floor(rnd() * 3)];
      return '"' + strs[Math.floor(rnd() * strs.length)] + '"';
    }
    if (k < 0.75) return '[' + Array.from({ length: Math.floor(rnd() * 4) }, () => gen(d + 1)).join(', ') + ']';
    return '{' + Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => `"k${i}${strs[Math.floor(rnd() * 3)]}": ${gen(d + 1)}`).join(',') + '}';
  };
  const docs = Array.from({ length: 60 }, () => Buffer.from(gen(0), 'utf8').toString('latin1'));
  // toJSON of fromJSON: compare with our own serialisation of our parse tree
  const toJson = (v: ReturnType<typeof parseJsonForNix>): string => {
    if (v === null) return 'null';
    if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    if (typeof v === 'string') return quoteJsonString(v);
    if (Array.isArray(v)) return '[' + v.map(toJson).join(',') + ']';
    if ('float' in v) return formatFloatForJSON(v.float);
    return '{' + [...v.object.keys()].sort().map((k) => quoteJsonString(k) + ':' + toJson(v.object.get(k)!)).join(',') + '}';
  };
  const out = nixEval(`map (d: builtins.toJSON (builtins.fromJSON d)) [ ${docs.map(nixStr).join(' ')} ]`);
  assert.equal(out.status, 0, out.stderr);
  const expected = '[ ' + docs.map((d) => nixStrPrinted(toJson(parseJsonForNix(d)))).join(' ') + ' ]';
  assert.equal(out.stdout.trim(), expected);
  t.diagnostic(`compared ${docs.length} JSON documents`);
});

/** How nix-instantiate prints a string value. */
function nixStrPrinted(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\$\{/g, '\\${') + '"';
}
