// On-disk cache of parsed files: the AST of a .nix file, serialised with v8.serialize
// (positions stored as byte offsets), keyed by the file's path and validated against a hash
// of its contents, the parser build, $HOME (home-path literals are resolved at parse time)
// and the names of the root scope. An entry is only written after the file compiled without
// error in that root scope (every variable resolved), so a cached AST is also "checked":
// the compiler may then compile function bodies on first call only.
import * as fs from 'fs';
import * as nodePath from 'path';
import type { Node, Source } from './ast';
import { LazyPos, LineIndex } from './parser';

const FORMAT = 'nix-ast-1';

// loaded on first use: `nixos-container eval` of plain expressions never needs them
/* eslint-disable @typescript-eslint/no-var-requires */
const crypto = {
  createHash: (alg: string) => (require('crypto') as typeof import('crypto')).createHash(alg),
};
const v8 = {
  serialize: (x: unknown): Buffer => (require('v8') as typeof import('v8')).serialize(x),
  deserialize: (b: Buffer): unknown => (require('v8') as typeof import('v8')).deserialize(b),
};
/* eslint-enable @typescript-eslint/no-var-requires */

let parserStamp: string | null = null;
function stamp(): string {
  if (parserStamp === null) {
    let m = '';
    try {
      m = crypto.createHash('sha1').update(fs.readFileSync(require.resolve('./parser'))).digest('hex');
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

/** Plain copy of an AST with every Pos replaced by its offset (shared nodes stay shared). */
function encode(x: unknown, memo: Map<object, unknown>): unknown {
  if (typeof x !== 'object' || x === null) return x;
  if (x instanceof LazyPos) return x.offset;
  const seen = memo.get(x);
  if (seen !== undefined) return seen;
  if (Array.isArray(x)) {
    const out: unknown[] = [];
    memo.set(x, out);
    for (const e of x) out.push(encode(e, memo));
    return out;
  }
  if (x instanceof Map) {
    const out = new Map<unknown, unknown>();
    memo.set(x, out);
    for (const [k, v] of x) out.set(k, encode(v, memo));
    return out;
  }
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) throw new Error('ast-cache: unexpected object in AST');
  const out: Record<string, unknown> = {};
  memo.set(x, out);
  for (const k of Object.keys(x)) out[k] = encode((x as Record<string, unknown>)[k], memo);
  return out;
}

function decode(x: unknown, src: Source, li: LineIndex): void {
  if (typeof x !== 'object' || x === null) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) decode(x[i], src, li);
    return;
  }
  if (x instanceof Map) {
    for (const v of x.values()) decode(v, src, li);
    return;
  }
  if (x instanceof LazyPos) return; // shared node, already restored
  const o = x as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (k === 'pos') {
      if (typeof v === 'number') o.pos = new LazyPos(src, v, li);
    } else if (typeof v === 'object' && v !== null) decode(v, src, li);
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
    if (buf.length < 20 || !buf.subarray(0, 20).equals(keyOf(this.sig, src.file, src.text))) return undefined;
    try {
      const tree = v8.deserialize(buf.subarray(20)) as Node;
      decode(tree, src, new LineIndex(src.text));
      return tree;
    } catch {
      return undefined;
    }
  }

  /** Remember `ast` (call only after it compiled without error in the root scope). */
  store(src: Source, ast: Node): void {
    if (!this.wanted(src.file)) return;
    try {
      const body = v8.serialize(encode(ast, new Map()));
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
