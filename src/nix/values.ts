// Runtime value representation of the Nix evaluator.
//
//   null / boolean          -> JS null / boolean
//   int                     -> JS number (safe integer) or bigint (outside ±2^53, inside int64)
//   float                   -> NixFloat
//   string                  -> JS string (each char is one byte, "binary"/latin1) or NixString (with context)
//   path                    -> NixPath
//   list                    -> JS array of (possibly unforced) values
//   attrset                 -> NixAttrs
//   function                -> Lambda | Primop | PrimopApp
//   unevaluated             -> Thunk
//
// Strings are byte strings: a Nix string is stored as a JS string whose char codes are
// all < 256 (UTF-8 bytes). Convert at the boundaries with fromUtf8 / toUtf8.
import type { Pos } from './ast';

export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | NixFloat
  | NixString
  | NixPath
  | Value[]
  | NixAttrs
  | Lambda
  | Primop
  | PrimopApp
  | Thunk;

export class NixFloat {
  constructor(public readonly v: number) {}
}

export class NixString {
  constructor(public readonly s: string, public readonly ctx: string[]) {}
}

export class NixPath {
  constructor(public readonly p: string) {}
}

/**
 * Runtime environment frame: one array, slot 0 the enclosing frame (or null), then the
 * frame's values (a variable with scope index i lives in slot i + 1). One allocation per
 * frame instead of an object plus an array.
 */
export type Env = Value[];

export function mkEnv(up: Env | null, vals: Value[]): Env {
  return [up, ...vals];
}

/** Compiled code: called with an env (and, as a thunk's code, the thunk: see lazyApply1). */
export type Code = (env: Env, self?: Thunk) => Value;

/** The code of a thunk while it is being evaluated (never called: see forceThunk). */
export const BLACKHOLE: Code = () => null;

export class Thunk {
  // pending: code is its code; being evaluated: code === BLACKHOLE; done: code === null
  // (and v the value). No separate state field: one word less per thunk.
  v: Value = null;
  constructor(public code: Code | null, public env: Env | null) {}
  /** 0 = pending, 1 = being evaluated (black hole), 2 = done */
  get state(): number {
    const c = this.code;
    return c === null ? 2 : c === BLACKHOLE ? 1 : 0;
  }
}

/** Minimal description of a lambda's formals, shared with the compiler. */
export interface LambdaInfo {
  name: string | null; // simple arg or @-name
  formals: { name: string; hasDefault: boolean; pos?: Pos }[] | null;
  ellipsis: boolean;
  pos: Pos;
  fnName?: string; // bound name, for traces
  /** 1 if the function is `a: b: a < b`, -1 if `a: b: b < a` (lets sort compare natively) */
  cmpKind?: 1 | -1;
  // compiled: binds arguments into a new env and evaluates the body
  call: (env: Env, arg: Value, ev: any, lam: Lambda) => Value;
}

export class Lambda {
  constructor(public readonly info: LambdaInfo, public readonly env: Env) {}
}

export type PrimopFn = (args: Value[], ev: any) => Value;

export class Primop {
  constructor(public readonly name: string, public readonly arity: number, public readonly fn: PrimopFn) {}
}

export class PrimopApp {
  constructor(public readonly prim: Primop, public readonly args: Value[]) {}
}

/**
 * The names of an attribute set literal without dynamic attributes, shared by every set
 * that literal makes: each set is then just its array of values (see NixAttrs.shaped).
 */
export class AttrShape {
  readonly index = new Map<string, number>();
  readonly sorted: string[];
  constructor(readonly names: string[]) {
    names.forEach((n, i) => this.index.set(n, i));
    this.sorted = names.slice().sort(cmpBytes);
  }
}

/**
 * Attribute set: a Map plus a cached sorted key list and optional attribute positions.
 * A set made by an attribute set literal (no dynamic names) is a *shaped* set instead: a
 * shared AttrShape plus an array of values, turned into a Map only when `.m` is asked for.
 * `a // b` with a small `b` creates a *layered* set (b's entries over a, like Nix >= 2.32)
 * that is only flattened into a Map when `.m` is needed or the layering gets deep.
 */
export class NixAttrs {
  private _m: Map<string, Value> | null;
  private _keys: string[] | null = null;
  private _parent: NixAttrs | null = null;
  private _size = 0;
  private _depth = 0;
  /** attribute positions (for unsafeGetAttrPos); see getPos */
  pos: PosMap | null = null;
  private _shape: AttrShape | null = null;
  private _vals: Value[] | null = null;
  constructor(m: Map<string, Value>) {
    this._m = m;
  }
  static shaped(shape: AttrShape, vals: Value[]): NixAttrs {
    const r = new NixAttrs(null as unknown as Map<string, Value>);
    r._shape = shape;
    r._vals = vals;
    r._keys = shape.sorted;
    return r;
  }
  /** Calls cb for every attribute (without building a Map for a shaped set). */
  forEach(cb: (v: Value, k: string) => void): void {
    const sh = this._shape;
    if (sh !== null && this._m === null) {
      const names = sh.names;
      const vals = this._vals!;
      for (let i = 0; i < names.length; i++) cb(vals[i], names[i]);
      return;
    }
    this.m.forEach(cb);
  }
  /** A new Map of the attributes. */
  toMap(): Map<string, Value> {
    if (this._shape !== null && this._m === null) {
      const m = new Map<string, Value>();
      const names = this._shape.names;
      const vals = this._vals!;
      for (let i = 0; i < names.length; i++) m.set(names[i], vals[i]);
      return m;
    }
    return copyMap(this.m);
  }
  /** `own` layered over `parent` (own wins). */
  static layered(parent: NixAttrs, own: NixAttrs): NixAttrs {
    const r = new NixAttrs(null as unknown as Map<string, Value>);
    const om = own.m;
    r._m = null;
    r._parent = parent;
    r._depth = parent._depth + 1;
    r._size = -1; // computed on demand (a lazy base would have to list its names)
    r._own = om;
    r.pos = own.pos;
    return r;
  }
  private _own: Map<string, Value> | null = null;
  private _lazy: LazyAttrSource | null = null;
  private _lazyVals: Map<string, Value | undefined> | null = null;
  /**
   * A set whose names are only listed when it is enumerated (attrNames, size, printing...):
   * `get`/`has`/`?`/`.` ask `src.lookup`, whose results are kept (one value per name).
   * `src.names()` must list exactly the names for which lookup gives a value.
   */
  /** Whether the names are not known yet (a lazy set, or layers over one). */
  get namesPending(): boolean {
    if (this._m !== null || this._shape !== null) return false;
    if (this._lazy !== null) return true;
    return this._size < 0 && this._parent!.namesPending;
  }
  static lazy(src: LazyAttrSource): NixAttrs {
    const r = new NixAttrs(null as unknown as Map<string, Value>);
    r._m = null;
    r._lazy = src;
    r._lazyVals = new Map();
    return r;
  }
  get depth(): number {
    return this._depth;
  }
  get m(): Map<string, Value> {
    let m = this._m;
    if (m === null && this._shape !== null) {
      m = this.toMap();
      this._m = m;
      this._shape = null;
      this._vals = null;
      return m;
    }
    if (m === null && this._lazy !== null) {
      const src = this._lazy;
      const vals = this._lazyVals!;
      const lm = new Map<string, Value>();
      for (const k of src.names()) {
        let v = vals.get(k);
        if (v === undefined) v = src.listed ? src.listed(k) : src.lookup(k);
        if (v !== undefined) lm.set(k, v);
      }
      this._m = lm;
      this._lazy = null;
      this._lazyVals = null;
      return lm;
    }
    if (m === null) {
      // flatten the whole chain at once: base map + every layer, oldest first
      const layers: NixAttrs[] = [];
      let a: NixAttrs = this;
      while (a._m === null && a._lazy === null && a._shape === null) {
        layers.push(a);
        a = a._parent!;
      }
      const mm = a.toMap();
      m = mm;
      let pm: Map<string, Pos> | null = a.pos ? copyMap(a.pos as Map<string, Pos>) : null;
      for (let i = layers.length - 1; i >= 0; i--) {
        const l = layers[i];
        l._own!.forEach((v, k) => mm.set(k, v));
        if (l.pos || pm) {
          pm ??= new Map();
          for (const k of l._own!.keys()) {
            const p = l.pos?.get(k);
            if (p) pm.set(k, p);
            else pm.delete(k);
          }
        }
      }
      this.pos = pm;
      this._m = m;
      this._parent = null;
      this._own = null;
      this._depth = 0;
    }
    return m;
  }
  get size(): number {
    if (this._m !== null) return this._m.size;
    if (this._shape !== null) return this._shape.names.length;
    if (this._lazy !== null) return this.m.size;
    let size = this._size;
    if (size < 0) {
      const parent = this._parent!;
      size = parent.size;
      for (const k of this._own!.keys()) if (!parent.has(k)) size++;
      this._size = size;
    }
    return size;
  }
  get(k: string): Value | undefined {
    if (this._m !== null) return this._m.get(k);
    const sh = this._shape;
    if (sh !== null) {
      const i = sh.index.get(k);
      return i === undefined ? undefined : this._vals![i];
    }
    if (this._lazy !== null) {
      const vals = this._lazyVals!;
      let v = vals.get(k);
      if (v === undefined && !vals.has(k)) {
        v = this._lazy.lookup(k);
        vals.set(k, v);
      }
      return v;
    }
    const v = this._own!.get(k);
    return v !== undefined ? v : this._parent!.get(k);
  }
  has(k: string): boolean {
    return this.get(k) !== undefined;
  }
  getPos(k: string): Pos | undefined {
    if (this._m !== null || this._lazy !== null || this._shape !== null) return this.pos?.get(k);
    if (this._own!.has(k)) return this.pos?.get(k);
    return this._parent!.getPos(k);
  }
  keys(): string[] {
    let k = this._keys;
    if (k === null) {
      k = Array.from(this.m.keys());
      k.sort(cmpBytes);
      this._keys = k;
    }
    return k;
  }
  static readonly EMPTY = new NixAttrs(new Map());
}

/** Attribute positions: a Map, or the positions of `x // y` (MergedPos) left unmerged. */
export interface PosMap {
  get(k: string): Pos | undefined;
  forEach(cb: (p: Pos, k: string) => void): void;
}

/**
 * Positions of `x // y`: y's where it has one, else x's (what copying x's map and setting
 * y's entries over it gives), without copying. Chains are flattened at depth 16.
 */
export class MergedPos implements PosMap {
  readonly depth: number;
  constructor(
    readonly lo: PosMap,
    readonly hi: PosMap,
  ) {
    this.depth = 1 + Math.max(lo instanceof MergedPos ? lo.depth : 0, hi instanceof MergedPos ? hi.depth : 0);
  }
  static of(lo: PosMap, hi: PosMap): PosMap {
    const r = new MergedPos(lo, hi);
    if (r.depth < 16) return r;
    return copyMap(r as unknown as Map<string, Pos>);
  }
  get(k: string): Pos | undefined {
    const p = this.hi.get(k);
    return p !== undefined ? p : this.lo.get(k);
  }
  forEach(cb: (p: Pos, k: string) => void): void {
    this.lo.forEach(cb);
    this.hi.forEach(cb);
  }
}

/** The position of a set's only attribute (a literal `{ ${k} = ...; }`), without a Map. */
export class SinglePos implements PosMap {
  constructor(
    readonly k: string,
    readonly p: Pos,
  ) {}
  get(k: string): Pos | undefined {
    return k === this.k ? this.p : undefined;
  }
  forEach(cb: (p: Pos, k: string) => void): void {
    cb(this.p, this.k);
  }
}

export interface LazyAttrSource {
  /** every name, in any order (called when the set is enumerated) */
  names(): Iterable<string>;
  /** the value of a name, undefined when the set has no such attribute */
  lookup(name: string): Value | undefined;
  /** the value of a name that names() listed (skips the membership test of lookup) */
  listed?(name: string): Value;
}

/** A copy of a Map (forEach: no iterator/entry objects, unlike `new Map(m)` in V8 11). */
export function copyMap<K, V>(src: { forEach(cb: (v: V, k: K) => void): void }): Map<K, V> {
  const m = new Map<K, V>();
  src.forEach((v, k) => m.set(k, v));
  return m;
}

export function cmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- byte strings

const NON_ASCII = /[^\x00-\x7f]/;
const NON_LATIN = /[^\x00-\xff]/;

/** JS (UTF-16) string -> internal byte string. */
export function fromUtf8(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** internal byte string -> JS (UTF-16) string. */
export function toUtf8(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  if (NON_LATIN.test(s)) return s; // already a JS string
  return Buffer.from(s, 'latin1').toString('utf8');
}

export function bytesOf(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

// ---------------------------------------------------------------- type names

export function typeOf(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
  }
  if (v instanceof NixFloat) return 'float';
  if (v instanceof NixString) return 'string';
  if (v instanceof NixPath) return 'path';
  if (Array.isArray(v)) return 'list';
  if (v instanceof NixAttrs) return 'set';
  if (v instanceof Lambda || v instanceof Primop || v instanceof PrimopApp) return 'lambda';
  return 'thunk';
}

/** "a string", "an integer" ... as in Nix's error messages. */
export function showType(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'a Boolean';
    case 'number':
    case 'bigint':
      return 'an integer';
    case 'string':
      return 'a string';
  }
  if (v instanceof NixFloat) return 'a float';
  if (v instanceof NixString) return 'a string';
  if (v instanceof NixPath) return 'a path';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof NixAttrs) return 'a set';
  if (v instanceof Lambda) return 'a function';
  if (v instanceof Primop) return 'a built-in function';
  if (v instanceof PrimopApp) return 'a partially applied built-in function';
  return 'a thunk';
}

export function isFunction(v: Value): boolean {
  return v instanceof Lambda || v instanceof Primop || v instanceof PrimopApp;
}

export function isStringValue(v: Value): v is string | NixString {
  return typeof v === 'string' || v instanceof NixString;
}

export function strOf(v: string | NixString): string {
  return typeof v === 'string' ? v : v.s;
}

export function ctxOf(v: Value): string[] {
  return v instanceof NixString ? v.ctx : EMPTY_CTX;
}

export const EMPTY_CTX: string[] = [];

export function mkStr(s: string, ctx: string[] | Set<string> | null): Value {
  if (ctx === null) return s;
  if (ctx instanceof Set) {
    if (ctx.size === 0) return s;
    return new NixString(s, Array.from(ctx));
  }
  if (ctx.length === 0) return s;
  return new NixString(s, ctx);
}
