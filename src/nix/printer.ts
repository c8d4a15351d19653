// Value printers: nix-instantiate --eval output, JSON (builtins.toJSON / --json) and
// XML (builtins.toXML / --xml). All work on byte strings.
import { posFile } from './ast';
import { NixError } from './errors';
import { EvalContext, callValue, coerceToString, force, isDerivation } from './runtime';
import { formatFloatForJSON, formatFloatForPrint } from './support';
import { Lambda, NixAttrs, NixFloat, NixPath, NixString, Primop, PrimopApp, Thunk, Value, showType } from './values';

const ID_RE = /^[a-zA-Z_][a-zA-Z0-9_'-]*$/;
const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

export function escapeNixString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    switch (c) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '$':
        if (s[i + 1] === '{') out += '\\$';
        else out += '$';
        break;
      default:
        out += c;
    }
  }
  return out + '"';
}

export function printAttrName(k: string): string {
  if (ID_RE.test(k) && !KEYWORDS.has(k)) return k;
  return escapeNixString(k);
}

const REPEATED = '\xc2\xabrepeated\xc2\xbb'; // «repeated» as UTF-8 bytes

/** nix-instantiate --eval printing (Nix 2.8 style). Returns a byte string. */
export function printValue(v: Value, strict: boolean): string {
  const seen = new Set<object>();
  const parts: string[] = [];
  // identity for «repeated» is the slot (thunk) a value lives in, like Nix's Value*
  const go = (slot: Value): void => {
    let x = slot;
    if (x instanceof Thunk) {
      if (strict || x.state === 2) x = force(x);
      else {
        parts.push('<CODE>');
        return;
      }
    }
    const id = slot as object;
    if (x === null) parts.push('null');
    else if (x === true) parts.push('true');
    else if (x === false) parts.push('false');
    else if (typeof x === 'number' || typeof x === 'bigint') parts.push(String(x));
    else if (typeof x === 'string') parts.push(escapeNixString(x));
    else if (x instanceof NixString) parts.push(escapeNixString(x.s));
    else if (x instanceof NixFloat) parts.push(formatFloatForPrint(x.v));
    else if (x instanceof NixPath) parts.push(x.p);
    else if (Array.isArray(x)) {
      if (x.length && seen.has(id)) {
        parts.push(REPEATED);
        return;
      }
      if (x.length) seen.add(id);
      parts.push('[ ');
      for (const e of x) {
        go(e);
        parts.push(' ');
      }
      parts.push(']');
    } else if (x instanceof NixAttrs) {
      // attrsets are identified by their bindings (like Nix's Bindings*), lists by slot
      if (x.size && seen.has(x)) {
        parts.push(REPEATED);
        return;
      }
      if (x.size) seen.add(x);
      parts.push('{ ');
      for (const k of x.keys()) {
        parts.push(printAttrName(k), ' = ');
        go(x.get(k)!);
        parts.push('; ');
      }
      parts.push('}');
    } else if (x instanceof Lambda) parts.push('<LAMBDA>');
    else if (x instanceof Primop) parts.push('<PRIMOP>');
    else if (x instanceof PrimopApp) parts.push('<PRIMOP-APP>');
    else parts.push('<UNKNOWN>');
  };
  go(v);
  return parts.join('');
}

/**
 * Forces v and everything in it (for --strict, deepSeq); iterative to survive deep structures.
 * frames: an error inside a set gets Nix's frames "while evaluating the attribute 'x'", one per
 * set on the way (as its forceValueDeep: printing with --strict, builtins.deepSeq).
 */
export function forceDeep(v: Value, frames = false): void {
  const stack: Value[] = [v];
  const seen = new Set<object>();
  while (stack.length) {
    const item = stack.pop()!;
    let x: Value;
    try {
      x = force(item);
    } catch (e) {
      if (frames && e instanceof NixError) addAttrFrames(e, v, item);
      throw e;
    }
    if (Array.isArray(x)) {
      if (seen.has(x)) continue;
      seen.add(x);
      for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
    } else if (x instanceof NixAttrs) {
      if (seen.has(x)) continue;
      seen.add(x);
      const ks = x.keys();
      for (let i = ks.length - 1; i >= 0; i--) stack.push(x.get(ks[i])!);
    }
  }
}

/** The frames of forceDeep for the value `target` that failed somewhere inside `root`. */
function addAttrFrames(e: NixError, root: Value, target: Value): void {
  // find target in what is evaluated already (depth first, without forcing anything)
  interface Step { v: Value; up: Step | null; set: NixAttrs | null; name: string }
  const todo: Step[] = [{ v: root, up: null, set: null, name: '' }];
  const seen = new Set<object>();
  while (todo.length) {
    const st = todo.pop()!;
    if (st.v === target) {
      for (let s: Step | null = st; s !== null; s = s.up) {
        if (s.set !== null) e.addTrace(`while evaluating the attribute '${s.name}'`, s.set.getPos(s.name) ?? null);
      }
      return;
    }
    const x = st.v instanceof Thunk ? (st.v.code === null ? st.v.v : null) : st.v;
    if (x === null || typeof x !== 'object' || seen.has(x)) continue;
    seen.add(x);
    if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) todo.push({ v: x[i], up: st, set: null, name: '' });
    } else if (x instanceof NixAttrs) {
      const ks = x.keys();
      for (let i = ks.length - 1; i >= 0; i--) todo.push({ v: x.get(ks[i])!, up: st, set: x, name: ks[i] });
    }
  }
}

// ------------------------------------------------------------------ JSON

export function escapeJSONString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c < 32 || c === 127) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += s[i];
  }
  return out + '"';
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const NON_ASCII = /[^\x00-\x7f]/;

function checkUtf8(s: string): void {
  if (!NON_ASCII.test(s)) return;
  try {
    UTF8.decode(Buffer.from(s, 'latin1'));
  } catch {
    throw new NixError(`string '${s}' is not valid UTF-8 and cannot be converted to JSON`);
  }
}

const MAX_DEPTH = 10000;

export function toJSON(ev: EvalContext, v: Value, ctx: Set<string>, copyToStore = true): string {
  const out: string[] = [];
  let depth = 0;
  const go = (x0: Value): void => {
    if (++depth > MAX_DEPTH) throw new NixError('stack overflow; max-call-depth exceeded (while converting a deeply nested value to JSON)');
    try {
      go1(x0);
    } finally {
      depth--;
    }
  };
  const go1 = (x0: Value): void => {
    const x = force(x0);
    if (x === null) out.push('null');
    else if (typeof x === 'boolean') out.push(x ? 'true' : 'false');
    else if (typeof x === 'number' || typeof x === 'bigint') out.push(String(x));
    else if (typeof x === 'string') {
      checkUtf8(x);
      out.push(escapeJSONString(x));
    } else if (x instanceof NixString) {
      for (const c of x.ctx) ctx.add(c);
      checkUtf8(x.s);
      out.push(escapeJSONString(x.s));
    } else if (x instanceof NixFloat) out.push(formatFloatForJSON(x.v));
    else if (x instanceof NixPath) {
      if (copyToStore) {
        const sp = ev.copyPathToStore(x.p);
        ctx.add(sp);
        out.push(escapeJSONString(sp));
      } else out.push(escapeJSONString(x.p));
    } else if (Array.isArray(x)) {
      out.push('[');
      for (let i = 0; i < x.length; i++) {
        if (i) out.push(',');
        go(x[i]);
      }
      out.push(']');
    } else if (x instanceof NixAttrs) {
      if (x.has('__toString')) {
        const s = coerceToString(ev, x, ctx, { copyToStore: true });
        out.push(escapeJSONString(s));
        return;
      }
      const op = x.get('outPath');
      if (op !== undefined) {
        go(op);
        return;
      }
      out.push('{');
      let first = true;
      for (const k of x.keys()) {
        if (!first) out.push(',');
        first = false;
        out.push(escapeJSONString(k), ':');
        go(x.get(k)!);
      }
      out.push('}');
    } else throw new NixError(`cannot convert ${showType(x)} to JSON`);
  };
  go(v);
  return out.join('');
}

// ------------------------------------------------------------------ XML

function xmlEscape(s: string): string {
  let out = '';
  for (const c of s) {
    switch (c) {
      case '"':
        out += '&quot;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '&':
        out += '&amp;';
        break;
      case '\n':
        out += '&#xA;';
        break;
      case '\r':
        out += '&#xD;';
        break;
      case '\t':
        out += '&#x9;';
        break;
      default:
        out += c;
    }
  }
  return out;
}

export function toXML(ev: EvalContext, v: Value, ctx: Set<string>, location: boolean, strict = true): string {
  const lines: string[] = ["<?xml version='1.0' encoding='utf-8'?>"];
  const drvsSeen = new Set<string>();
  const attrStr = (attrs: [string, string][]): string => attrs.map(([k, val]) => ` ${k}="${xmlEscape(val)}"`).join('');
  const empty = (ind: number, name: string, attrs: [string, string][] = []) => lines.push(`${' '.repeat(ind)}<${name}${attrStr(attrs)} />`);
  const open = (ind: number, name: string, attrs: [string, string][] = []) => lines.push(`${' '.repeat(ind)}<${name}${attrStr(attrs)}>`);
  const close = (ind: number, name: string) => lines.push(`${' '.repeat(ind)}</${name}>`);
  const showAttrs = (a: NixAttrs, ind: number) => {
    for (const k of a.keys()) {
      const at: [string, string][] = [];
      const p = a.getPos(k);
      if (location && p) at.push(['column', String(p.col)], ['line', String(p.line)]);
      at.push(['name', k]);
      if (location && p) at.push(['path', posFile(p.src)]);
      open(ind, 'attr', at);
      go(a.get(k)!, ind + 2);
      close(ind, 'attr');
    }
  };
  const go = (x0: Value, ind: number): void => {
    const x = strict ? force(x0) : x0 instanceof Thunk && x0.state !== 2 ? x0 : force(x0);
    if (x === null) empty(ind, 'null');
    else if (typeof x === 'boolean') empty(ind, 'bool', [['value', x ? 'true' : 'false']]);
    else if (typeof x === 'number' || typeof x === 'bigint') empty(ind, 'int', [['value', String(x)]]);
    else if (typeof x === 'string') empty(ind, 'string', [['value', x]]);
    else if (x instanceof NixString) {
      for (const c of x.ctx) ctx.add(c);
      empty(ind, 'string', [['value', x.s]]);
    } else if (x instanceof NixFloat) empty(ind, 'float', [['value', formatFloatForPrint(x.v)]]);
    else if (x instanceof NixPath) empty(ind, 'path', [['value', x.p]]);
    else if (Array.isArray(x)) {
      open(ind, 'list');
      for (const e of x) go(e, ind + 2);
      close(ind, 'list');
    } else if (x instanceof NixAttrs) {
      if (isDerivation(x)) {
        const at: [string, string][] = [];
        let drvPath = '';
        const dp = x.get('drvPath');
        if (dp !== undefined) {
          const d = force(dp);
          if (typeof d === 'string' || d instanceof NixString) {
            drvPath = typeof d === 'string' ? d : d.s;
            at.push(['drvPath', drvPath]);
          }
        }
        const op = x.get('outPath');
        if (op !== undefined) {
          const o = force(op);
          if (typeof o === 'string' || o instanceof NixString) at.push(['outPath', typeof o === 'string' ? o : o.s]);
        }
        open(ind, 'derivation', at);
        if (drvPath !== '' && !drvsSeen.has(drvPath)) {
          drvsSeen.add(drvPath);
          showAttrs(x, ind + 2);
        } else empty(ind + 2, 'repeated');
        close(ind, 'derivation');
      } else {
        open(ind, 'attrs');
        showAttrs(x, ind + 2);
        close(ind, 'attrs');
      }
    } else if (x instanceof Lambda) {
      const info = x.info;
      const at: [string, string][] = [];
      if (location) at.push(['column', String(info.pos.col)], ['line', String(info.pos.line)], ['path', posFile(info.pos.src)]);
      open(ind, 'function', at);
      if (info.formals) {
        const pa: [string, string][] = [];
        if (info.ellipsis) pa.push(['ellipsis', '1']);
        if (info.name) pa.push(['name', info.name]);
        open(ind + 2, 'attrspat', pa);
        const names = info.formals.map((f) => f.name).sort();
        for (const n of names) empty(ind + 4, 'attr', [['name', n]]);
        close(ind + 2, 'attrspat');
      } else empty(ind + 2, 'varpat', [['name', info.name ?? '']]);
      close(ind, 'function');
    } else if (x instanceof Thunk) empty(ind, 'unevaluated');
    else empty(ind, 'unevaluated');
  };
  open(0, 'expr');
  go(v, 2);
  close(0, 'expr');
  return lines.join('\n') + '\n';
}

export { callValue };
