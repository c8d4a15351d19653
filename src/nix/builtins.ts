// The builtins of Nix 2.8 (plus a few newer ones used by the language tests).
import * as fs from 'fs';
import * as nodePath from 'path';
import type * as Crypto from 'crypto';
import { posFile } from './ast';
import { NixError, sysErrorText } from './errors';
import {
  EvalContext,
  arith,
  callValue,
  coerceToPath,
  coerceToString,
  coerceToStringValue,
  eqValues,
  force,
  forceAttrs,
  forceBool,
  forceFunction,
  forceInt,
  forceList,
  forceNumber,
  forceStringNoCtx,
  forceStringValue,
  getAttrOrThrow,
  lessThan,
  mkValueThunk,
  normBig,
  numVal,
  typeError,
} from './runtime';
import { forceDeep, printValue, toJSON, toXML } from './printer';
import { posixRegex, versions, jsonParse, toml, storePath } from './support';
import {
  Code,
  Env,
  Lambda,
  NixAttrs,
  NixFloat,
  NixPath,
  NixString,
  Primop,
  PrimopApp,
  Thunk,
  Value,
  cmpBytes,
  copyMap,
  ctxOf,
  fromUtf8,
  mkStr,
  toUtf8,
  typeOf,
  showType,
} from './values';
import { updateAttrs } from './compile';

/** Names reachable without the `builtins.` prefix (besides the `__name` forms). */
export const GLOBAL_NAMES = [
  'abort', 'baseNameOf', 'builtins', 'derivation', 'derivationStrict', 'dirOf', 'false', 'fetchGit',
  'fetchMercurial', 'fetchTarball', 'fetchTree', 'fromTOML', 'import', 'isNull', 'map', 'null',
  'placeholder', 'removeAttrs', 'scopedImport', 'throw', 'toString', 'true',
];

const DUMMY_ENV: Env = [null];

// loaded on first use (hashing builtins): keeps `eval` start-up small
// eslint-disable-next-line @typescript-eslint/no-var-requires
const crypto = { createHash: (alg: string) => (require('crypto') as typeof Crypto).createHash(alg) };

/** replaceStrings: prepared patterns per (immutable) `from` list */
const replaceCache = new WeakMap<Value[], { froms: string[]; firsts: Set<number> | null }>();

/**
 * A thunk for `f a`, forced on demand. The commonest thunk of all (map, genList, mapAttrs...)
 * carries no env array: its env slot holds `f` and its value slot `a` until it is forced
 * (the value slot is only read once the code is gone, see forceThunk).
 */
export function lazyApply1(ev: EvalContext, f: Value, a: Value): Thunk {
  const t = new Thunk(ev.__apply1Code ?? mkApply1(ev), f as unknown as Env);
  t.v = a;
  return t;
}

/** A thunk for `f a b` (mapAttrs...): env [f, b], value slot `a` until forced (as lazyApply1). */
export function lazyApply2(ev: EvalContext, f: Value, a: Value, b: Value): Thunk {
  const t = new Thunk(ev.__apply2Code ?? mkApply2(ev), [f, b]);
  t.v = a;
  return t;
}

export function lazyApply(ev: EvalContext, f: Value, args: Value[]): Thunk {
  if (args.length === 1) return lazyApply1(ev, f, args[0]);
  if (args.length === 2) return lazyApply2(ev, f, args[0], args[1]);
  return new Thunk(() => {
    let r = f;
    for (const a of args) r = force(callValue(ev, r, a));
    return r;
  }, DUMMY_ENV);
}

function mkApply1(ev: EvalContext): Code {
  const code = (f: Env, self?: Thunk): Value => call1(ev, f as unknown as Value, self!.v);
  ev.__apply1Code = code;
  return code;
}

function mkApply2(ev: EvalContext): Code {
  const code = (env: Env, self?: Thunk): Value => call2(ev, env[0], self!.v, env[1]);
  ev.__apply2Code = code;
  return code;
}

function call1(ev: EvalContext, f: Value, a: Value): Value {
  if (f instanceof Thunk) f = force(f);
  if (f instanceof Lambda) return f.info.call(f.env, a, ev, f);
  return force(callValue(ev, f, a));
}

function call2(ev: EvalContext, f: Value, a: Value, b: Value): Value {
  if (f instanceof Thunk) f = force(f);
  if (f instanceof Primop && f.arity === 2) return force(f.fn([a, b], ev));
  const g = call1(ev, f, a);
  if (g instanceof Lambda) return g.info.call(g.env, b, ev, g);
  return force(callValue(ev, g, b));
}

function str(v: Value): string {
  return forceStringNoCtx(v);
}

function bool(v: Value): boolean {
  return forceBool(v);
}

function callBool(ev: EvalContext, f: Value, a: Value, b?: Value): boolean {
  const r = b === undefined ? call1(ev, f, a) : call2(ev, f, a, b);
  if (typeof r !== 'boolean') throw typeError('a Boolean', r);
  return r;
}

function call(ev: EvalContext, f: Value, a: Value, b?: Value): Value {
  return b === undefined ? call1(ev, f, a) : call2(ev, f, a, b);
}

function attrs(entries: [string, Value][]): NixAttrs {
  return new NixAttrs(new Map(entries));
}

function toBigInt(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

function bitOp(a: number | bigint, b: number | bigint, op: '&' | '|' | '^'): number | bigint {
  const x = toBigInt(a);
  const y = toBigInt(b);
  const r = op === '&' ? x & y : op === '|' ? x | y : x ^ y;
  return normBig(BigInt.asIntN(64, r), 'bit operation');
}

function dirOfStr(s: string): string {
  const p = s.lastIndexOf('/');
  if (p < 0) return '.';
  if (p === 0) return '/';
  return s.slice(0, p);
}

function baseNameOfStr(s: string): string {
  let end = s.length;
  if (end > 0 && s[end - 1] === '/') end--;
  const p = s.lastIndexOf('/', end - 1);
  return s.slice(p + 1, end);
}

const HASH_ALGOS: Record<string, string> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', sha512: 'sha512' };

function hashAlgo(name: string): string {
  const a = HASH_ALGOS[name];
  if (!a) throw new NixError(`unknown hash algorithm '${name}'`);
  return a;
}

/** Convert a neutral JS tree (from json-parse / toml) into Nix values. */
export function neutralToValue(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'boolean') return x;
  if (typeof x === 'bigint') return normBig(x, 'conversion');
  if (typeof x === 'number') return Number.isInteger(x) ? x : new NixFloat(x);
  if (typeof x === 'string') return x; // json-parse / toml produce byte strings
  if (Array.isArray(x)) return x.map(neutralToValue);
  if (x instanceof Map) {
    const m = new Map<string, Value>();
    for (const [k, v] of x) m.set(String(k), neutralToValue(v));
    return new NixAttrs(m);
  }
  if (typeof x === 'object') {
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length && keys[0] === 'float' && typeof o.float === 'number') return new NixFloat(o.float);
    if (keys.length === 1 && (keys[0] === 'object' || keys[0] === 'table') && o[keys[0]] instanceof Map) return neutralToValue(o[keys[0]]);
    if (keys.includes('datetime') && typeof o.datetime === 'string')
      return new NixAttrs(new Map<string, Value>([['_type', 'timestamp'], ['value', o.datetime]]));
    if (keys.length === 1 && keys[0] === 'int' && (typeof o.int === 'bigint' || typeof o.int === 'number')) return neutralToValue(o.int);
    const m = new Map<string, Value>();
    for (const k of keys) m.set(fromUtf8(k), neutralToValue(o[k]));
    return new NixAttrs(m);
  }
  return null;
}

function listElems(v: Value): Value[] {
  return forceList(v);
}

/** Stable merge sort with a Nix comparator (a < b). */
function mergeSort(ev: EvalContext, cmp: Value, xs: Value[]): Value[] {
  const n = xs.length;
  if (n < 2) return xs.slice();
  const kind = cmp instanceof Lambda ? cmp.info.cmpKind : cmp instanceof Primop && cmp.name === 'lessThan' ? 1 : undefined;
  let a = xs.slice();
  if (kind !== undefined) {
    // `a < b` (or `b < a`): every element takes part in some comparison, so all are forced
    // (here in list order). Plain ints, or plain strings, then sort natively: V8's sort is
    // stable too, and equal ints or equal context-free strings are indistinguishable anyway.
    let ints = true;
    let strs = true;
    for (let i = 0; i < n; i++) {
      const v = force(a[i]);
      a[i] = v;
      if (typeof v !== 'number') ints = false;
      if (typeof v !== 'string') strs = false;
    }
    if (ints) return a.sort(kind === 1 ? (x, y) => (x as number) - (y as number) : (x, y) => (y as number) - (x as number));
    if (strs) return a.sort(kind === 1 ? (x, y) => cmpBytes(x as string, y as string) : (x, y) => cmpBytes(y as string, x as string));
  }
  let b = new Array<Value>(n);
  const less =
    kind === 1
      ? (x: Value, y: Value): boolean => lessThan(ev, x, y)
      : kind === -1
        ? (x: Value, y: Value): boolean => lessThan(ev, y, x)
        : (x: Value, y: Value): boolean => callBool(ev, cmp, x, y);
  // insertion sort small runs
  const RUN = 8;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const x = a[i];
      let j = i - 1;
      while (j >= lo && less(x, a[j])) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = x;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (less(a[j], a[i])) b[k++] = a[j++];
        else b[k++] = a[i++];
      }
      while (i < mid) b[k++] = a[i++];
      while (j < hi) b[k++] = a[j++];
    }
    const t = a;
    a = b;
    b = t;
  }
  return a;
}

function notSupported(name: string): (args: Value[]) => Value {
  return () => {
    throw new NixError(`'builtins.${name}' is not supported by this evaluator (it needs a Nix daemon or network access)`);
  };
}

export function readFileType(p: string): string {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    throw new NixError(`getting status of '${p}': ${sysErrorText(e)}`);
  }
  if (st.isFile()) return 'regular';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'unknown';
}

export function makeBuiltins(ev: EvalContext): Map<string, Value> {
  const B = new Map<string, Value>();
  const def = (name: string, arity: number, fn: (a: Value[], ev: EvalContext) => Value) => {
    B.set(name, new Primop(name, arity, fn));
  };

  // ---------------------------------------------------------------- constants
  B.set('true', true);
  B.set('false', false);
  B.set('null', null);
  B.set('langVersion', 6);
  B.set('nixVersion', '2.8.0');
  B.set('currentSystem', 'x86_64-linux');
  B.set('storeDir', ev.storeDir);
  B.set('currentTime', Math.floor(Date.now() / 1000));

  // ---------------------------------------------------------------- errors / debugging
  def('abort', 1, ([m]) => {
    const s = coerceToString(ev, m, null, { coerceMore: true });
    throw new NixError(`evaluation aborted with the following error message: '${s}'`, null, 'abort');
  });
  def('throw', 1, ([m]) => {
    const s = coerceToString(ev, m, null, { coerceMore: true });
    throw new NixError(s, null, 'throw');
  });
  def('addErrorContext', 2, ([c, e]) => {
    try {
      return force(e);
    } catch (err) {
      if (err instanceof NixError && ev.showTrace) {
        try {
          err.addTrace(coerceToString(ev, c, null, { coerceMore: true }), null);
        } catch {
          /* ignore */
        }
      }
      throw err;
    }
  });
  def('trace', 2, ([m, e]) => {
    const v = force(m);
    const text = typeof v === 'string' ? v : v instanceof NixString ? v.s : printValue(v, false);
    ev.traceOut('trace: ' + text);
    return force(e);
  });
  def('traceVerbose', 2, ([, e]) => force(e));
  def('warn', 2, ([m, e]) => {
    const v = force(m);
    if (!(typeof v === 'string' || v instanceof NixString)) throw typeError('a string', v);
    ev.traceOut('evaluation warning: ' + (typeof v === 'string' ? v : v.s));
    return force(e);
  });
  def('break', 1, ([e]) => force(e));
  def('tryEval', 1, ([e]) => {
    try {
      const v = force(e);
      return attrs([
        ['success', true],
        ['value', v],
      ]);
    } catch (err) {
      if (err instanceof NixError && err.catchable) {
        return attrs([
          ['success', false],
          ['value', false],
        ]);
      }
      throw err;
    }
  });
  def('seq', 2, ([a, b]) => {
    force(a);
    return force(b);
  });
  def('deepSeq', 2, ([a, b]) => {
    forceDeep(a, true);
    return force(b);
  });

  // ---------------------------------------------------------------- types
  def('typeOf', 1, ([v]) => typeOf(force(v)));
  def('isNull', 1, ([v]) => force(v) === null);
  def('isBool', 1, ([v]) => typeof force(v) === 'boolean');
  def('isInt', 1, ([v]) => {
    const x = force(v);
    return typeof x === 'number' || typeof x === 'bigint';
  });
  def('isFloat', 1, ([v]) => force(v) instanceof NixFloat);
  def('isString', 1, ([v]) => {
    const x = force(v);
    return typeof x === 'string' || x instanceof NixString;
  });
  def('isPath', 1, ([v]) => force(v) instanceof NixPath);
  def('isList', 1, ([v]) => Array.isArray(force(v)));
  def('isAttrs', 1, ([v]) => force(v) instanceof NixAttrs);
  def('isFunction', 1, ([v]) => {
    const x = force(v);
    return x instanceof Lambda || x instanceof Primop || x instanceof PrimopApp;
  });

  // ---------------------------------------------------------------- arithmetic
  // arith checks the operand types, in Nix's order and words
  def('add', 2, ([a, b]) => arith('+', force(a), force(b), null));
  def('sub', 2, ([a, b]) => arith('-', force(a), force(b), null));
  def('mul', 2, ([a, b]) => arith('*', force(a), force(b), null));
  def('div', 2, ([a, b]) => arith('/', force(a), force(b), null));
  def('lessThan', 2, ([a, b]) => lessThan(ev, a, b));
  def('bitAnd', 2, ([a, b]) => bitOp(forceInt(a), forceInt(b), '&'));
  def('bitOr', 2, ([a, b]) => bitOp(forceInt(a), forceInt(b), '|'));
  def('bitXor', 2, ([a, b]) => bitOp(forceInt(a), forceInt(b), '^'));
  const round = (f: (x: number) => number) => ([v]: Value[]) => {
    const x = forceNumber(v);
    if (typeof x === 'number' || typeof x === 'bigint') return x;
    const r = f(x.v);
    if (!Number.isFinite(r)) throw new NixError(`cannot convert ${r} to an integer`);
    return Number.isSafeInteger(r) ? r : normBig(BigInt(r), 'rounding');
  };
  def('ceil', 1, round(Math.ceil));
  def('floor', 1, round(Math.floor));

  // ---------------------------------------------------------------- attrsets
  def('attrNames', 1, ([a]) => forceAttrs(a).keys().slice());
  def('attrValues', 1, ([a]) => {
    const s = forceAttrs(a);
    return s.keys().map((k) => s.get(k)!);
  });
  def('getAttr', 2, ([n, a]) => force(attrForCall(forceAttrs(a), str(n), 'getAttr')));
  def('hasAttr', 2, ([n, a]) => forceAttrs(a).has(str(n)));
  def('removeAttrs', 2, ([a, l]) => {
    const s = forceAttrs(a);
    const names = listElems(l);
    if (names.length === 0) return s;
    const m = s.toMap();
    let changed = false;
    for (const n of names) changed = m.delete(str(n)) || changed;
    if (!changed) return s;
    const r = new NixAttrs(m);
    r.pos = s.pos;
    return r;
  });
  def('intersectAttrs', 2, ([a, b]) => {
    const x = forceAttrs(a);
    const y = forceAttrs(b);
    const m = new Map<string, Value>();
    if (x.size < y.size) {
      for (const k of x.keys()) {
        const v = y.get(k);
        if (v !== undefined) m.set(k, v);
      }
    } else y.forEach((v, k) => { if (x.has(k)) m.set(k, v); });
    const r = new NixAttrs(m);
    r.pos = y.pos;
    return r;
  });
  def('listToAttrs', 1, ([l]) => {
    const m = new Map<string, Value>();
    for (const e of listElems(l)) {
      const a = forceAttrs(e);
      const n = str(attrForCall(a, 'name', 'listToAttrs'));
      if (!m.has(n)) m.set(n, attrForCall(a, 'value', 'listToAttrs'));
    }
    return new NixAttrs(m);
  });
  def('mapAttrs', 2, ([f, a]) => {
    const s = forceAttrs(a);
    const m = new Map<string, Value>();
    s.forEach((v, k) => m.set(k, lazyApply2(ev, f, k, v)));
    // New bindings: like Nix, the result carries no attribute positions.
    return new NixAttrs(m);
  });
  def('catAttrs', 2, ([n, l]) => {
    const name = str(n);
    const out: Value[] = [];
    for (const e of listElems(l)) {
      const v = forceAttrs(e).get(name);
      if (v !== undefined) out.push(v);
    }
    return out;
  });
  def('zipAttrsWith', 2, ([f, l]) => {
    const groups = new Map<string, Value[]>();
    for (const e of listElems(l)) {
      forceAttrs(e).forEach((v, k) => {
        const g = groups.get(k);
        if (g === undefined) groups.set(k, [v]);
        else g.push(v);
      });
    }
    const m = new Map<string, Value>();
    groups.forEach((vs, k) => m.set(k, lazyApply(ev, f, [k, vs])));
    return new NixAttrs(m);
  });
  def('functionArgs', 1, ([f]) => {
    const x = force(f);
    if (x instanceof Lambda) {
      if (!x.info.formals) return NixAttrs.EMPTY;
      const r = new NixAttrs(new Map(x.info.formals.map((fm) => [fm.name, fm.hasDefault] as [string, Value])));
      const pm = new Map();
      for (const fm of x.info.formals) if (fm.pos) pm.set(fm.name, fm.pos);
      r.pos = pm;
      return r;
    }
    if (x instanceof Primop || x instanceof PrimopApp) return NixAttrs.EMPTY;
    throw typeError('a function', x);
  });
  def('unsafeGetAttrPos', 2, ([n, a]) => {
    const name = str(n);
    const s = forceAttrs(a);
    const p = s.getPos(name);
    if (!p || !s.has(name)) return null;
    return attrs([
      ['column', p.col],
      ['file', posFile(p.src)],
      ['line', p.line],
    ]);
  });
  def('groupBy', 2, ([f, l]) => {
    const groups = new Map<string, Value[]>();
    for (const e of listElems(l)) {
      const k = str(call(ev, f, e));
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(e);
    }
    return new NixAttrs(new Map(groups));
  });

  // ---------------------------------------------------------------- lists
  def('length', 1, ([l]) => listElems(l).length);
  def('head', 1, ([l]) => {
    const xs = listElems(l);
    if (xs.length === 0) throw new NixError("list index 0 is out of bounds");
    return force(xs[0]);
  });
  def('tail', 1, ([l]) => {
    const xs = listElems(l);
    if (xs.length === 0) throw new NixError("'tail' called on an empty list");
    return xs.slice(1);
  });
  def('elemAt', 2, ([l, n]) => {
    const xs = listElems(l);
    const i = forceInt(n);
    if (typeof i !== 'number' || i < 0 || i >= xs.length) throw new NixError(`list index ${i} is out of bounds`);
    return force(xs[i]);
  });
  def('elem', 2, ([x, l]) => {
    for (const e of listElems(l)) if (eqValues(ev, x, e)) return true;
    return false;
  });
  def('map', 2, ([f, l]) => {
    const xs = listElems(l);
    const out = new Array(xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = lazyApply1(ev, f, xs[i]);
    return out;
  });
  def('filter', 2, ([f, l]) => {
    const xs = listElems(l);
    const out: Value[] = [];
    for (const x of xs) if (callBool(ev, f, x)) out.push(x);
    return out.length === xs.length ? xs : out;
  });
  def('concatLists', 1, ([l]) => {
    const out: Value[] = [];
    for (const e of listElems(l)) {
      const xs = forceList(e);
      for (const x of xs) out.push(x);
    }
    return out;
  });
  def('concatMap', 2, ([f, l]) => {
    const out: Value[] = [];
    for (const e of listElems(l)) {
      const xs = forceList(call(ev, f, e));
      for (const x of xs) out.push(x);
    }
    return out;
  });
  def('genList', 2, ([f, n]) => {
    const len = forceInt(n);
    if (typeof len !== 'number' || len < 0) throw new NixError(`cannot create list of size ${len}`);
    const out = new Array(len);
    for (let i = 0; i < len; i++) out[i] = lazyApply1(ev, f, i);
    return out;
  });
  def("foldl'", 3, ([f, z, l]) => {
    const xs = listElems(l);
    let acc = z;
    for (const x of xs) acc = call(ev, f, acc, x);
    return force(acc);
  });
  def('all', 2, ([f, l]) => {
    for (const x of listElems(l)) if (!callBool(ev, f, x)) return false;
    return true;
  });
  def('any', 2, ([f, l]) => {
    for (const x of listElems(l)) if (callBool(ev, f, x)) return true;
    return false;
  });
  def('partition', 2, ([f, l]) => {
    const right: Value[] = [];
    const wrong: Value[] = [];
    for (const x of listElems(l)) (callBool(ev, f, x) ? right : wrong).push(x);
    return attrs([
      ['right', right],
      ['wrong', wrong],
    ]);
  });
  def('sort', 2, ([f, l]) => {
    const xs = listElems(l);
    return mergeSort(ev, forceFunction(f), xs);
  });
  def('genericClosure', 1, ([a]) => {
    const args = forceAttrs(a);
    const start = forceList(attrForCall(args, 'startSet', 'genericClosure'));
    const op = attrForCall(args, 'operator', 'genericClosure');
    const work: Value[] = start.slice();
    const res: Value[] = [];
    const seenPrim = new Set<string>();
    const seenOther: Value[] = [];
    let firstKey: Value | undefined;
    const isNew = (k: Value): boolean => {
      const kv = force(k);
      if (firstKey === undefined) firstKey = kv;
      else {
        const num = (x: Value) => typeof x === 'number' || typeof x === 'bigint' || x instanceof NixFloat;
        const comparable = (x: Value) => num(x) || typeof x === 'string' || x instanceof NixString || x instanceof NixPath || Array.isArray(x);
        if (!comparable(kv) || !comparable(firstKey) || (num(kv) !== num(firstKey)) || (!num(kv) && typeOf(kv) !== typeOf(firstKey)))
          throw new NixError(`cannot compare ${showType(firstKey)} with ${showType(kv)}`);
      }
      let key: string | null = null;
      if (typeof kv === 'number' || typeof kv === 'bigint') key = 'i' + kv;
      else if (typeof kv === 'string') key = 's' + kv;
      else if (kv instanceof NixString) key = 's' + kv.s;
      else if (kv instanceof NixFloat) key = Number.isInteger(kv.v) ? 'i' + kv.v : 'f' + kv.v;
      else if (kv instanceof NixPath) key = 'p' + kv.p;
      if (key !== null) {
        if (seenPrim.has(key)) return false;
        seenPrim.add(key);
        return true;
      }
      for (const o of seenOther) if (eqValues(ev, o, kv)) return false;
      seenOther.push(kv);
      return true;
    };
    while (work.length) {
      const e = work.shift()!;
      const ea = forceAttrs(e);
      const key = ea.get('key');
      if (key === undefined) throw new NixError(`attribute 'key' required`);
      if (!isNew(key)) continue;
      res.push(ea);
      for (const x of forceList(call(ev, op, ea))) work.push(x);
    }
    return res;
  });

  // ---------------------------------------------------------------- strings
  def('toString', 1, ([v]) => coerceToStringValue(ev, v, { coerceMore: true, copyToStore: false }));
  def('stringLength', 1, ([v]) => {
    const x = force(v);
    return typeof x === 'string' ? x.length : coerceToString(ev, x, null, { copyToStore: true }).length;
  });
  def('substring', 3, ([st, ln, s]) => {
    const start = forceInt(st);
    const len = forceInt(ln);
    const ctx = new Set<string>();
    const x = coerceToString(ev, s, ctx, { copyToStore: true });
    if (start < 0) throw new NixError("negative start position in 'substring'");
    const a = Number(start);
    const r = len < 0 ? x.slice(a) : x.substr(a, Number(len));
    return mkStr(r, ctx);
  });
  def('concatStringsSep', 2, ([sep, l]) => {
    const ctx = new Set<string>();
    const sv = forceStringValue(sep);
    if (sv instanceof NixString) sv.ctx.forEach((c) => ctx.add(c));
    const ss = typeof sv === 'string' ? sv : sv.s;
    const parts = listElems(l).map((e) => coerceToString(ev, e, ctx, { copyToStore: true }));
    return mkStr(parts.join(ss), ctx);
  });
  def('replaceStrings', 3, ([from, to, s]) => {
    const fromList = listElems(from);
    const tos = listElems(to);
    if (fromList.length !== tos.length) throw new NixError("'from' and 'to' arguments to 'replaceStrings' have different lengths");
    let pre = replaceCache.get(fromList);
    if (pre === undefined) {
      // the patterns of one list are prepared once (e.g. map (replaceStrings [..] [..]) xs)
      const froms = fromList.map((x) => forceStringNoCtx(x));
      let hasEmpty = false;
      for (let i = 0; i < froms.length; i++) if (froms[i].length === 0) hasEmpty = true;
      // first char codes of the patterns: positions whose char starts none of them are skipped
      const firsts = hasEmpty ? null : new Set<number>();
      if (firsts) for (let i = 0; i < froms.length; i++) firsts.add(froms[i].charCodeAt(0));
      pre = { froms, firsts };
      replaceCache.set(fromList, pre);
    }
    const froms = pre.froms;
    const firsts = pre.firsts;
    // every replacement is forced first, as Nix does (one that fails fails the call even when
    // nothing matches); only those used give their context
    const toStrs = new Array<string>(tos.length);
    const toCtx = new Array<string[] | null>(tos.length);
    for (let i = 0; i < tos.length; i++) {
      const tv = forceStringValue(tos[i]);
      toStrs[i] = typeof tv === 'string' ? tv : tv.s;
      toCtx[i] = tv instanceof NixString && tv.ctx.length > 0 ? tv.ctx : null;
    }
    const ctx = new Set<string>();
    const sv = forceStringValue(s);
    if (sv instanceof NixString) sv.ctx.forEach((c) => ctx.add(c));
    const input = typeof sv === 'string' ? sv : sv.s;
    const getTo = (i: number): string => {
      const c = toCtx[i];
      if (c !== null) c.forEach((x) => ctx.add(x));
      return toStrs[i];
    };
    let out = '';
    let p = 0;
    // unmatched input is copied in runs (input.slice(run, p)), not char by char
    let run = 0;
    const n = input.length;
    const nf = froms.length;
    while (p <= n) {
      if (firsts !== null && p < n && !firsts.has(input.charCodeAt(p))) {
        p++;
        continue;
      }
      let found = false;
      for (let i = 0; i < nf; i++) {
        const f = froms[i];
        if (input.startsWith(f, p)) {
          if (run < p) out += input.slice(run, p);
          out += getTo(i);
          if (f.length === 0) {
            if (p < n) out += input[p];
            p++;
          } else p += f.length;
          run = p;
          found = true;
          break;
        }
      }
      if (!found) p++;
    }
    if (run < n) out += input.slice(run, n);
    return mkStr(out, ctx);
  });
  def('match', 2, ([re, s]) => {
    const pat = str(re);
    const x = forceStringNoCtx(s);
    let r: (string | null)[] | null;
    try {
      r = posixRegex().nixMatch(pat, x);
    } catch (e) {
      throw regexError(e, pat);
    }
    return r === null ? null : r.map((g) => g);
  });
  def('split', 2, ([re, s]) => {
    const pat = str(re);
    const x = forceStringNoCtx(s);
    try {
      return posixRegex().nixSplit(pat, x) as Value[];
    } catch (e) {
      throw regexError(e, pat);
    }
  });
  def('compareVersions', 2, ([a, b]) => versions().compareVersions(str(a), str(b)));
  def('splitVersion', 1, ([a]) => versions().splitVersion(str(a)));
  def('parseDrvName', 1, ([a]) => {
    const r = versions().parseDrvName(str(a));
    return attrs([
      ['name', r.name],
      ['version', r.version],
    ]);
  });
  def('baseNameOf', 1, ([v]) => {
    const x = force(v);
    if (x instanceof NixPath) return baseNameOfStr(x.p);
    const ctx = new Set<string>();
    const s = coerceToString(ev, x, ctx, { copyToStore: false });
    return mkStr(baseNameOfStr(s), ctx);
  });
  def('dirOf', 1, ([v]) => {
    const x = force(v);
    if (x instanceof NixPath) return new NixPath(dirOfStr(x.p));
    const ctx = new Set<string>();
    const s = coerceToString(ev, x, ctx, { copyToStore: false });
    return mkStr(dirOfStr(s), ctx);
  });
  def('toPath', 1, ([v]) => {
    const ctx = new Set<string>();
    const s = coerceToString(ev, v, ctx, { copyToStore: false });
    if (!s.startsWith('/')) throw new NixError(`string '${s}' doesn't represent an absolute path`);
    return mkStr(canon(s), ctx);
  });
  def('hashString', 2, ([t, s]) => {
    const algo = hashAlgo(str(t));
    return crypto.createHash(algo).update(Buffer.from(forceStringNoCtx(s), 'latin1')).digest('hex');
  });
  def('hashFile', 2, ([t, p]) => {
    const algo = hashAlgo(str(t));
    const path = coerceToPath(ev, p);
    return crypto.createHash(algo).update(readFileBytes(path)).digest('hex');
  });
  def('convertHash', 1, ([a]) => {
    const args = forceAttrs(a);
    const hash = str(getAttrOrThrow(args, 'hash'));
    const algoV = args.get('hashAlgo');
    const fmt = str(getAttrOrThrow(args, 'toHashFormat'));
    return convertHash(hash, algoV === undefined ? null : str(algoV), fmt);
  });

  // ---------------------------------------------------------------- string context
  def('unsafeDiscardStringContext', 1, ([v]) => {
    const x = forceStringValue(v);
    return typeof x === 'string' ? x : x.s;
  });
  def('unsafeDiscardOutputDependency', 1, ([v]) => {
    const x = forceStringValue(v);
    if (typeof x === 'string') return x;
    return mkStr(x.s, x.ctx.map((c) => (c.startsWith('=') ? c.slice(1) : c)));
  });
  def('hasContext', 1, ([v]) => ctxOf(forceStringValue(v)).length > 0);
  def('getContext', 1, ([v]) => {
    const x = forceStringValue(v);
    const info = new Map<string, { path: boolean; allOutputs: boolean; outputs: string[] }>();
    for (const c of ctxOf(x)) {
      let p: string;
      let kind: 'path' | 'all' | 'out';
      let out = '';
      if (c.startsWith('=')) {
        p = c.slice(1);
        kind = 'all';
      } else if (c.startsWith('!')) {
        const i = c.indexOf('!', 1);
        out = c.slice(1, i);
        p = c.slice(i + 1);
        kind = 'out';
      } else {
        p = c;
        kind = 'path';
      }
      let e = info.get(p);
      if (!e) info.set(p, (e = { path: false, allOutputs: false, outputs: [] }));
      if (kind === 'path') e.path = true;
      else if (kind === 'all') e.allOutputs = true;
      else e.outputs.push(out);
    }
    const m = new Map<string, Value>();
    for (const [p, e] of info) {
      const fields: [string, Value][] = [];
      if (e.allOutputs) fields.push(['allOutputs', true]);
      if (e.outputs.length) fields.push(['outputs', e.outputs.sort()]);
      if (e.path) fields.push(['path', true]);
      m.set(p, attrs(fields));
    }
    return new NixAttrs(m);
  });
  def('appendContext', 2, ([v, c]) => {
    const x = forceStringValue(v);
    const ctx = new Set(ctxOf(x));
    const s = typeof x === 'string' ? x : x.s;
    for (const [p, iv] of forceAttrs(c).m) {
      const i = forceAttrs(iv);
      const pv = i.get('path');
      if (pv !== undefined && forceBool(pv)) ctx.add(p);
      const ao = i.get('allOutputs');
      if (ao !== undefined && forceBool(ao)) ctx.add('=' + p);
      const outs = i.get('outputs');
      if (outs !== undefined) for (const o of forceList(outs)) ctx.add('!' + str(o) + '!' + p);
    }
    return mkStr(s, ctx);
  });

  // ---------------------------------------------------------------- JSON / XML / TOML
  def('toJSON', 1, ([v]) => {
    const ctx = new Set<string>();
    const s = toJSON(ev, v, ctx);
    return mkStr(s, ctx);
  });
  def('fromJSON', 1, ([v]) => {
    const s = forceStringNoCtx(v);
    let tree: unknown;
    try {
      checkJsonInts(s);
      tree = jsonParse().parseJsonForNix(s);
    } catch (e) {
      if (e instanceof NixError) throw e;
      throw new NixError(String((e as Error).message ?? e));
    }
    return rejectNul(neutralToValue(tree));
  });
  def('fromTOML', 1, ([v]) => {
    const s = forceStringNoCtx(v);
    let tree: unknown;
    try {
      tree = toml().parseToml(s);
    } catch (e) {
      throw new NixError(`while parsing TOML: ${String((e as Error).message ?? e)}`);
    }
    const res = neutralToValue(tree);
    if (!ev.experimentalFeatures?.has('parse-toml-timestamps')) rejectTimestamps(res);
    return res;
  });
  def('toXML', 1, ([v]) => {
    const ctx = new Set<string>();
    const s = toXML(ev, v, ctx, false);
    return mkStr(s, ctx);
  });

  // ---------------------------------------------------------------- files / paths
  def('import', 1, ([p]) => ev.importPath(p));
  def('scopedImport', 2, ([s, p]) => ev.scopedImport(forceAttrs(s), p));
  def('readFile', 1, ([p]) => {
    const path = ev.realisePath(p);
    const buf = readFileBytes(path);
    return buf.toString('latin1');
  });
  def('readFileType', 1, ([p]) => readFileType(ev.realisePath(p)));
  def('pathExists', 1, ([p]) => {
    const x = force(p);
    let path: string;
    if (x instanceof NixPath) path = x.p;
    else {
      path = coerceToString(ev, x, null, { copyToStore: false });
      if (!path.startsWith('/')) throw new NixError(`string '${path}' doesn't represent an absolute path`);
    }
    const mustBeDir = path.length > 1 && (path.endsWith('/') || path.endsWith('/.'));
    try {
      if (mustBeDir) return fs.statSync(toUtf8(path)).isDirectory();
      fs.lstatSync(toUtf8(canon(path)));
      return true;
    } catch {
      return false;
    }
  });
  def('readDir', 1, ([p]) => {
    const path = toUtf8(ev.realisePath(p));
    let ents: fs.Dirent[];
    try {
      ents = fs.readdirSync(path, { withFileTypes: true });
    } catch (e) {
      throw new NixError(`opening directory '${path}': ${sysErrorText(e)}`);
    }
    const m = new Map<string, Value>();
    for (const d of ents) {
      let t: string;
      try {
        const st = fs.lstatSync(nodePath.join(path, d.name));
        t = st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'regular' : st.isDirectory() ? 'directory' : 'unknown';
      } catch {
        t = 'unknown';
      }
      m.set(fromUtf8(d.name), t);
    }
    return new NixAttrs(m);
  });
  def('getEnv', 1, ([n]) => fromUtf8(process.env[toUtf8(str(n))] ?? ''));
  def('findFile', 2, ([sp, n]) => ev.findFile(forceList(sp), str(n)));
  def('toFile', 2, ([n, s]) => {
    const name = str(n);
    const sv = forceStringValue(s);
    return ev.toFile(name, typeof sv === 'string' ? sv : sv.s, ctxOf(sv));
  });
  def('path', 1, ([a]) => {
    const args = forceAttrs(a);
    const pv = args.get('path');
    if (pv === undefined) throw new NixError("'path' required");
    const p = coerceToPath(ev, pv);
    const nameV = args.get('name');
    const filter = args.get('filter');
    const recursive = args.get('recursive');
    const sha = args.get('sha256');
    const name = nameV === undefined ? baseNameOfStr(p) : str(nameV);
    let sp: string;
    if (recursive !== undefined && !forceBool(recursive)) sp = ev.addFlatPathToStore(p, name);
    else sp = ev.addPathToStore(p, name, filter === undefined ? null : force(filter));
    if (sha !== undefined) {
      const want = str(sha);
      const mod = storePath();
      const { digest } = mod.parseHash(want, 'sha256');
      const flat = recursive !== undefined && !forceBool(recursive);
      const expected = mod.makeFixedOutputPath(ev.storeDir, name, flat ? 'flat' : 'recursive', 'sha256', digest);
      if (expected !== sp) throw new NixError(`store path mismatch in (possibly filtered) path added from '${p}'`);
    }
    return mkStr(sp, [sp]);
  });
  def('filterSource', 2, ([f, p]) => {
    const path = coerceToPath(ev, p);
    const sp = ev.addPathToStore(path, baseNameOfStr(path), force(f));
    return mkStr(sp, [sp]);
  });
  def('storePath', 1, ([p]) => {
    void p;
    throw new NixError("'builtins.storePath' is not supported by this evaluator (it needs a Nix store)");
  });
  def('placeholder', 1, ([o]) => {
    const out = str(o);
    return '/' + storePath().nixBase32(crypto.createHash('sha256').update('nix-output:' + out).digest());
  });
  def('derivationStrict', 1, ([a]) => ev.derivationStrict(forceAttrs(a)));
  def('derivation', 1, ([a]) => ev.derivation(a));
  for (const n of ['fetchurl', 'fetchGit', 'fetchTarball', 'fetchTree', 'fetchMercurial', 'fetchClosure', 'getFlake']) {
    if (n === 'fetchClosure' || n === 'getFlake') continue;
    def(n, 1, notSupported(n));
  }
  return B;
}

/** Newer Nix rejects JSON integers that do not fit in 64 bits (2.8 wrapped them). */
function checkJsonInts(s: string): void {
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i];
    if (c === '"') {
      i++;
      while (i < n && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?[0-9]+([.eE][-+0-9.eE]*)?/.exec(s.slice(i, i + 400));
      if (m) {
        if (!m[1]) {
          const b = BigInt(m[0]);
          if (b > 9223372036854775807n || b < -9223372036854775808n) throw new NixError(`JSON number '${m[0]}' does not fit in a 64-bit signed integer`);
        }
        i += m[0].length;
        continue;
      }
    }
    i++;
  }
}

function rejectNul(v: Value): Value {
  const check = (x: Value): void => {
    if (typeof x === 'string') {
      if (x.includes('\0')) throw new NixError(`input string '${x.replace(/\0/g, '␀')}' cannot be represented as Nix string because it contains null bytes`);
    } else if (Array.isArray(x)) x.forEach(check);
    else if (x instanceof NixAttrs) for (const [k, e] of x.m) {
      check(k);
      check(e);
    }
  };
  check(v);
  return v;
}

function rejectTimestamps(v: Value): void {
  if (Array.isArray(v)) v.forEach(rejectTimestamps);
  else if (v instanceof NixAttrs) {
    const t = v.get('_type');
    if (t === 'timestamp' && v.size === 2) throw new NixError('while parsing TOML: Dates and times are not supported (enable the experimental feature parse-toml-timestamps)');
    for (const e of v.m.values()) rejectTimestamps(e);
  }
}

function regexError(e: unknown, pat: string): Error {
  if (e instanceof NixError) return e;
  return new NixError(`invalid regular expression '${pat}'`);
}

/** An attribute a builtin requires of its argument (Nix: "attribute 'x' missing for call to 'f'"). */
function attrForCall(a: NixAttrs, name: string, fn: string): Value {
  const v = a.get(name);
  if (v === undefined) {
    const e = new NixError(`attribute '${name}' missing for call to '${fn}'`);
    e.invoking = fn; // callPrimop adds Nix's frame "while invoking 'fn'" at the call
    throw e;
  }
  return v;
}

export function readFileBytes(path: string): Buffer {
  try {
    return fs.readFileSync(toUtf8(path));
  } catch (e) {
    // a directory opens fine; reading it fails (Nix's words for both steps)
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new NixError('reading from file: Is a directory');
    throw new NixError(`opening file '${path}': ${sysErrorText(e)}`);
  }
}

function canon(p: string): string {
  return nodePath.posix.normalize(p).replace(/(.)\/$/, '$1');
}

const HASH_SIZES: Record<string, number> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

export function convertHash(hash: string, algo: string | null, fmt: string): string {
  let a = algo;
  let body = hash;
  const sri = /^(md5|sha1|sha256|sha512)-(.*)$/.exec(hash);
  const pre = /^(md5|sha1|sha256|sha512):(.*)$/.exec(hash);
  if (sri) {
    a = sri[1];
    body = sri[2];
  } else if (pre) {
    a = pre[1];
    body = pre[2];
  }
  if (!a) throw new NixError(`hash '${hash}' does not include a type, nor is the type otherwise known from context`);
  const size = HASH_SIZES[a];
  if (!size) throw new NixError(`unknown hash algorithm '${a}'`);
  let bytes: Buffer;
  const sp = storePath();
  if (sri) bytes = Buffer.from(body, 'base64');
  else if (body.length === size * 2 && /^[0-9a-fA-F]+$/.test(body)) bytes = Buffer.from(body, 'hex');
  else if (body.length === Math.ceil((size * 8) / 5)) bytes = Buffer.from(sp.nixBase32Decode(body));
  else if (body.length === Math.ceil(size / 3) * 4) bytes = Buffer.from(body, 'base64');
  else throw new NixError(`hash '${hash}' has wrong length for hash algorithm '${a}'`);
  if (bytes.length !== size) throw new NixError(`hash '${hash}' has wrong length for hash algorithm '${a}'`);
  switch (fmt) {
    case 'base16':
      return bytes.toString('hex');
    case 'nix32':
    case 'base32':
      return sp.nixBase32(bytes);
    case 'base64':
      return bytes.toString('base64');
    case 'sri':
      return `${a}-${bytes.toString('base64')}`;
  }
  throw new NixError(`unknown hash format '${fmt}'`);
}

export { updateAttrs, mkValueThunk, forceFunction, coerceToPath };
