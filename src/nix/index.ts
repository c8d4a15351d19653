// Public API of the Nix evaluator layer.
//
//   const ev = new Evaluator({ searchPath: ['nixpkgs=/path'] });
//   const v = ev.evalFile('/etc/nixos/configuration.nix');
//   ev.toJS(ev.call(v, fromJS({ pkgs: {} })));
//
// Values: see values.ts. Host extensions register primops with mkPrimop and pass them
// through EvalOptions.extraGlobals. Strings inside values are byte strings (UTF-8 bytes
// stored one per char); fromJS/toJS/forceString convert at the boundary.
import { Evaluator, EvalOptions } from './evaluator';
import { NixError } from './errors';
import * as rt from './runtime';
import {
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
  fromUtf8,
  mkStr,
  toUtf8,
  typeOf,
} from './values';

export { Evaluator, EvalOptions, NixError, Value, NixAttrs, NixFloat, NixPath, NixString, Lambda, Primop, PrimopApp, Thunk };

const DUMMY_ENV: Env = [null];

/** Convert a plain JS value to a Nix value (strings: UTF-16 -> bytes; objects -> attrsets). */
export function fromJS(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'boolean') return x;
  if (typeof x === 'number') return Number.isInteger(x) ? x : new NixFloat(x);
  if (typeof x === 'bigint') return rt.normBig(x, 'conversion');
  if (typeof x === 'string') return fromUtf8(x);
  if (Array.isArray(x)) return x.map(fromJS);
  if (x instanceof NixAttrs || x instanceof NixFloat || x instanceof NixPath || x instanceof NixString) return x;
  if (x instanceof Lambda || x instanceof Primop || x instanceof PrimopApp || x instanceof Thunk) return x;
  if (typeof x === 'object') {
    const m = new Map<string, Value>();
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) m.set(fromUtf8(k), fromJS(v));
    return new NixAttrs(m);
  }
  throw new Error(`fromJS: cannot convert ${typeof x}`);
}

/** A builtin-like function. args are unforced: use ev.force / the force* helpers. */
export function mkPrimop(name: string, arity: number, fn: (args: Value[], ev: Evaluator) => Value): Value {
  return new Primop(name, arity, fn as (args: Value[], ev: any) => Value);
}

/** A string carrying store-path context (so derivations depending on it see the paths). */
export function mkStringWithContext(s: string, storePaths: string[]): Value {
  return mkStr(fromUtf8(s), storePaths.map(fromUtf8));
}

/** Attrset whose values are computed on first access. */
export function mkLazyAttrs(names: string[], get: (name: string) => Value): Value {
  const m = new Map<string, Value>();
  for (const n of names) m.set(fromUtf8(n), new Thunk(() => rt.force(get(n)), DUMMY_ENV));
  return new NixAttrs(m);
}

/** A value computed on first force. */
export function mkThunk(compute: () => Value): Value {
  return new Thunk(() => rt.force(compute()), DUMMY_ENV);
}

/** Attrset from a JS record of (possibly lazy) Nix values. */
export function mkAttrs(entries: Record<string, Value> | Map<string, Value>): Value {
  const m = new Map<string, Value>();
  const it = entries instanceof Map ? entries.entries() : Object.entries(entries);
  for (const [k, v] of it) m.set(fromUtf8(k), v);
  return new NixAttrs(m);
}

export function mkPath(p: string): Value {
  return new NixPath(fromUtf8(p));
}

// ---------------------------------------------------------------- guards and accessors

export function isAttrs(v: Value): v is NixAttrs {
  return rt.force(v) instanceof NixAttrs;
}
export function isList(v: Value): boolean {
  return Array.isArray(rt.force(v));
}
export function isString(v: Value): boolean {
  const x = rt.force(v);
  return typeof x === 'string' || x instanceof NixString;
}
export function isFunctionValue(v: Value): boolean {
  const x = rt.force(v);
  return x instanceof Lambda || x instanceof Primop || x instanceof PrimopApp || (x instanceof NixAttrs && x.has('__functor'));
}
/** Nix type name as builtins.typeOf returns it. */
export function nixTypeOf(v: Value): string {
  return typeOf(rt.force(v));
}
/** Attribute value (unforced) or undefined. */
export function getAttr(v: Value, name: string): Value | undefined {
  return rt.forceAttrs(v).get(fromUtf8(name));
}
/** Sorted attribute names. */
export function attrNames(v: Value): string[] {
  return rt.forceAttrs(v).keys().map(toUtf8);
}
export function forceAttrs(_ev: Evaluator | null, v: Value): NixAttrs {
  return rt.forceAttrs(v);
}
export function forceList(_ev: Evaluator | null, v: Value): Value[] {
  return rt.forceList(v);
}
export function forceInt(_ev: Evaluator | null, v: Value): number | bigint {
  return rt.forceInt(v);
}
export function forceBool(_ev: Evaluator | null, v: Value): boolean {
  return rt.forceBool(v);
}
/** Force a string (no coercion); returns a JS string (context dropped). */
export function forceString(_ev: Evaluator | null, v: Value): string {
  return toUtf8(rt.forceStringNoCtx(v));
}
/** String and its context (store paths). */
export function forceStringWithContext(_ev: Evaluator | null, v: Value): { s: string; context: string[] } {
  const x = rt.forceStringValue(v);
  if (typeof x === 'string') return { s: toUtf8(x), context: [] };
  return { s: toUtf8(x.s), context: x.ctx.map(toUtf8) };
}
/** Coerce like string interpolation ("${v}"): paths are copied to the store, derivations give outPath. */
export function coerceToString(ev: Evaluator, v: Value): { s: string; context: string[] } {
  const ctx = new Set<string>();
  const s = rt.coerceToString(ev, v, ctx, { copyToStore: true });
  return { s: toUtf8(s), context: Array.from(ctx).map(toUtf8) };
}

/** Run `require(modulePath)[fnName](arg)` in a worker with a large stack (see big-stack.ts). */
export function runWithLargeStack<T>(modulePath: string, fnName: string, arg: unknown, opts?: { stackSizeMb?: number }): Promise<T> {
  const m = require('./big-stack') as typeof import('./big-stack');
  return m.runWithLargeStack<T>(modulePath, fnName, arg, opts);
}
