// Core runtime operations shared by the compiler and the builtins: forcing thunks,
// calling functions, type checks, coercions, arithmetic, equality and comparison.
import type { Pos } from './ast';
import { NixError } from './errors';
import {
  BLACKHOLE,
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
  ctxOf,
  mkStr,
  showType,
  cmpBytes,
} from './values';

/** What primops and the compiler need from the evaluator (avoids an import cycle). */
export interface EvalContext {
  storeDir: string;
  showTrace: boolean;
  copyPathToStore(p: string): string;
  formatFloatToString(x: number): string;
  // further members used by builtins live on the Evaluator class
  [k: string]: any;
}

// ------------------------------------------------------------------ forcing

export function force(v: Value): Value {
  if (v instanceof Thunk) return forceThunk(v);
  return v;
}

export function forceThunk(t: Thunk): Value {
  const c = t.code;
  if (c === null) return t.v;
  if (c === BLACKHOLE) throw new NixError('infinite recursion encountered', null);
  t.code = BLACKHOLE;
  try {
    const v = c(t.env!, t);
    t.v = v;
    t.code = null;
    t.env = null;
    return v;
  } catch (e) {
    t.code = c;
    throw e;
  }
}

export function mkThunk(code: (env: Env) => Value, env: Env): Thunk {
  return new Thunk(code, env);
}

/** A thunk that is already evaluated. */
export function mkValueThunk(v: Value): Thunk {
  const t = new Thunk(null, null);
  t.v = v;
  return t;
}

// ------------------------------------------------------------------ errors

export function typeError(expected: string, v: Value, pos: Pos | null = null): NixError {
  return new NixError(`value is ${showType(v)} while ${expected} was expected`, pos);
}

export function throwAt(msg: string, pos: Pos | null = null): never {
  throw new NixError(msg, pos);
}

// ------------------------------------------------------------------ typed forcing

export function forceInt(v: Value, pos: Pos | null = null): number | bigint {
  v = force(v);
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  throw typeError('an integer', v, pos);
}

export function forceNumber(v: Value, pos: Pos | null = null): number | bigint | NixFloat {
  v = force(v);
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof NixFloat) return v;
  throw typeError('an integer', v, pos);
}

export function forceBool(v: Value, pos: Pos | null = null): boolean {
  v = force(v);
  if (typeof v === 'boolean') return v;
  throw typeError('a Boolean', v, pos);
}

export function forceAttrs(v: Value, pos: Pos | null = null): NixAttrs {
  v = force(v);
  if (v instanceof NixAttrs) return v;
  throw typeError('a set', v, pos);
}

export function forceList(v: Value, pos: Pos | null = null): Value[] {
  v = force(v);
  if (Array.isArray(v)) return v;
  throw typeError('a list', v, pos);
}

export function forceFunction(v: Value, pos: Pos | null = null): Value {
  v = force(v);
  if (v instanceof Lambda || v instanceof Primop || v instanceof PrimopApp) return v;
  if (v instanceof NixAttrs && v.has('__functor')) return v;
  throw typeError('a function', v, pos);
}

/** Force a string value (no coercion); returns the byte string, context dropped. */
export function forceStringNoCtx(v: Value, pos: Pos | null = null): string {
  v = force(v);
  if (typeof v === 'string') return v;
  if (v instanceof NixString) return v.s;
  throw typeError('a string', v, pos);
}

/** Force a string value (no coercion), keeping context. */
export function forceStringValue(v: Value, pos: Pos | null = null): string | NixString {
  v = force(v);
  if (typeof v === 'string' || v instanceof NixString) return v;
  throw typeError('a string', v, pos);
}

// ------------------------------------------------------------------ calls

export function callValue(ev: EvalContext, f: Value, arg: Value, pos: Pos | null = null): Value {
  if (f instanceof Thunk) f = forceThunk(f);
  if (f instanceof Lambda) return f.info.call(f.env, arg, ev, f);
  if (f instanceof Primop) {
    if (f.arity === 1) return callPrimop(ev, f, [arg], pos);
    return new PrimopApp(f, [arg]);
  }
  if (f instanceof PrimopApp) {
    const fa = f.args;
    const n = fa.length;
    const args = new Array<Value>(n + 1);
    for (let i = 0; i < n; i++) args[i] = fa[i];
    args[n] = arg;
    if (args.length === f.prim.arity) return callPrimop(ev, f.prim, args, pos);
    return new PrimopApp(f.prim, args);
  }
  if (f instanceof NixAttrs) {
    const fun = f.get('__functor');
    if (fun !== undefined) {
      const g = callValue(ev, fun, f, pos);
      return callValue(ev, g, arg, pos);
    }
  }
  throw new NixError(`attempt to call something which is not a function but ${showType(f)}`, pos);
}

export function callPrimop(ev: EvalContext, p: Primop, args: Value[], pos: Pos | null): Value {
  try {
    return p.fn(args, ev);
  } catch (e) {
    if (e instanceof NixError) {
      if (!e.pos && pos) e.withPos(pos);
      if (e.invoking !== undefined) {
        e.addTrace(`while invoking '${e.invoking}'`, pos);
        e.invoking = undefined;
      } else if (ev.showTrace) e.addTrace(`while calling the '${p.name}' builtin`, pos);
    }
    throw e;
  }
}

export function callValues(ev: EvalContext, f: Value, args: Value[], pos: Pos | null = null): Value {
  let r = f;
  for (let i = 0; i < args.length; i++) r = callValue(ev, r, args[i], pos);
  return r;
}

// ------------------------------------------------------------------ integers

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

export function normBig(b: bigint, what: string): number | bigint {
  if (b > INT64_MAX || b < INT64_MIN) throw new NixError(`integer overflow in ${what}`);
  if (b >= -9007199254740991n && b <= 9007199254740991n) return Number(b);
  return b;
}

export function numVal(x: number | bigint | NixFloat): number {
  if (x instanceof NixFloat) return x.v;
  return Number(x);
}

export function arith(op: '+' | '-' | '*' | '/', a: Value, b: Value, pos: Pos | null): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    let r: number;
    switch (op) {
      case '+':
        r = a + b;
        break;
      case '-':
        r = a - b;
        break;
      case '*':
        r = a * b;
        break;
      case '/':
        if (b === 0) throw new NixError('division by zero', pos);
        r = Math.trunc(a / b);
        if (Number.isSafeInteger(r) && Math.abs(a) < 2 ** 52) return r === 0 ? 0 : r;
        return normBig(BigInt(a) / BigInt(b), `dividing ${a} by ${b}`);
    }
    if (Number.isSafeInteger(r)) return r;
    return bigArith(op, BigInt(a), BigInt(b), pos);
  }
  const ta = typeof a;
  const tb = typeof b;
  const aInt = ta === 'number' || ta === 'bigint';
  const bInt = tb === 'number' || tb === 'bigint';
  if (aInt && bInt) return bigArith(op, BigInt(a as number | bigint), BigInt(b as number | bigint), pos);
  const aNum = aInt || a instanceof NixFloat;
  const bNum = bInt || b instanceof NixFloat;
  // the checks in the order of Nix 2.8's builtins: `/` looks at its divisor first (as a float,
  // then for zero); a float operand makes both wanted as floats
  if (op === '/') {
    if (!bNum) throw new NixError(`value is ${showType(b)} while a float was expected`, pos);
    if (numVal(b as number) === 0) throw new NixError('division by zero', pos);
  }
  const want = a instanceof NixFloat || b instanceof NixFloat ? 'a float' : 'an integer';
  if (!aNum) throw new NixError(`value is ${showType(a)} while ${want} was expected`, pos);
  if (!bNum) throw new NixError(`value is ${showType(b)} while ${want} was expected`, pos);
  const x = numVal(a as number);
  const y = numVal(b as number);
  switch (op) {
    case '+':
      return new NixFloat(x + y);
    case '-':
      return new NixFloat(x - y);
    case '*':
      return new NixFloat(x * y);
    case '/':
      if (y === 0) throw new NixError('division by zero', pos);
      return new NixFloat(x / y);
  }
}

function bigArith(op: string, a: bigint, b: bigint, pos: Pos | null): number | bigint {
  try {
    switch (op) {
      case '+':
        return normBig(a + b, `adding ${a} + ${b}`);
      case '-':
        return normBig(a - b, `subtracting ${a} - ${b}`);
      case '*':
        return normBig(a * b, `multiplying ${a} * ${b}`);
      default:
        if (b === 0n) throw new NixError('division by zero', pos);
        return normBig(a / b, `dividing ${a} by ${b}`);
    }
  } catch (e) {
    if (e instanceof NixError) e.withPos(pos);
    throw e;
  }
}

// ------------------------------------------------------------------ strings

export interface CoerceOpts {
  coerceMore?: boolean; // toString semantics (null, bools, numbers, lists)
  copyToStore?: boolean; // paths are copied to the store (interpolation)
}

/** Coerce to string, accumulating context into ctx. Returns the byte string. */
export function coerceToString(ev: EvalContext, v: Value, ctx: Set<string> | null, opts: CoerceOpts, pos: Pos | null = null): string {
  v = force(v);
  if (typeof v === 'string') return v;
  if (v instanceof NixString) {
    if (ctx) for (const c of v.ctx) ctx.add(c);
    return v.s;
  }
  if (v instanceof NixPath) {
    if (opts.copyToStore) {
      const sp = ev.copyPathToStore(v.p);
      if (ctx) ctx.add(sp);
      return sp;
    }
    return v.p;
  }
  if (v instanceof NixAttrs) {
    const ts = v.get('__toString');
    if (ts !== undefined) {
      const r = callValue(ev, ts, v, pos);
      return coerceToString(ev, r, ctx, opts, pos);
    }
    const op = v.get('outPath');
    if (op !== undefined) return coerceToString(ev, op, ctx, opts, pos);
    throw new NixError('cannot coerce a set to a string', pos);
  }
  if (opts.coerceMore) {
    if (v === null || v === false) return '';
    if (v === true) return '1';
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    if (v instanceof NixFloat) return ev.formatFloatToString(v.v);
    if (Array.isArray(v)) {
      let out = '';
      for (let i = 0; i < v.length; i++) {
        const e = force(v[i]);
        out += coerceToString(ev, e, ctx, opts, pos);
        if (i < v.length - 1 && !(Array.isArray(e) && e.length === 0)) out += ' ';
      }
      return out;
    }
  }
  throw new NixError(`cannot coerce ${showType(v)} to a string`, pos);
}

export function coerceToStringValue(ev: EvalContext, v: Value, opts: CoerceOpts, pos: Pos | null = null): Value {
  const f = force(v);
  if (typeof f === 'string' || f instanceof NixString) return f;
  if (typeof f === 'number' && opts.coerceMore) return String(f);
  const ctx = new Set<string>();
  const s = coerceToString(ev, f, ctx, opts, pos);
  return mkStr(s, ctx);
}

/** Coerce to an absolute path string (for builtins taking paths). */
export function coerceToPath(ev: EvalContext, v: Value, pos: Pos | null = null): string {
  const f = force(v);
  if (f instanceof NixPath) return f.p;
  const s = coerceToString(ev, f, null, { copyToStore: false }, pos);
  if (!s.startsWith('/')) throw new NixError(`string '${s}' doesn't represent an absolute path`, pos);
  return s;
}

export function concatStrings(parts: Value[]): Value {
  let s = '';
  let ctx: Set<string> | null = null;
  for (const p of parts) {
    if (typeof p === 'string') s += p;
    else {
      const ns = p as NixString;
      s += ns.s;
      if (ns.ctx.length) {
        ctx ??= new Set();
        for (const c of ns.ctx) ctx.add(c);
      }
    }
  }
  return mkStr(s, ctx);
}

// ------------------------------------------------------------------ equality

export function isDerivation(v: Value): boolean {
  if (!(v instanceof NixAttrs)) return false;
  const t = v.get('type');
  if (t === undefined) return false;
  const tv = force(t);
  return (typeof tv === 'string' && tv === 'derivation') || (tv instanceof NixString && tv.s === 'derivation');
}

export function eqValues(ev: EvalContext, a0: Value, b0: Value, pos: Pos | null = null, inner = false): boolean {
  // value identity: elements of lists/attrsets that are the very same value are equal (even functions)
  if (a0 === b0 && (inner || !(a0 instanceof Thunk || a0 instanceof Lambda || a0 instanceof Primop || a0 instanceof PrimopApp))) {
    if (!(a0 instanceof NixFloat && isNaN(a0.v))) return true;
  }
  const a = force(a0);
  const b = force(b0);
  if (a === b && !(a instanceof NixFloat && isNaN(a.v))) {
    if (!(a instanceof Lambda || a instanceof Primop || a instanceof PrimopApp)) return true;
  }
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'number' || ta === 'bigint' || a instanceof NixFloat) {
    if (tb === 'number' || tb === 'bigint') {
      if (a instanceof NixFloat) return a.v === Number(b);
      return a == b;
    }
    if (b instanceof NixFloat) return numVal(a as number) === b.v;
    return false;
  }
  if (ta === 'string' || a instanceof NixString) {
    if (tb === 'string' || b instanceof NixString) return (ta === 'string' ? a : (a as NixString).s) === (tb === 'string' ? b : (b as NixString).s);
    return false;
  }
  if (a instanceof NixPath) return b instanceof NixPath && a.p === b.p;
  if (a === null || ta === 'boolean') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!eqValues(ev, a[i], b[i], pos, true)) return false;
    return true;
  }
  if (a instanceof NixAttrs) {
    if (!(b instanceof NixAttrs)) return false;
    if (isDerivation(a) && isDerivation(b)) {
      const oa = a.get('outPath');
      const ob = b.get('outPath');
      if (oa !== undefined && ob !== undefined) return eqValues(ev, oa, ob, pos);
    }
    if (a.size !== b.size) return false;
    const ka = a.keys();
    const kb = b.keys();
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return false;
    for (const k of ka) if (!eqValues(ev, a.get(k)!, b.get(k)!, pos, true)) return false;
    return true;
  }
  if (a instanceof Lambda || a instanceof Primop || a instanceof PrimopApp) {
    if (b instanceof Lambda || b instanceof Primop || b instanceof PrimopApp) return false;
    return false;
  }
  throw new NixError(`cannot compare ${showType(a)} with ${showType(b)}`, pos);
}

// ------------------------------------------------------------------ ordering

export function lessThan(ev: EvalContext, a0: Value, b0: Value, pos: Pos | null = null): boolean {
  const a = force(a0);
  const b = force(b0);
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  const aNum = typeof a === 'number' || typeof a === 'bigint' || a instanceof NixFloat;
  const bNum = typeof b === 'number' || typeof b === 'bigint' || b instanceof NixFloat;
  if (aNum && bNum) {
    if (a instanceof NixFloat || b instanceof NixFloat) return numVal(a as number) < numVal(b as number);
    return (a as number | bigint) < (b as number | bigint);
  }
  if ((typeof a === 'string' || a instanceof NixString) && (typeof b === 'string' || b instanceof NixString)) {
    const sa = typeof a === 'string' ? a : a.s;
    const sb = typeof b === 'string' ? b : b.s;
    return sa < sb;
  }
  if (a instanceof NixPath && b instanceof NixPath) return a.p < b.p;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; ; i++) {
      if (i === b.length) return false;
      if (i === a.length) return true;
      if (!eqValues(ev, a[i], b[i], pos)) return lessThan(ev, a[i], b[i], pos);
    }
  }
  throw new NixError(`cannot compare ${showType(a)} with ${showType(b)}`, pos);
}

// ------------------------------------------------------------------ attrsets

export function mkAttrs(m: Map<string, Value>): NixAttrs {
  return new NixAttrs(m);
}

export function attrsFromObject(o: Record<string, Value>): NixAttrs {
  return new NixAttrs(new Map(Object.entries(o)));
}

export function missingAttr(name: string, attrs: NixAttrs, pos: Pos | null): NixError {
  return new NixError(`attribute '${name}' missing`, pos).withSuggestions(name, attrs.keys());
}

export function getAttrOrThrow(attrs: NixAttrs, name: string, pos: Pos | null = null): Value {
  const v = attrs.get(name);
  if (v === undefined) throw missingAttr(name, attrs, pos);
  return v;
}

export { ctxOf };
