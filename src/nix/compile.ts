// Scope resolution + closure compilation: every AST node becomes a specialised JS
// closure `(env) => value`. Variables are resolved statically to (level, index);
// only names not bound lexically fall back to the dynamic `with` chain.
import { posFile } from './ast';
import type { AttrKey, AttrsNode, LambdaNode, LazyNode, Node, Pos } from './ast';
import { NixError } from './errors';
import {
  EvalContext,
  arith,
  callPrimop,
  callValue,
  coerceToString,
  eqValues,
  force,
  forceThunk,
  lessThan,
  missingAttr,
  typeError,
} from './runtime';
import {
  AttrShape,
  Code,
  Env,
  Lambda,
  LambdaInfo,
  NixAttrs,
  NixFloat,
  NixPath,
  NixString,
  Primop,
  Thunk,
  Value,
  copyMap,
  MergedPos,
  SinglePos,
  mkStr,
  showType,
} from './values';
import { canonPath } from './parser';

/** Marks "not computed now" (see Compiler.cheap). */
const MISS: unique symbol = Symbol('miss');
type CheapCode = (env: Env) => Value | typeof MISS;

/** A dynamic attribute name (`${x} = ...` when not null, `e.${x}`, `e ? ${x}`): a string, as Nix forces it. */
function dynName(kv: Value, pos: Pos): string {
  if (typeof kv === 'string') return kv;
  if (kv instanceof NixString) return kv.s;
  throw typeError('a string', kv, pos);
}

export class Scope {
  constructor(public readonly parent: Scope | null, public readonly names: Map<string, number> | null) {}
}

type Resolved = { k: 'static'; level: number; idx: number; root: boolean } | { k: 'with'; levels: number[] };

function resolve(scope: Scope, name: string): Resolved | null {
  let level = 0;
  const withLevels: number[] = [];
  for (let s: Scope | null = scope; s; s = s.parent, level++) {
    if (s.names === null) withLevels.push(level);
    else {
      const idx = s.names.get(name);
      if (idx !== undefined) return { k: 'static', level, idx: idx + 1, root: s.parent === null };
    }
  }
  if (withLevels.length) return { k: 'with', levels: withLevels };
  return null;
}

function forceAt(v: Value, pos: Pos): Value {
  if (v instanceof Thunk) {
    if (v.code === null) return v.v;
    try {
      return forceThunk(v);
    } catch (e) {
      if (e instanceof NixError && !e.pos) e.withPos(pos);
      throw e;
    }
  }
  return v;
}

/**
 * As Nix's selection: an error from evaluating (under) an attribute it found gets the frame
 * "while evaluating the attribute 'a.b'" at that attribute, when the attribute has a position.
 */
function attrFrame(err: unknown, a: NixAttrs, name: string, text: string): unknown {
  if (err instanceof NixError) {
    const p = a.getPos(name);
    if (p) err.addTrace(`while evaluating the attribute '${text}'`, p);
  }
  return err;
}

function lookupWith(env: Env, levels: number[], name: string, pos: Pos): Value {
  for (let i = 0; i < levels.length; i++) {
    let e = env;
    for (let l = levels[i]; l > 0; l--) e = e[0] as Env;
    const a = forceAt(e[1], pos);
    if (!(a instanceof NixAttrs)) throw typeError('a set', a, pos);
    const v = a.get(name);
    if (v !== undefined) return v;
  }
  throw new NixError(`undefined variable '${name}'`, pos);
}

/** A function bound to a name takes it, and so do the functions it returns (`f = a: b: ...`), as in Nix. */
function nameLambda(node: Node, name: string): void {
  while (node.k === 'lambda') {
    node.name ??= name;
    node = node.body;
  }
}

/** Code reading the slot `idx` of the frame `level` frames up (the usual depths unrolled). */
function slotCode(level: number, idx: number): Code {
  if (level === 0) return (env) => env[idx];
  if (level === 1) return (env) => (env[0] as Env)[idx];
  if (level === 2) return (env) => ((env[0] as Env)[0] as Env)[idx];
  return (env) => {
    let e = env;
    for (let l = level; l > 0; l--) e = e[0] as Env;
    return e[idx];
  };
}

export class Compiler {
  constructor(private ev: EvalContext, public readonly root: Scope, private readonly thunksAsNix = false) {}

  // ---------------------------------------------------------------- entry

  /**
   * lazyBodies: compile function bodies on their first call. Only for code that compiled
   * completely before (e.g. a cached AST of an unchanged file), since compiling is also what
   * reports undefined variables, which Nix does for the whole file before evaluating it.
   */
  compileTop(node: Node, scope: Scope = this.root, lazyBodies = false): Code {
    const save = this.lazyBodies;
    this.lazyBodies = lazyBodies;
    try {
      return this.c(node, scope);
    } finally {
      this.lazyBodies = save;
    }
  }

  private lazyBodies = false;
  /** no eager (cheap) values: set while compiling the bindings of a rec set with __overrides,
   *  whose variables change after the frame is filled */
  private noCheap = false;

  /** A function body's code now, or null when it is compiled on first call (compileLate). */
  private bodyCode(body: Node, scope: Scope): Code | null {
    return this.lazyBodies ? null : this.c(body, scope);
  }

  private compileLate(body: Node, scope: Scope): Code {
    const save = this.lazyBodies;
    this.lazyBodies = true;
    try {
      return this.c(body, scope);
    } finally {
      this.lazyBodies = save;
    }
  }

  // ---------------------------------------------------------------- lazy

  /**
   * Code producing a value that may be a thunk. recInit: evaluated while a frame is being filled.
   * Cheap values (functions, lists, sets, integer arithmetic on values) are built at once,
   * except with thunksAsNix, which makes a thunk wherever Nix 2.8's maybeThunk does: a literal
   * is a value, a variable is whatever its slot holds (a slot of a frame still being filled, or
   * a `with` variable, gives a thunk), anything else is a thunk.
   */
  lazy(node: Node, scope: Scope, recInit = false): Code {
    const asNix = this.thunksAsNix;
    switch (node.k) {
      case 'int':
      case 'float':
      case 'str':
      case 'path': {
        const v = this.literal(node);
        return () => v;
      }
      case 'var': {
        const r = resolve(scope, node.name);
        if (r && r.k === 'static') {
          if (!(recInit && r.level === 0)) return slotCode(r.level, r.idx);
          if (asNix) {
            const code = this.c(node, scope);
            const idx = r.idx;
            return (env) => env[idx] ?? new Thunk(code, env);
          }
        }
        break;
      }
      case 'lambda':
        if (!asNix) return this.c(node, scope);
        break;
      case 'list':
      case 'attrs':
        if (!asNix && !recInit && !(node.k === 'attrs' && node.dyn.length)) return this.c(node, scope);
        break;
    }
    const code = this.c(node, scope);
    const cheap = !this.noCheap && !asNix && (node.k === 'bin' || node.k === 'not') ? this.cheap(node, scope) : null;
    if (cheap !== null) {
      // optimistic: when the operands are already values the result is computed now
      // (it cannot fail or diverge), else it is delayed as usual
      return (env) => {
        const v = cheap(env);
        return v !== MISS ? v : new Thunk(code, env);
      };
    }
    return (env) => new Thunk(code, env);
  }

  /**
   * Code computing an integer arithmetic / comparison expression over variables and integer
   * literals *if* every variable already holds a value of a suitable type and the result is
   * certain (no overflow, no division by zero); otherwise it returns MISS. Null when the
   * expression is not of that form.
   */
  private cheap(node: Node, scope: Scope): CheapCode | null {
    switch (node.k) {
      case 'int': {
        const v = node.v;
        if (typeof v !== 'number') return null;
        return () => v;
      }
      case 'var': {
        const r = resolve(scope, node.name);
        if (!r || r.k !== 'static') return null;
        const { level, idx } = r;
        const get =
          level === 0
            ? (env: Env) => env[idx]
            : level === 1
              ? (env: Env) => (env[0] as Env)[idx]
              : level === 2
                ? (env: Env) => ((env[0] as Env)[0] as Env)[idx]
                : null;
        if (get === null) return null;
        return (env) => {
          const v = get(env);
          if (v instanceof Thunk) return v.code === null ? v.v : MISS;
          return v === undefined ? MISS : v;
        };
      }
      case 'not': {
        const e = this.cheap(node.e, scope);
        if (e === null) return null;
        return (env) => {
          const v = e(env);
          return typeof v === 'boolean' ? !v : MISS;
        };
      }
      case 'bin': {
        const op = node.op;
        if (op !== '+' && op !== '-' && op !== '*' && op !== '/' && op !== '<' && op !== '==' && op !== '!=') return null;
        const sugar = op === '-' ? '__sub' : op === '*' ? '__mul' : op === '/' ? '__div' : op === '<' ? '__lessThan' : null;
        if (sugar !== null) {
          const r = resolve(scope, sugar);
          if (!(r && r.k === 'static' && r.root)) return null;
        }
        const a = this.cheap(node.a, scope);
        if (a === null) return null;
        const b = this.cheap(node.b, scope);
        if (b === null) return null;
        switch (op) {
          case '+':
            return (env) => {
              const x = a(env);
              const y = b(env);
              if (typeof x !== 'number' || typeof y !== 'number') return MISS;
              const r = x + y;
              return Number.isSafeInteger(r) ? r : MISS;
            };
          case '-':
            return (env) => {
              const x = a(env);
              const y = b(env);
              if (typeof x !== 'number' || typeof y !== 'number') return MISS;
              const r = x - y;
              return Number.isSafeInteger(r) ? r : MISS;
            };
          case '*':
            return (env) => {
              const x = a(env);
              const y = b(env);
              if (typeof x !== 'number' || typeof y !== 'number') return MISS;
              const r = x * y;
              return Number.isSafeInteger(r) ? (r === 0 ? 0 : r) : MISS;
            };
          case '/':
            return (env) => {
              const x = a(env);
              const y = b(env);
              if (typeof x !== 'number' || typeof y !== 'number' || y === 0 || !(Math.abs(x) < 2 ** 52)) return MISS;
              const r = Math.trunc(x / y);
              return r === 0 ? 0 : r;
            };
          case '<':
            return (env) => {
              const x = a(env);
              const y = b(env);
              return typeof x === 'number' && typeof y === 'number' ? x < y : MISS;
            };
          case '==':
          case '!=': {
            const neg = op === '!=';
            return (env) => {
              const x = a(env);
              const y = b(env);
              if ((typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string')) return (x === y) !== neg;
              return MISS;
            };
          }
        }
        return null;
      }
    }
    return null;
  }

  private literal(node: Node): Value {
    switch (node.k) {
      case 'int':
        return node.v;
      case 'float':
        return new NixFloat(node.v);
      case 'str':
        return node.v;
      case 'path':
        return new NixPath(node.v);
    }
    throw new Error('not a literal');
  }

  // ---------------------------------------------------------------- strict

  c(node: Node, scope: Scope): Code {
    const ev = this.ev;
    if ((node as Node | LazyNode).k === 'lazy') node = (node as unknown as LazyNode).get();
    switch (node.k) {
      case 'int':
      case 'float':
      case 'str':
      case 'path': {
        const v = this.literal(node);
        return () => v;
      }
      case 'var':
        return this.cVar(node.name, node.pos, node.outer ? scope : scope);
      case 'inhfrom':
        return this.cVar('\0inh' + node.idx, node.pos, scope);
      case 'select':
        return this.cSelect(node.e, node.path, node.def, node.pos, scope);
      case 'has':
        return this.cHas(node.e, node.path, node.pos, scope);
      case 'attrs':
        return this.cAttrs(node, scope);
      case 'list': {
        const elems = node.elems.map((e) => this.lazy(e, scope));
        const n = elems.length;
        if (n === 0) return () => [];
        return (env) => {
          const out = new Array(n);
          for (let i = 0; i < n; i++) out[i] = elems[i](env);
          return out;
        };
      }
      case 'lambda':
        return this.cLambda(node, scope);
      case 'call':
        return this.cCall(node.fn, node.args, node.pos, scope);
      case 'let':
        return this.cLet(node.attrs, node.body, scope);
      case 'with': {
        const attrs = this.lazy(node.env, scope);
        const body = this.c(node.body, new Scope(scope, null));
        return (env) => body([env, attrs(env)]);
      }
      case 'if': {
        const cond = this.c(node.cond, scope);
        const th = this.c(node.then, scope);
        const el = this.c(node.else, scope);
        const pos = node.cond.pos;
        return (env) => {
          const b = cond(env);
          if (b === true) return th(env);
          if (b === false) return el(env);
          throw typeError('a Boolean', b, pos);
        };
      }
      case 'assert': {
        const cond = this.c(node.cond, scope);
        const body = this.c(node.body, scope);
        const pos = node.pos;
        const text = exprText(node.cond);
        return (env) => {
          const b = cond(env);
          if (b === true) return body(env);
          if (b === false) throw new NixError(`assertion '${text}' failed`, pos, 'assert');
          throw typeError('a Boolean', b, node.cond.pos);
        };
      }
      case 'not': {
        const e = this.c(node.e, scope);
        const pos = node.pos;
        return (env) => {
          const b = e(env);
          if (b === true) return false;
          if (b === false) return true;
          throw typeError('a Boolean', b, pos);
        };
      }
      case 'bin':
        return this.cBin(node.op, node.a, node.b, node.pos, scope);
      case 'interp':
        return this.cInterp(node.parts, node.path, node.pos, scope);
      case 'curpos': {
        const p = node.pos;
        const file = posFile(p.src);
        return () =>
          new NixAttrs(
            new Map<string, Value>([
              ['column', p.col],
              ['file', file],
              ['line', p.line],
            ]),
          );
      }
    }
  }

  private cVar(name: string, pos: Pos, scope: Scope): Code {
    const r = resolve(scope, name);
    if (r === null) throw new NixError(`undefined variable '${name}'`, pos);
    if (r.k === 'with') {
      const levels = r.levels;
      return (env) => forceAt(lookupWith(env, levels, name, pos), pos);
    }
    const { level, idx } = r;
    if (level === 0)
      return (env) => {
        const v = env[idx];
        return v instanceof Thunk ? forceAt(v, pos) : v;
      };
    if (level === 1)
      return (env) => {
        const v = (env[0] as Env)[idx];
        return v instanceof Thunk ? forceAt(v, pos) : v;
      };
    if (level === 2)
      return (env) => {
        const v = ((env[0] as Env)[0] as Env)[idx];
        return v instanceof Thunk ? forceAt(v, pos) : v;
      };
    return (env) => {
      let e = env;
      for (let l = level; l > 0; l--) e = e[0] as Env;
      const v = e[idx];
      return v instanceof Thunk ? forceAt(v, pos) : v;
    };
  }

  /** An attribute name in `e.a.${x}` / `e ? ${x}` (a byte string): as Nix forces it, no coercion. */
  private cKey(key: AttrKey, scope: Scope): (env: Env) => string {
    if (key.k === 'static') {
      const n = key.name;
      return () => n;
    }
    const e = this.c(key.e, scope);
    const pos = key.e.pos;
    return (env) => dynName(e(env), pos);
  }

  private cSelect(eNode: Node, path: AttrKey[], defNode: Node | null, pos: Pos, scope: Scope): Code {
    const e = this.c(eNode, scope);
    const def = defNode ? this.c(defNode, scope) : null;
    if (path.length === 1 && path[0].k === 'static') {
      const name = path[0].name;
      return (env) => {
        const a = e(env);
        if (a instanceof NixAttrs) {
          const v = a.get(name);
          if (v !== undefined) {
            if (!(v instanceof Thunk)) return v;
            try {
              return forceAt(v, pos);
            } catch (err) {
              throw attrFrame(err, a, name, name);
            }
          }
          if (def) return def(env);
          throw missingAttr(name, a, pos);
        }
        if (def) return def(env);
        throw typeError('a set', a, pos);
      };
    }
    const keys = path.map((k) => this.cKey(k, scope));
    const n = keys.length;
    // the path as Nix shows it in a trace frame (dynamic parts evaluated if they can be)
    const pathText = (env: Env): string =>
      path.map((k, i) => {
        if (k.k === 'static') return k.name;
        try {
          return String(keys[i](env));
        } catch {
          return '"${...}"';
        }
      }).join('.');
    return (env) => {
      let a = e(env);
      let found: NixAttrs | null = null;
      let foundName = '';
      try {
        for (let i = 0; i < n; i++) {
          const name = keys[i](env);
          if (!(a instanceof NixAttrs)) {
            if (def) return def(env);
            throw typeError('a set', a, pos);
          }
          const v = a.get(name);
          if (v === undefined) {
            if (def) return def(env);
            throw missingAttr(String(name), a, pos);
          }
          found = a;
          foundName = name;
          a = v instanceof Thunk ? forceAt(v, pos) : v;
        }
        return a;
      } catch (err) {
        throw found === null ? err : attrFrame(err, found, foundName, pathText(env));
      }
    };
  }

  private cHas(eNode: Node, path: AttrKey[], pos: Pos, scope: Scope): Code {
    const e = this.c(eNode, scope);
    const keys = path.map((k) => this.cKey(k, scope));
    const n = keys.length;
    return (env) => {
      let a = e(env);
      for (let i = 0; i < n; i++) {
        const name = keys[i](env); // first, as Nix: `1 ? ${1}` is a type error, not false
        if (!(a instanceof NixAttrs)) return false;
        const v = a.get(name);
        if (v === undefined) return false;
        if (i < n - 1) a = forceAt(v, pos);
      }
      return true;
    };
  }

  private posMap(node: AttrsNode): Map<string, Pos> {
    const m = new Map<string, Pos>();
    node.binds.forEach((b, k) => m.set(k, b.pos));
    return m;
  }

  private cDyn(node: AttrsNode, scope: Scope, recInit: boolean): (env: Env, m: Map<string, Value>, pos: Map<string, Pos> | null) => void {
    if (node.dyn.length === 0) return () => {};
    const dyn = node.dyn.map((d) => ({ key: this.c(d.key, scope), value: this.lazy(d.value, scope, recInit), pos: d.pos, kpos: d.key.pos }));
    return (env, m, pm) => {
      for (const d of dyn) {
        const kv = d.key(env);
        if (kv === null) continue;
        const k = dynName(kv, d.kpos);
        if (m.has(k)) {
          const prev = pm?.get(k);
          throw new NixError(`dynamic attribute '${k}' already defined at ${prev ? `${prev.src.file}:${prev.line}:${prev.col}` : 'another position'}`, d.pos);
        }
        m.set(k, d.value(env));
        if (pm) pm.set(k, d.pos);
      }
    };
  }

  /**
   * `{ ${k} = v; }` (as `acc // { ${name} = ...; }` in folds): what cAttrs + cDyn do for it,
   * with its one position in a SinglePos instead of a copied Map.
   */
  private cSingleDynAttr(node: AttrsNode, posMap: Map<string, Pos>, scope: Scope): Code {
    const d = node.dyn[0];
    const key = this.c(d.key, scope);
    const value = this.lazy(d.value, scope, false);
    const dpos = d.pos;
    const kpos = d.key.pos;
    return (env) => {
      const kv = key(env);
      const m = new Map<string, Value>();
      const a = new NixAttrs(m);
      if (kv === null) {
        a.pos = posMap;
        return a;
      }
      const k = dynName(kv, kpos);
      m.set(k, value(env));
      a.pos = new SinglePos(k, dpos);
      return a;
    };
  }

  private cAttrs(node: AttrsNode, scope: Scope): Code {
    if (node.rec) return this.cRecAttrs(node, scope);
    const posMap = this.posMap(node);
    let inner = scope;
    let inh: Code[] | null = null;
    if (node.inheritFrom.length) {
      const names = new Map<string, number>();
      node.inheritFrom.forEach((_, i) => names.set('\0inh' + i, i));
      inh = node.inheritFrom.map((e) => this.lazy(e, scope));
      inner = new Scope(scope, names);
    }
    const names: string[] = [];
    const codes: Code[] = [];
    for (const [k, b] of node.binds) {
      names.push(k);
      nameLambda(b.value, k);
      codes.push(this.lazy(b.value, inner));
    }
    const n = names.length;
    if (n === 0 && node.dyn.length === 1 && !inh) return this.cSingleDynAttr(node, posMap, scope);
    const dyn = this.cDyn(node, inner, false);
    const hasDyn = node.dyn.length > 0;
    const shape = hasDyn ? null : new AttrShape(names);
    const mk = shape !== null ? (env: Env): Value => {
      const vals = new Array(n);
      for (let i = 0; i < n; i++) vals[i] = codes[i](env);
      const a = NixAttrs.shaped(shape, vals);
      a.pos = posMap;
      return a;
    } : (env: Env): Value => {
      const m = new Map<string, Value>();
      for (let i = 0; i < n; i++) m.set(names[i], codes[i](env));
      let pm: Map<string, Pos> | null = posMap;
      if (hasDyn) {
        pm = copyMap(posMap);
        dyn(env, m, pm);
      }
      const a = new NixAttrs(m);
      a.pos = pm;
      return a;
    };
    if (inh) {
      const ih = inh;
      const ni = ih.length;
      return (env) => {
        const e2: Env = new Array(ni + 1);
        e2[0] = env;
        for (let i = 0; i < ni; i++) e2[i + 1] = ih[i](env);
        return mk(e2);
      };
    }
    return mk;
  }

  /** Builds the frame for let / rec: returns the new scope and a function filling a new env. */
  private recFrame(node: AttrsNode, scope: Scope): { scope: Scope; names: string[]; fill: (env: Env) => Env } {
    const names = new Map<string, number>();
    const order: string[] = [];
    for (const k of node.binds.keys()) {
      names.set(k, order.length);
      order.push(k);
    }
    const nInh = node.inheritFrom.length;
    for (let i = 0; i < nInh; i++) names.set('\0inh' + i, order.length + i);
    const inner = new Scope(scope, names);
    const codes: Code[] = [];
    const saveNoCheap = this.noCheap;
    const hasOverrides = node.binds.has('__overrides');
    if (hasOverrides) this.noCheap = true;
    try {
      for (const k of order) {
        const b = node.binds.get(k)!;
        nameLambda(b.value, k);
        if (b.inherited) {
          const outer = this.lazy(b.value, scope);
          codes.push((env) => outer(env[0] as Env));
        } else if (this.thunksAsNix && hasOverrides) {
          // Nix 2.8 makes every binding of a set with __overrides a thunk, literals too
          const code = this.c(b.value, inner);
          codes.push((env) => new Thunk(code, env));
        } else codes.push(this.lazy(b.value, inner, true));
      }
      for (const e of node.inheritFrom) codes.push(this.lazy(e, inner, true));
    } finally {
      this.noCheap = saveNoCheap;
    }
    const total = codes.length;
    return {
      scope: inner,
      names: order,
      fill: (env) => {
        const e2: Env = new Array(total + 1);
        e2[0] = env;
        for (let i = 0; i < total; i++) e2[i + 1] = codes[i](e2);
        return e2;
      },
    };
  }

  private cRecAttrs(node: AttrsNode, scope: Scope): Code {
    const { scope: inner, names, fill } = this.recFrame(node, scope);
    const posMap = this.posMap(node);
    const dyn = this.cDyn(node, inner, true);
    const hasDyn = node.dyn.length > 0;
    const hasOverrides = node.binds.has('__overrides');
    const n = names.length;
    if (!hasDyn && !hasOverrides) {
      const shape = new AttrShape(names);
      return (env) => {
        const e2 = fill(env);
        const vals = new Array(n);
        for (let i = 0; i < n; i++) vals[i] = e2[i + 1];
        const a = NixAttrs.shaped(shape, vals);
        a.pos = posMap;
        return a;
      };
    }
    return (env) => {
      const e2 = fill(env);
      const m = new Map<string, Value>();
      for (let i = 0; i < n; i++) m.set(names[i], e2[i + 1]);
      let pm: Map<string, Pos> | null = posMap;
      if (hasOverrides) {
        // legacy `__overrides`: its attributes replace those of the rec set (also in its scope)
        const ov = force(m.get('__overrides')!);
        if (!(ov instanceof NixAttrs)) throw typeError('a set', ov, node.pos);
        for (const [k, v] of ov.m) {
          m.set(k, v);
          const idx = inner.names!.get(k);
          if (idx !== undefined) e2[idx + 1] = v;
        }
      }
      if (hasDyn) {
        pm = copyMap(posMap);
        dyn(e2, m, pm);
      }
      const a = new NixAttrs(m);
      a.pos = pm;
      return a;
    };
  }

  private cLet(attrs: AttrsNode, bodyNode: Node, scope: Scope): Code {
    const { scope: inner, fill } = this.recFrame(attrs, scope);
    const body = this.c(bodyNode, inner);
    return (env) => body(fill(env));
  }

  private cLambda(node: LambdaNode, scope: Scope): Code {
    const ev = this.ev;
    const pos = node.pos;
    let info: LambdaInfo;
    // with --show-trace, as Nix: an error in the body gets the frame "while evaluating 'f'"
    // at the function (one in matching the arguments does not)
    const traced = (code: Code | null): Code | null => {
      if (code === null || !ev.showTrace) return code;
      return (env) => {
        try {
          return code(env);
        } catch (err) {
          if (err instanceof NixError) {
            err.addTrace(`while evaluating ${info.fnName ? `'${info.fnName}'` : 'anonymous lambda'}`, pos);
            err.leftBodyOf = info;
          }
          throw err;
        }
      };
    };
    if (node.formals === null) {
      const inner = new Scope(scope, new Map([[node.arg!, 0]]));
      let body: Code | null = traced(this.bodyCode(node.body, inner));
      const bodyNode = node.body;
      info = {
        name: node.arg,
        formals: null,
        ellipsis: false,
        pos,
        call: (lenv, arg) => (body ??= traced(this.compileLate(bodyNode, inner))!)([lenv, arg]),
      };
    } else {
      const formals = node.formals;
      const names = new Map<string, number>();
      formals.forEach((f, i) => names.set(f.name, i));
      const nf = formals.length;
      if (node.arg !== null) names.set(node.arg, nf);
      const inner = new Scope(scope, names);
      const defs: (Code | null)[] = formals.map((f) => (f.def ? this.lazy(f.def, inner, true) : null));
      let body: Code | null = traced(this.bodyCode(node.body, inner));
      const bodyNode = node.body;
      const fnames = formals.map((f) => f.name);
      const fset = new Set(fnames);
      const ellipsis = node.ellipsis;
      const hasAt = node.arg !== null;
      const size = nf + (hasAt ? 1 : 0);
      info = {
        name: node.arg,
        formals: formals.map((f) => ({ name: f.name, hasDefault: f.def !== null, pos: f.pos })),
        ellipsis,
        pos,
        call: (lenv, arg, _ev, lam) => {
          const a = arg instanceof Thunk ? forceThunk(arg) : arg;
          // at the call site (which adds its position), as in Nix
          if (!(a instanceof NixAttrs)) throw typeError('a set', a, null);
          const e2: Env = new Array(size + 1);
          e2[0] = lenv;
          let used = 0;
          for (let i = 0; i < nf; i++) {
            const v = a.get(fnames[i]);
            if (v === undefined) {
              const d = defs[i];
              if (d === null) {
                throw new NixError(`${fnDesc(lam)} called without required argument '${fnames[i]}'`, pos);
              }
              e2[i + 1] = d(e2);
            } else {
              e2[i + 1] = v;
              used++;
            }
          }
          if (!ellipsis && used !== a.size) {
            for (const k of a.keys())
              if (!fset.has(k)) throw new NixError(`${fnDesc(lam)} called with unexpected argument '${k}'`, pos).withSuggestions(k, fnames);
          }
          if (hasAt) e2[nf + 1] = arg;
          return (body ??= traced(this.compileLate(bodyNode, inner))!)(e2);
        },
      };
    }
    void ev;
    // recognise `a: b: a < b` / `a: b: b < a` (sort comparators)
    if (node.formals === null && node.body.k === 'lambda' && node.body.formals === null) {
      const inner = node.body;
      const b = inner.body;
      const r = resolve(scope, '__lessThan');
      if (b.k === 'bin' && b.op === '<' && b.a.k === 'var' && b.b.k === 'var' && r && r.k === 'static' && r.root && node.arg !== inner.arg) {
        if (b.a.name === node.arg && b.b.name === inner.arg) info.cmpKind = 1;
        else if (b.a.name === inner.arg && b.b.name === node.arg) info.cmpKind = -1;
      }
    }
    const fnInfo = info;
    return (env) => {
      if (node.name && fnInfo.fnName === undefined) fnInfo.fnName = node.name;
      return new Lambda(fnInfo, env);
    };
  }

  /**
   * The builtin a function expression denotes when that is certain at compile time: a
   * root-scope variable (`map`, `__isAttrs`) or `builtins.NAME` with the root `builtins`.
   */
  private staticPrimop(node: Node, scope: Scope): Primop | null {
    const base = this.ev.baseEnv as Env | undefined;
    if (!base) return null;
    let v: Value | undefined;
    if (node.k === 'var') {
      const r = resolve(scope, node.name);
      if (!r || r.k !== 'static' || !r.root) return null;
      v = base[r.idx];
    } else if (node.k === 'select' && node.def === null && node.path.length === 1 && node.path[0].k === 'static' && node.e.k === 'var') {
      const r = resolve(scope, node.e.name);
      if (!r || r.k !== 'static' || !r.root) return null;
      const b = base[r.idx];
      if (!(b instanceof NixAttrs)) return null;
      v = b.get(node.path[0].name);
    }
    return v instanceof Primop ? v : null;
  }

  private cCall(fnNode: Node, argNodes: Node[], pos: Pos, scope: Scope): Code {
    const ev = this.ev;
    const fn = this.c(fnNode, scope);
    const args = argNodes.map((a) => this.lazy(a, scope));
    const n = args.length;
    // f: the function called, when it is known here (a lambda's call site is a trace frame, as
    // in Nix; a builtin names itself in callPrimop)
    const wrap = (e: unknown, f?: Value): unknown => {
      if (e instanceof NixError) {
        if (!e.pos) e.withPos(pos);
        // ... when the error came out of its body (not from matching its arguments)
        if (ev.showTrace && f instanceof Lambda && e.leftBodyOf === f.info) {
          e.addTrace('from call site', pos);
          e.leftBodyOf = undefined;
        }
      }
      return e;
    };
    const prim = this.staticPrimop(fnNode, scope);
    if (prim !== null && prim.arity === n) {
      // `builtins.isAttrs x`, `map f xs`...: the builtin is known at compile time
      if (n === 1) {
        const a0 = args[0];
        return (env) => {
          try {
            const r = callPrimop(ev, prim, [a0(env)], pos);
            return r instanceof Thunk ? forceThunk(r) : r;
          } catch (e) {
            throw wrap(e);
          }
        };
      }
      return (env) => {
        try {
          const argv = new Array(n);
          for (let i = 0; i < n; i++) argv[i] = args[i](env);
          const r = callPrimop(ev, prim, argv, pos);
          return r instanceof Thunk ? forceThunk(r) : r;
        } catch (e) {
          throw wrap(e);
        }
      };
    }
    if (n === 1) {
      const a0 = args[0];
      return (env) => {
        const f = fn(env);
        try {
          if (f instanceof Lambda) return f.info.call(f.env, a0(env), ev, f);
          const r = callValue(ev, f, a0(env), pos);
          return r instanceof Thunk ? forceThunk(r) : r;
        } catch (e) {
          throw wrap(e, f);
        }
      };
    }
    return (env) => {
      let f = fn(env);
      try {
        if (f instanceof Primop && f.arity === n) {
          // a builtin given all its arguments at once: no partial applications in between
          const argv = new Array(n);
          for (let i = 0; i < n; i++) argv[i] = args[i](env);
          const r = callPrimop(ev, f, argv, pos);
          return r instanceof Thunk ? forceThunk(r) : r;
        }
        for (let i = 0; i < n; i++) {
          f = callValue(ev, f, args[i](env), pos);
          if (f instanceof Thunk) f = forceThunk(f);
        }
        return f;
      } catch (e) {
        throw wrap(e, f); // f: the function being called when it failed
      }
    };
  }

  private cBin(op: string, aNode: Node, bNode: Node, pos: Pos, scope: Scope): Code {
    const ev = this.ev;
    // arithmetic / comparison desugar to __sub/__mul/__div/__lessThan unless they are the builtins
    const desugar: Record<string, string> = { '-': '__sub', '*': '__mul', '/': '__div', '<': '__lessThan' };
    if (desugar[op]) {
      const r = resolve(scope, desugar[op]);
      if (!(r && r.k === 'static' && r.root)) {
        return this.cCall({ k: 'var', name: desugar[op], pos }, [aNode, bNode], pos, scope);
      }
    }
    const a = this.c(aNode, scope);
    const b = this.c(bNode, scope);
    switch (op) {
      case '==':
        return (env) => eqValues(ev, a(env), b(env), pos);
      case '!=':
        return (env) => !eqValues(ev, a(env), b(env), pos);
      case '&&':
        return (env) => {
          const x = a(env);
          if (x === false) return false;
          if (x !== true) throw typeError('a Boolean', x, aNode.pos);
          const y = b(env);
          if (typeof y !== 'boolean') throw typeError('a Boolean', y, bNode.pos);
          return y;
        };
      case '||':
        return (env) => {
          const x = a(env);
          if (x === true) return true;
          if (x !== false) throw typeError('a Boolean', x, aNode.pos);
          const y = b(env);
          if (typeof y !== 'boolean') throw typeError('a Boolean', y, bNode.pos);
          return y;
        };
      case '->':
        return (env) => {
          const x = a(env);
          if (x === false) return true;
          if (x !== true) throw typeError('a Boolean', x, aNode.pos);
          const y = b(env);
          if (typeof y !== 'boolean') throw typeError('a Boolean', y, bNode.pos);
          return y;
        };
      case '//':
        return (env) => {
          const x = a(env);
          if (!(x instanceof NixAttrs)) throw typeError('a set', x, aNode.pos);
          const y = b(env);
          if (!(y instanceof NixAttrs)) throw typeError('a set', y, bNode.pos);
          return updateAttrs(x, y);
        };
      case '++':
        return (env) => {
          const x = a(env);
          if (!Array.isArray(x)) throw typeError('a list', x, aNode.pos);
          const y = b(env);
          if (!Array.isArray(y)) throw typeError('a list', y, bNode.pos);
          if (x.length === 0) return y;
          if (y.length === 0) return x;
          return x.concat(y);
        };
      case '+':
        return (env) => {
          const x = a(env);
          const y = b(env);
          if (typeof x === 'number' && typeof y === 'number') {
            const r = x + y;
            if (Number.isSafeInteger(r)) return r;
          } else if (typeof x === 'string' && typeof y === 'string') return x + y;
          return plus(ev, x, y, pos, aNode.pos, bNode.pos);
        };
      case '-':
        return (env) => {
          const x = a(env);
          const y = b(env);
          if (typeof x === 'number' && typeof y === 'number') {
            const r = x - y;
            if (Number.isSafeInteger(r)) return r;
          }
          return arith('-', x, y, pos);
        };
      case '*':
        return (env) => {
          const x = a(env);
          const y = b(env);
          if (typeof x === 'number' && typeof y === 'number') {
            const r = x * y;
            if (Number.isSafeInteger(r)) return r;
          }
          return arith('*', x, y, pos);
        };
      case '/':
        return (env) => {
          const x = a(env);
          const y = b(env);
          if (typeof x === 'number' && typeof y === 'number' && y !== 0 && Math.abs(x) < 2 ** 52) {
            const r = Math.trunc(x / y);
            return r === 0 ? 0 : r;
          }
          return arith('/', x, y, pos);
        };
      case '<':
        return (env) => {
          const x = a(env);
          const y = b(env);
          if (typeof x === 'number' && typeof y === 'number') return x < y;
          return lessThan(ev, x, y, pos);
        };
    }
    throw new Error('unknown operator ' + op);
  }

  private cInterp(partNodes: Node[], isPath: boolean, pos: Pos, scope: Scope): Code {
    const ev = this.ev;
    const parts = partNodes.map((p) => this.c(p, scope));
    const n = parts.length;
    if (isPath) {
      return (env) => {
        let s = '';
        for (let i = 0; i < n; i++) {
          const v = parts[i](env);
          if (v instanceof NixString && v.ctx.length) throw new NixError(`a string that refers to a store path cannot be appended to a path`, pos);
          s += coerceToString(ev, v, null, { copyToStore: false }, partNodes[i].pos);
        }
        return new NixPath(canonPath(s));
      };
    }
    return (env) => {
      let s = '';
      let ctx: Set<string> | null = null;
      for (let i = 0; i < n; i++) {
        const v = parts[i](env);
        if (typeof v === 'string') s += v;
        else {
          ctx ??= new Set();
          s += coerceToString(ev, v, ctx, { copyToStore: true }, partNodes[i].pos);
        }
      }
      return mkStr(s, ctx);
    };
  }
}

function fnDesc(lam: Lambda): string {
  const n = lam.info.fnName;
  return n ? `function '${n}'` : 'anonymous function';
}

export function updateAttrs(x: NixAttrs, y: NixAttrs): NixAttrs {
  if (y.size === 0) return x;
  if (x.namesPending) {
    // e.g. a package set whose names are listed only on enumeration: keep it that way
    const r = NixAttrs.layered(x, y);
    if (x.depth >= 12) void r.m;
    return r;
  }
  if (x.size === 0) return y;
  if (y.size <= 8 && x.size >= 16) {
    const r = NixAttrs.layered(x, y);
    // flatten the chain now (a single copy) once it is deep; big sets may layer deeper
    // (a lookup walks at most ~size/32 small maps, a copy costs size)
    if (x.depth >= 12 && x.depth >= Math.min(48, x.size >> 5)) void r.m;
    return r;
  }
  const m = x.toMap();
  y.forEach((v, k) => m.set(k, v));
  const r = new NixAttrs(m);
  if (x.pos || y.pos) {
    if (!x.pos) r.pos = y.pos;
    else if (!y.pos) r.pos = x.pos;
    else r.pos = MergedPos.of(x.pos, y.pos);
  }
  return r;
}

function isNum(v: Value): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof NixFloat;
}

/**
 * `x + y` as Nix 2.8 evaluates it: numbers add (an operand that is not a number is an error at
 * that operand); a path first makes a path; anything else concatenates the operands as strings
 * (each coerced without coerceMore, copying paths to the store only when x is a string), an
 * error again at the operand that cannot be coerced.
 */
export function plus(ev: EvalContext, x: Value, y: Value, pos: Pos, posA: Pos = pos, posB: Pos = pos): Value {
  if (isNum(x)) {
    if (!isNum(y)) throw new NixError(`cannot add ${showType(y)} to ${x instanceof NixFloat ? 'a float' : 'an integer'}`, posB);
    return arith('+', x, y, pos);
  }
  if (x instanceof NixPath) {
    // path + string/path -> path (no store copy)
    if (y instanceof NixString && y.ctx.length) throw new NixError('a string that refers to a store path cannot be appended to a path', pos);
    const s = coerceToString(ev, y, null, { copyToStore: false }, posB);
    return new NixPath(canonPath(x.p + s));
  }
  const ctx = new Set<string>();
  const isStr = typeof x === 'string' || x instanceof NixString;
  const s1 = coerceToString(ev, x, ctx, { copyToStore: isStr }, posA);
  const s2 = coerceToString(ev, y, ctx, { copyToStore: isStr }, posB);
  return mkStr(s1 + s2, ctx);
}

/** Short rendering of an expression (for assertion messages). */
export function exprText(n: Node): string {
  switch (n.k) {
    case 'int':
    case 'float':
      return String(n.v);
    case 'str':
      return JSON.stringify(n.v);
    case 'path':
      return n.v;
    case 'var':
      return n.name;
    case 'select':
      return exprText(n.e) + '.' + n.path.map((k) => (k.k === 'static' ? k.name : '${...}')).join('.');
    case 'bin':
      return `(${exprText(n.a)} ${n.op} ${exprText(n.b)})`;
    case 'not':
      return `(! ${exprText(n.e)})`;
    case 'call':
      return `(${exprText(n.fn)} ${n.args.map(exprText).join(' ')})`;
    case 'has':
      return `((${exprText(n.e)}) ? ${n.path.map((k) => (k.k === 'static' ? k.name : '${...}')).join('.')})`;
    default:
      return '...';
  }
}
