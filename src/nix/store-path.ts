// Store paths, hashes, NAR serialisation and derivations exactly as Nix 2.8 computes them.
// Pure functions except the NAR/file ones, which read the file system (never write).
//
// Strings (names, file contents given as strings, env values, ATerm text) are *byte strings*
// (one JS char per byte), the evaluator's representation; Buffers are accepted where noted.
//
// Derivations: `computeDerivationPaths(input, hashes)` needs the "hash modulo" of every input
// derivation. Pass a `DrvHashCache`: every derivation computed through it is remembered
// (drvPath -> hash), and unknown input drvs are read from disk (`<realStoreDir>/<base>`,
// parsed with `parseDerivation`) when a `readDrv` callback is configured. A process-wide
// default cache is used when none is passed.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

export type HashAlgo = 'md5' | 'sha1' | 'sha256' | 'sha512';
export type HashEncoding = 'base16' | 'base32' | 'base64' | 'sri';

const HASH_SIZES: Record<HashAlgo, number> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

export function isHashAlgo(s: string): s is HashAlgo {
  return s === 'md5' || s === 'sha1' || s === 'sha256' || s === 'sha512';
}

function toBuf(s: string | Buffer | Uint8Array): Buffer {
  if (typeof s === 'string') return Buffer.from(s, 'latin1');
  return Buffer.isBuffer(s) ? s : Buffer.from(s);
}

// ---------------------------------------------------------------- base-32

// Encoding is shared with the store on disk (src/state/store.ts); decoding lives here.
import { nixBase32 } from '../state/store';

export { nixBase32 };

const B32 = '0123456789abcdfghijklmnpqrsvwxyz';

/** Inverse of nixBase32; `size` = number of bytes (defaults to floor(len*5/8)). */
export function nixBase32Decode(s: string, size = Math.floor((s.length * 5) / 8)): Buffer {
  const out = Buffer.alloc(size);
  for (let n = 0; n < s.length; n++) {
    const c = s[s.length - n - 1];
    const digit = B32.indexOf(c);
    if (digit < 0) throw new Error(`invalid base-32 hash '${s}'`);
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    if (i < size) out[i] |= (digit << j) & 0xff;
    const carry = digit >> (8 - j);
    if (i + 1 < size) out[i + 1] |= carry;
    else if (carry) throw new Error(`invalid base-32 hash '${s}'`);
  }
  return out;
}

/** Length of the base-32 form of a hash of `bytes` bytes. */
export function base32Len(bytes: number): number {
  return Math.ceil((bytes * 8) / 5);
}

// ---------------------------------------------------------------- hashes

export function hashBytes(algo: HashAlgo, data: string | Buffer | Uint8Array): Buffer {
  return createHash(algo).update(toBuf(data)).digest();
}

export function encodeHash(algo: HashAlgo, digest: Buffer, encoding: HashEncoding): string {
  switch (encoding) {
    case 'base16': return digest.toString('hex');
    case 'base32': return nixBase32(digest);
    case 'base64': return digest.toString('base64');
    case 'sri': return `${algo}-${digest.toString('base64')}`;
  }
}

/** builtins.hashString (base16 in Nix 2.8) and friends. */
export function hashString(algo: HashAlgo, s: string | Buffer, encoding: HashEncoding = 'base16'): string {
  return encodeHash(algo, hashBytes(algo, s), encoding);
}

/** builtins.hashFile: hash of a file's contents. */
export function hashFile(algo: HashAlgo, fsPath: string, encoding: HashEncoding = 'base16'): string {
  return encodeHash(algo, hashBytes(algo, fs.readFileSync(fsPath)), encoding);
}

/** Parse a hash given in base16, Nix base-32, base64 or SRI form (`algo` may be omitted for
 *  SRI / "algo:hash" forms). Returns the digest and its algorithm. */
export function parseHash(s: string, algo?: HashAlgo): { algo: HashAlgo; digest: Buffer } {
  let a = algo;
  let rest = s;
  const sri = /^(md5|sha1|sha256|sha512)-(.*)$/.exec(s);
  const colon = /^(md5|sha1|sha256|sha512):(.*)$/.exec(s);
  if (sri) {
    if (a && a !== sri[1]) throw new Error(`hash '${s}' should have type '${a}'`);
    a = sri[1] as HashAlgo;
    const d = Buffer.from(sri[2], 'base64');
    if (d.length !== HASH_SIZES[a]) throw new Error(`invalid SRI hash '${s}'`);
    return { algo: a, digest: d };
  }
  if (colon) {
    if (a && a !== colon[1]) throw new Error(`hash '${s}' should have type '${a}'`);
    a = colon[1] as HashAlgo;
    rest = colon[2];
  }
  if (!a) throw new Error(`hash '${s}' does not include a type`);
  const size = HASH_SIZES[a];
  if (rest.length === size * 2 && /^[0-9a-fA-F]+$/.test(rest)) return { algo: a, digest: Buffer.from(rest, 'hex') };
  if (rest.length === base32Len(size)) return { algo: a, digest: nixBase32Decode(rest, size) };
  if (rest.length === Math.ceil(size / 3) * 4) {
    const d = Buffer.from(rest, 'base64');
    if (d.length === size) return { algo: a, digest: d };
  }
  throw new Error(`hash '${s}' has wrong length for hash type '${a}'`);
}

/** XOR-fold a digest to `size` bytes (Nix's compressHash). */
export function compressHash(digest: Uint8Array, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < digest.length; i++) out[i % size] ^= digest[i];
  return out;
}

// ---------------------------------------------------------------- store paths

export const DEFAULT_STORE_DIR = '/nix/store';

/** Validates the name part of a store path like Nix 2.8 (message uses the base name). */
export function checkStoreName(baseName: string, name: string): void {
  if (name.length === 0) throw new Error(`store path '${baseName}' has an empty name`);
  if (name.length > 211) throw new Error(`store path '${baseName}' has a name longer than 211 characters`);
  for (const ch of name) {
    if (!/[A-Za-z0-9+\-._?=]/.test(ch)) throw new Error(`store path '${baseName}' contains illegal character '${ch}'`);
  }
}

/** `type:sha256:<hashHex>:<storeDir>:<name>` -> `<storeDir>/<base32(fold20(sha256))>-<name>`.
 *  `type` is e.g. "source", "text:/nix/store/ref1", "output:out". */
export function makeStorePath(type: string, hashHex: string, name: string, storeDir = DEFAULT_STORE_DIR): string {
  const s = `${type}:sha256:${hashHex}:${storeDir}:${name}`;
  const h = compressHash(hashBytes('sha256', s), 20);
  const base = `${nixBase32(h)}-${name}`;
  checkStoreName(base, name);
  return `${storeDir}/${base}`;
}

/** `type` plus sorted references (and ":self"), as Nix's makeType. */
export function makeType(type: string, references: Iterable<string> = [], hasSelfReference = false): string {
  let res = type;
  for (const r of [...new Set(references)].sort(cmpBytes)) res += ':' + r;
  if (hasSelfReference) res += ':self';
  return res;
}

function cmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** builtins.toFile / derivation .drv files: a "text" path over sha256(contents). */
export function makeTextPath(storeDir: string, name: string, contents: string | Buffer, references: Iterable<string> = []): string {
  return makeStorePath(makeType('text', references), hashString('sha256', contents), name, storeDir);
}

export type FileIngestionMethod = 'flat' | 'recursive';

/** Fixed-output path (fetchurl-style outputs, builtins.path, fixed-output derivations).
 *  recursive+sha256 gives a "source" path; anything else goes through "fixed:out:". */
export function makeFixedOutputPath(
  storeDir: string,
  name: string,
  method: FileIngestionMethod,
  algo: HashAlgo,
  digest: Buffer,
  references: Iterable<string> = [],
  hasSelfReference = false,
): string {
  if (algo === 'sha256' && method === 'recursive') {
    return makeStorePath(makeType('source', references, hasSelfReference), digest.toString('hex'), name, storeDir);
  }
  const inner = `fixed:out:${method === 'recursive' ? 'r:' : ''}${algo}:${digest.toString('hex')}:`;
  return makeStorePath('output:out', hashString('sha256', inner), name, storeDir);
}

// ---------------------------------------------------------------- NAR

/** builtins.filterSource / builtins.path filter: (absolute path, type) -> keep? */
export type PathFilter = (fsPath: string, type: 'regular' | 'directory' | 'symlink' | 'unknown') => boolean;

type Sink = (chunk: Buffer) => void;

function narStr(sink: Sink, s: string | Buffer): void {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  const len = Buffer.alloc(8);
  len.writeUInt32LE(b.length % 0x100000000, 0);
  len.writeUInt32LE(Math.floor(b.length / 0x100000000), 4);
  sink(len);
  sink(b);
  const pad = (8 - (b.length % 8)) % 8;
  if (pad) sink(Buffer.alloc(pad));
}

function fileType(st: fs.Stats): 'regular' | 'directory' | 'symlink' | 'unknown' {
  if (st.isFile()) return 'regular';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'unknown';
}

function dumpNode(sink: Sink, p: string, filter: PathFilter | undefined): void {
  const st = fs.lstatSync(p);
  narStr(sink, '(');
  if (st.isFile()) {
    narStr(sink, 'type');
    narStr(sink, 'regular');
    if (st.mode & 0o100) {
      narStr(sink, 'executable');
      narStr(sink, '');
    }
    narStr(sink, 'contents');
    narStr(sink, fs.readFileSync(p));
  } else if (st.isSymbolicLink()) {
    narStr(sink, 'type');
    narStr(sink, 'symlink');
    narStr(sink, 'target');
    narStr(sink, fs.readlinkSync(p, { encoding: 'buffer' }));
  } else if (st.isDirectory()) {
    narStr(sink, 'type');
    narStr(sink, 'directory');
    const names = fs.readdirSync(p, { encoding: 'buffer' }).map((b) => b.toString('latin1'));
    names.sort(cmpBytes);
    for (const name of names) {
      const child = nodePath.join(p, Buffer.from(name, 'latin1').toString());
      if (filter && !filter(child, fileType(fs.lstatSync(child)))) continue;
      narStr(sink, 'entry');
      narStr(sink, '(');
      narStr(sink, 'name');
      narStr(sink, name);
      narStr(sink, 'node');
      dumpNode(sink, child, filter);
      narStr(sink, ')');
    }
  } else {
    throw new Error(`file '${p}' has an unsupported type`);
  }
  narStr(sink, ')');
}

/** Streams the NAR serialisation of `fsPath` into `sink`. The filter is applied to entries
 *  below the root (never to the root itself), as Nix does. */
export function streamNar(fsPath: string, sink: (chunk: Buffer) => void, filter?: PathFilter): void {
  narStr(sink, 'nix-archive-1');
  dumpNode(sink, fsPath, filter);
}

/** The NAR serialisation of a file, directory or symlink (as `nix-store --dump`). */
export function dumpNar(fsPath: string, filter?: PathFilter): Buffer {
  const chunks: Buffer[] = [];
  streamNar(fsPath, (c) => chunks.push(c), filter);
  return Buffer.concat(chunks);
}

/** Hash of the NAR serialisation (raw digest). */
export function narHashDigest(fsPath: string, filter?: PathFilter, algo: HashAlgo = 'sha256'): Buffer {
  const h = createHash(algo);
  streamNar(fsPath, (c) => h.update(c), filter);
  return h.digest();
}

/** sha256 of the NAR, as "sha256:<base32>" (Nix's narHash notation). */
export function narHash(fsPath: string, filter?: PathFilter): string {
  return 'sha256:' + nixBase32(narHashDigest(fsPath, filter));
}

/** The store path that `"${./foo}"`, builtins.path and filterSource give for `fsPath`:
 *  recursive sha256 of the NAR, type "source". `name` defaults to the base name. */
export function makeSourcePath(storeDir: string, name: string | null, fsPath: string, filter?: PathFilter): string {
  const n = name ?? nodePath.basename(fsPath);
  return makeFixedOutputPath(storeDir, n, 'recursive', 'sha256', narHashDigest(fsPath, filter));
}

/** builtins.path with recursive = false: flat sha256 of the file's contents. */
export function makeFlatSourcePath(storeDir: string, name: string | null, fsPath: string): string {
  const n = name ?? nodePath.basename(fsPath);
  return makeFixedOutputPath(storeDir, n, 'flat', 'sha256', hashBytes('sha256', fs.readFileSync(fsPath)));
}

// ---------------------------------------------------------------- derivations

export interface DerivationOutput {
  /** Output path ("" while masked). */
  path: string;
  /** "" or e.g. "sha256" / "r:sha256" for fixed outputs. */
  hashAlgo: string;
  /** "" or the hex hash for fixed outputs. */
  hash: string;
}

export interface Derivation {
  /** Output name -> output. */
  outputs: Map<string, DerivationOutput>;
  /** Input derivation path (or, while hashing modulo, its hash) -> output names. */
  inputDrvs: Map<string, string[]>;
  inputSrcs: string[];
  platform: string;
  builder: string;
  args: string[];
  env: Map<string, string>;
}

function atermString(s: string): string {
  let out = '"';
  let chunk = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (c === 0x0a) rep = '\\n';
    else if (c === 0x0d) rep = '\\r';
    else if (c === 0x09) rep = '\\t';
    if (rep !== null) {
      out += s.slice(chunk, i) + rep;
      chunk = i + 1;
    }
  }
  return out + s.slice(chunk) + '"';
}

function atermList(items: string[]): string {
  return '[' + items.join(',') + ']';
}

/** The .drv text (ATerm), exactly as Nix writes it. With `maskOutputs`, output paths and
 *  the env entries named like outputs are written as "" (hashDerivationModulo's view). */
export function derivationToATerm(drv: Derivation, maskOutputs = false): string {
  const outs = [...drv.outputs.keys()].sort(cmpBytes).map((name) => {
    const o = drv.outputs.get(name)!;
    return `(${atermString(name)},${atermString(maskOutputs ? '' : o.path)},${atermString(o.hashAlgo)},${atermString(o.hash)})`;
  });
  const inDrvs = [...drv.inputDrvs.keys()].sort(cmpBytes).map((p) => {
    const outNames = [...new Set(drv.inputDrvs.get(p)!)].sort(cmpBytes);
    return `(${atermString(p)},${atermList(outNames.map(atermString))})`;
  });
  const srcs = [...new Set(drv.inputSrcs)].sort(cmpBytes).map(atermString);
  const env = [...drv.env.keys()].sort(cmpBytes).map((k) => {
    const v = maskOutputs && drv.outputs.has(k) ? '' : drv.env.get(k)!;
    return `(${atermString(k)},${atermString(v)})`;
  });
  return (
    'Derive(' +
    atermList(outs) + ',' +
    atermList(inDrvs) + ',' +
    atermList(srcs) + ',' +
    atermString(drv.platform) + ',' +
    atermString(drv.builder) + ',' +
    atermList(drv.args.map(atermString)) + ',' +
    atermList(env) +
    ')'
  );
}

/** Parses .drv text (ATerm) back into a Derivation. */
export function parseDerivation(text: string): Derivation {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`error parsing derivation: expected ${what} at offset ${i}`);
  };
  const expect = (lit: string) => {
    if (!text.startsWith(lit, i)) fail(`'${lit}'`);
    i += lit.length;
  };
  const str = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      if (i >= text.length) fail('end of string');
      const c = text[i++];
      if (c === '"') return out;
      if (c === '\\') {
        const e = text[i++];
        out += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
      } else out += c;
    }
  };
  const list = <T>(item: () => T): T[] => {
    expect('[');
    const out: T[] = [];
    while (text[i] !== ']') {
      if (out.length) expect(',');
      out.push(item());
    }
    i++;
    return out;
  };
  expect('Derive(');
  const outputs = new Map<string, DerivationOutput>();
  for (const [name, path, hashAlgo, hash] of list(() => {
    expect('(');
    const a = str(); expect(',');
    const b = str(); expect(',');
    const c = str(); expect(',');
    const d = str(); expect(')');
    return [a, b, c, d];
  })) outputs.set(name, { path, hashAlgo, hash });
  expect(',');
  const inputDrvs = new Map<string, string[]>();
  for (const [p, outs] of list(() => {
    expect('(');
    const p = str(); expect(',');
    const o = list(str); expect(')');
    return [p, o] as [string, string[]];
  })) inputDrvs.set(p, outs);
  expect(',');
  const inputSrcs = list(str);
  expect(',');
  const platform = str(); expect(',');
  const builder = str(); expect(',');
  const args = list(str); expect(',');
  const env = new Map<string, string>();
  for (const [k, v] of list(() => {
    expect('(');
    const k = str(); expect(',');
    const v = str(); expect(')');
    return [k, v];
  })) env.set(k, v);
  expect(')');
  return { outputs, inputDrvs, inputSrcs, platform, builder, args, env };
}

/** Remembers hashDerivationModulo results per .drv path (like Nix's drvHashes). */
export class DrvHashCache {
  private readonly hashes = new Map<string, string>();
  /** `readDrv(drvPath)` returns the .drv text of an input derivation not computed through
   *  this cache (e.g. read from the on-disk store), or null if unknown. */
  constructor(public readDrv: ((drvPath: string) => string | null) | null = defaultReadDrv) {}

  set(drvPath: string, hashHex: string): void {
    this.hashes.set(drvPath, hashHex);
  }

  /** Hash modulo (hex) of an input derivation, computing it from its .drv text if needed. */
  get(drvPath: string): string {
    const h = this.hashes.get(drvPath);
    if (h !== undefined) return h;
    const text = this.readDrv ? this.readDrv(drvPath) : null;
    if (text === null) throw new Error(`don't know how to compute the hash of derivation '${drvPath}' (not built in this evaluation)`);
    const hh = hashDerivationModulo(parseDerivation(text), this, false);
    this.hashes.set(drvPath, hh);
    return hh;
  }
}

function defaultReadDrv(drvPath: string): string | null {
  try {
    return fs.readFileSync(drvPath, 'latin1');
  } catch {
    return null;
  }
}

export const defaultDrvHashCache = new DrvHashCache();

/** Nix's hashDerivationModulo (hex sha256). Fixed-output derivations hash to
 *  sha256("fixed:out:<algo>:<hash>:<path>"); others hash their ATerm with each input drv
 *  path replaced by that input's own hash modulo. */
export function hashDerivationModulo(drv: Derivation, hashes: DrvHashCache, maskOutputs: boolean): string {
  if (drv.outputs.size === 1) {
    const o = drv.outputs.get('out');
    if (o && o.hash !== '') {
      return hashString('sha256', `fixed:out:${o.hashAlgo}:${o.hash}:${o.path}`);
    }
  }
  const inputs2 = new Map<string, string[]>();
  for (const [p, outs] of drv.inputDrvs) {
    const h = hashes.get(p);
    const prev = inputs2.get(h);
    inputs2.set(h, prev ? [...prev, ...outs] : outs);
  }
  return hashString('sha256', derivationToATerm({ ...drv, inputDrvs: inputs2 }, maskOutputs));
}

export interface FixedOutputInfo {
  /** outputHash as given (base16, base32, base64 or SRI). */
  outputHash: string;
  /** outputHashAlgo ("sha256", ...); may be empty/undefined for SRI hashes. */
  outputHashAlgo?: string | null;
  /** "flat" (default) or "recursive". */
  outputHashMode?: 'flat' | 'recursive' | null;
}

export interface DerivationInput {
  name: string;
  system: string;
  builder: string;
  args: string[];
  /** Every env var derivationStrict puts in the drv (name, system, builder, outputs if
   *  given, user attrs...) EXCEPT the output paths, which are filled in here. */
  env: Record<string, string> | Map<string, string>;
  /** Output names (default ["out"]). */
  outputs?: string[];
  /** Input derivation path -> output names used. */
  inputDrvs?: Record<string, string[]> | Map<string, string[]>;
  /** Plain store paths the derivation refers to. */
  inputSrcs?: string[];
  fixed?: FixedOutputInfo | null;
  storeDir?: string;
}

export interface DerivationPaths {
  drvPath: string;
  outPaths: Record<string, string>;
  drvText: string;
  /** The hash modulo recorded for drvPath (hex). */
  hashModulo: string;
  drv: Derivation;
}

/** Output path name: `name` for "out", else `name-output`. */
export function outputPathName(drvName: string, output: string): string {
  return output === 'out' ? drvName : `${drvName}-${output}`;
}

/** What derivationStrict computes: output paths, the .drv text and the .drv path. The
 *  result's hash modulo is stored in `hashes` so dependent derivations can be computed. */
export function computeDerivationPaths(input: DerivationInput, hashes: DrvHashCache = defaultDrvHashCache): DerivationPaths {
  const storeDir = input.storeDir ?? DEFAULT_STORE_DIR;
  const outputNames = input.outputs && input.outputs.length ? input.outputs : ['out'];
  const env = input.env instanceof Map ? new Map(input.env) : new Map(Object.entries(input.env));
  const inputDrvs = new Map<string, string[]>();
  if (input.inputDrvs) {
    const entries = input.inputDrvs instanceof Map ? [...input.inputDrvs] : Object.entries(input.inputDrvs);
    for (const [p, outs] of entries) inputDrvs.set(p, [...new Set([...(inputDrvs.get(p) ?? []), ...outs])].sort(cmpBytes));
  }
  const drv: Derivation = {
    outputs: new Map(),
    inputDrvs,
    inputSrcs: [...new Set(input.inputSrcs ?? [])].sort(cmpBytes),
    platform: input.system,
    builder: input.builder,
    args: input.args,
    env,
  };
  const outPaths: Record<string, string> = {};
  if (input.fixed) {
    if (outputNames.length !== 1 || outputNames[0] !== 'out') {
      throw new Error("multiple outputs are not supported in fixed-output derivations");
    }
    const mode = input.fixed.outputHashMode ?? 'flat';
    const algoIn = input.fixed.outputHashAlgo || undefined;
    if (algoIn !== undefined && !isHashAlgo(algoIn)) throw new Error(`unknown hash algorithm '${algoIn}'`);
    const { algo, digest } = parseHash(input.fixed.outputHash, algoIn);
    const outPath = makeFixedOutputPath(storeDir, input.name, mode, algo, digest);
    drv.outputs.set('out', { path: outPath, hashAlgo: (mode === 'recursive' ? 'r:' : '') + algo, hash: digest.toString('hex') });
    env.set('out', outPath);
    outPaths.out = outPath;
  } else {
    for (const o of outputNames) {
      drv.outputs.set(o, { path: '', hashAlgo: '', hash: '' });
      env.set(o, '');
    }
    const h = hashDerivationModulo(drv, hashes, true);
    for (const o of outputNames) {
      const p = makeStorePath('output:' + o, h, outputPathName(input.name, o), storeDir);
      drv.outputs.set(o, { path: p, hashAlgo: '', hash: '' });
      env.set(o, p);
      outPaths[o] = p;
    }
  }
  const drvText = derivationToATerm(drv);
  const refs = [...drv.inputSrcs, ...drv.inputDrvs.keys()];
  const drvPath = makeTextPath(storeDir, input.name + '.drv', drvText, refs);
  const hashModulo = hashDerivationModulo(drv, hashes, false);
  hashes.set(drvPath, hashModulo);
  return { drvPath, outPaths, drvText, hashModulo, drv };
}
