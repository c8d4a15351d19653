// On-disk cache of parsed files: the AST of a .nix file as JSON (format below), keyed by the
// file's path and validated against a hash of its contents, the parser and compiler builds,
// $HOME (home-path literals are resolved at parse time) and the names of the root scope. An
// entry is only written after the file compiled without error in that root scope (every
// variable resolved), so a cached AST is also "checked": the compiler may then compile
// function bodies on first call only.
import * as fs from 'fs';
import * as nodePath from 'path';
import type { Node, Source } from './ast';
import { LazyPos, LineIndex } from './parser';

const FORMAT = 'nix-ast-2';

// loaded on first use: `nixos-container eval` of plain expressions never needs it
const crypto = {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  createHash: (alg: string) => (require('crypto') as typeof import('crypto')).createHash(alg),
};

let parserStamp: string | null = null;
function stamp(): string {
  if (parserStamp === null) {
    let m = '';
    try {
      // the parser makes the trees; the compiler names their functions (see nameLambda)
      const h = crypto.createHash('sha1');
      for (const mod of ['./parser', './compile']) h.update(fs.readFileSync(require.resolve(mod)));
      m = h.digest('hex');
    } catch {
      /* no stamp: still keyed by contents */
    }
    parserStamp = `${FORMAT}|${m}|${process.env.HOME ?? ''}`;
  }
  return parserStamp;
}

function keyOf(sig: string, file: string, text: string): Buffer {
  return crypto.createHash('sha1').update(stamp()).update('\0').update(sig).update('\0').update(file).update('\0').update(text, 'latin1').digest();
}

function entryPath(dir: string, file: string): string {
  return nodePath.join(dir, crypto.createHash('sha1').update(file).digest('hex') + '.ast');
}

/*
 * Entry format: 20-byte key | u32 LE length of the main part | main part | bodies.
 * Each part is JSON (written as latin1: AST strings are byte strings) of the AST with every
 * Pos replaced by its offset, a Map by {"$m": entries} and a bigint by {"$b": digits}.
 * The body of a function with at least LAZY_MIN nodes is not in its parent part but a part
 * of its own, and the function's body in the parent is {"k": "lazy", "o": offset, "n": length}:
 * it is only decoded when the compiler asks for it (see LazyBody), so the code of a module
 * that a configuration never calls (most of them) costs no objects. JSON.parse also makes
 * objects about twice as fast as v8.deserialize.
 */
const LAZY_MIN = 24;

/** Plain copy of an AST (Pos as offset, Maps and bigints tagged), with its node count. */
function encode(x: unknown, bodies: string[], offset: { n: number }): { v: unknown; size: number } {
  if (typeof x === 'bigint') return { v: { $b: x.toString() }, size: 0 };
  if (typeof x !== 'object' || x === null) return { v: x, size: 0 };
  if (x instanceof LazyPos) return { v: x.offset, size: 0 };
  if (x instanceof LazyBody) return encode(x.get(), bodies, offset);
  if (Array.isArray(x)) {
    let size = 0;
    const out = x.map((e) => {
      const r = encode(e, bodies, offset);
      size += r.size;
      return r.v;
    });
    return { v: out, size };
  }
  if (x instanceof Map) {
    let size = 0;
    const entries: unknown[] = [];
    for (const [k, v] of x) {
      const r = encode(v, bodies, offset);
      size += r.size;
      entries.push([k, r.v]);
    }
    return { v: { $m: entries }, size };
  }
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) throw new Error('ast-cache: unexpected object in AST');
  const o = x as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const lambda = o.k === 'lambda';
  let size = typeof o.k === 'string' ? 1 : 0;
  for (const k of Object.keys(o)) {
    const r = encode(o[k], bodies, offset);
    if (lambda && k === 'body' && r.size >= LAZY_MIN) {
      // (its own lazy bodies are already out: r.size counts what stays in it)
      const json = JSON.stringify(r.v);
      bodies.push(json);
      out.body = { k: 'lazy', o: offset.n, n: json.length };
      offset.n += json.length;
      continue;
    }
    size += r.size;
    out[k] = r.v;
  }
  return { v: out, size };
}

/** Turns a parsed part back into AST nodes, in place. */
function decode(x: unknown, file: Loaded): unknown {
  if (typeof x !== 'object' || x === null) return x;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) x[i] = decode(x[i], file);
    return x;
  }
  const o = x as Record<string, unknown>;
  if (o.$m !== undefined) {
    const m = new Map<string, unknown>();
    for (const [k, v] of o.$m as [string, unknown][]) m.set(k, decode(v, file));
    return m;
  }
  if (o.$b !== undefined) return BigInt(o.$b as string);
  if (o.k === 'lazy') return new LazyBody(file, o.o as number, o.n as number);
  for (const k in o) {
    const v = o[k];
    if (k === 'pos') {
      if (typeof v === 'number') o.pos = new LazyPos(file.src, v, file.li);
    } else if (typeof v === 'object' && v !== null) o[k] = decode(v, file);
  }
  return o;
}

/** A cached file: its entry (the bodies are decoded from it on demand) and line index. */
interface Loaded {
  src: Source;
  li: LineIndex;
  buf: Buffer;
  bodiesAt: number;
}

/** A function body not decoded yet: a node of kind 'lazy' whose get() gives the body. */
export class LazyBody {
  readonly k = 'lazy';
  private node: Node | null = null;
  constructor(private file: Loaded | null, private readonly o: number, private readonly n: number) {}
  get(): Node {
    if (this.node === null) {
      const f = this.file!;
      const at = f.bodiesAt + this.o;
      this.node = decode(JSON.parse(f.buf.toString('latin1', at, at + this.n)), f) as Node;
      this.file = null;
    }
    return this.node;
  }
}

export class AstCache {
  private ok = true;
  /** `under`: cache only files below this directory (e.g. a shipped nixpkgs tree). */
  private readonly sig: string;
  /** rootNames: the names of the root scope the files are compiled in. */
  constructor(private readonly dir: string, rootNames: Iterable<string>, private readonly under?: string) {
    this.sig = crypto.createHash('sha1').update([...rootNames].sort().join('\0')).digest('hex');
  }

  private wanted(file: string): boolean {
    return this.ok && (this.under === undefined || file.startsWith(this.under + '/'));
  }

  /** The cached AST of `src` (a file), or undefined. */
  load(src: Source): Node | undefined {
    if (!this.wanted(src.file)) return undefined;
    let buf: Buffer;
    try {
      buf = fs.readFileSync(entryPath(this.dir, src.file));
    } catch {
      return undefined;
    }
    if (buf.length < 24 || !buf.subarray(0, 20).equals(keyOf(this.sig, src.file, src.text))) return undefined;
    try {
      const mainLen = buf.readUInt32LE(20);
      const file: Loaded = { src, li: new LineIndex(src.text), buf, bodiesAt: 24 + mainLen };
      return decode(JSON.parse(buf.toString('latin1', 24, 24 + mainLen)), file) as Node;
    } catch {
      return undefined;
    }
  }

  /** Remember `ast` (call only after it compiled without error in the root scope). */
  store(src: Source, ast: Node): void {
    if (!this.wanted(src.file)) return;
    try {
      const bodies: string[] = [];
      const main = JSON.stringify(encode(ast, bodies, { n: 0 }).v);
      // byte strings only (a character above \xff would not survive latin1)
      if (/[^\x00-\xff]/.test(main) || bodies.some((b) => /[^\x00-\xff]/.test(b))) return;
      const len = Buffer.alloc(4);
      len.writeUInt32LE(main.length);
      const body = Buffer.concat([len, Buffer.from(main, 'latin1'), ...bodies.map((b) => Buffer.from(b, 'latin1'))]);
      fs.mkdirSync(this.dir, { recursive: true });
      const dest = entryPath(this.dir, src.file);
      const tmp = `${dest}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, Buffer.concat([keyOf(this.sig, src.file, src.text), body]));
      fs.renameSync(tmp, dest);
    } catch {
      this.ok = false; // read-only or full cache dir: parse every time
    }
  }
}
