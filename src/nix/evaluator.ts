// The Evaluator: owns the base environment, the builtins, import caches, search path
// and store settings. Public surface is re-exported by index.ts.
import * as fs from 'fs';
import * as nodePath from 'path';
import type { Node, Source } from './ast';
import { Compiler, Scope } from './compile';
import { NixError, sysErrorText } from './errors';
import { canonPath, parse } from './parser';
import { AstCache } from './ast-cache';
import { forceDeep, printValue } from './printer';
import { GLOBAL_NAMES, makeBuiltins, readFileBytes } from './builtins';
import {
  EvalContext,
  callValue,
  coerceToString,
  force,
  forceAttrs,
  forceList,
  forceStringNoCtx,
  getAttrOrThrow,
} from './runtime';
import { formatFloatToString, storePath } from './support';
import { Env, mkEnv, NixAttrs, NixPath, NixString, Thunk, Value, fromUtf8, mkStr, toUtf8 } from './values';

export interface EvalOptions {
  /** "name=path" or "path", like -I */
  searchPath?: string[];
  /** default process.env.NIX_STORE_DIR || '/nix/store' */
  storeDir?: string;
  /** added to the base scope but NOT to `builtins` */
  extraGlobals?: Record<string, Value>;
  /**
   * Host extensions added to `builtins` (so Nix code can probe `builtins ? name` and still run
   * under a plain nix-instantiate). Called once, while the evaluator is being constructed.
   */
  extraBuiltins?: (ev: Evaluator) => Record<string, Value>;
  /** whether toFile/path copies really write files into storeDir */
  writeStore?: boolean;
  /** add "… while evaluating" frames to error messages */
  showTrace?: boolean;
  /** newer Nix's --lint-* options (parse-time checks) */
  lint?: { absolutePathLiterals?: 'warn' | 'fatal'; shortPathLiterals?: 'warn' | 'fatal'; urlLiterals?: 'warn' | 'fatal' };
  /** experimental features (e.g. "parse-toml-timestamps") */
  experimentalFeatures?: string[];
  /** where trace/warn output goes (default: stderr) */
  traceOut?: (line: string) => void;
  /** directory of the on-disk cache of parsed files (none: parse every file) */
  astCacheDir?: string;
  /** cache only the files below this directory */
  astCacheUnder?: string;
  /**
   * Make a thunk wherever Nix 2.8 does (every expression but a literal or a variable), instead
   * of building cheap values (functions, lists, sets, integer arithmetic on values) at once.
   * Slower; for printing without --strict, where Nix shows an unforced thunk as `<CODE>`.
   */
  thunksAsNix?: boolean;
}

interface SearchEntry {
  prefix: string;
  path: string;
}

function findRepoRoot(): string | null {
  let d = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(nodePath.join(d, 'package.json')) && fs.existsSync(nodePath.join(d, 'nixpkgs'))) return d;
    const up = nodePath.dirname(d);
    if (up === d) break;
    d = up;
  }
  return null;
}

export class Evaluator implements EvalContext {
  storeDir: string;
  showTrace: boolean;
  writeStore: boolean;
  readonly builtins: NixAttrs;
  readonly baseEnv: Env;
  readonly rootScope: Scope;
  private compiler: Compiler;
  private importCache = new Map<string, Value>();
  private parseCache = new Map<string, Node>();
  /** files whose AST compiled completely in the root scope (compile bodies lazily) */
  private checkedFiles = new Set<string>();
  /** parsed files not yet in the AST cache (stored once compiled) */
  private uncachedSources = new Map<string, Source>();
  private storeCache = new Map<string, string>();
  private searchEntries: SearchEntry[];
  private traceSink: (line: string) => void;
  [k: string]: any;

  constructor(opts: EvalOptions = {}) {
    this.storeDir = opts.storeDir ?? process.env.NIX_STORE_DIR ?? '/nix/store';
    this.showTrace = opts.showTrace ?? false;
    this.writeStore = opts.writeStore ?? false;
    this.traceSink = opts.traceOut ?? ((line) => process.stderr.write(Buffer.from(line + '\n', 'latin1')));
    this.searchEntries = this.buildSearchPath(opts.searchPath ?? []);
    this.lintOpts = opts.lint;
    this.experimentalFeatures = new Set(opts.experimentalFeatures ?? []);

    const B = makeBuiltins(this);
    const nixPath: Value[] = this.searchEntries.map(
      (e) =>
        new NixAttrs(
          new Map<string, Value>([
            ['path', e.path],
            ['prefix', e.prefix],
          ]),
        ),
    );
    B.set('nixPath', nixPath);
    const bm = new Map<string, Value>(B);
    const extra = Object.entries(opts.extraBuiltins?.(this) ?? {});
    for (const [n, v] of extra) bm.set(n, v);
    const builtins = new NixAttrs(bm);
    bm.set('builtins', builtins);
    this.builtins = builtins;

    const names = new Map<string, number>();
    const vals: Value[] = [];
    const add = (n: string, v: Value) => {
      const i = names.get(n);
      if (i !== undefined) vals[i] = v;
      else {
        names.set(n, vals.length);
        vals.push(v);
      }
    };
    const globals = new Set(GLOBAL_NAMES);
    const extraNames = new Set(extra.map(([n]) => n));
    for (const [n, v] of bm) {
      if (extraNames.has(n)) continue; // only reachable as builtins.NAME
      if (globals.has(n)) add(n, v);
      else add('__' + n, v);
    }
    for (const [n, v] of Object.entries(opts.extraGlobals ?? {})) add(n, v);
    this.rootScope = new Scope(null, names);
    this.baseEnv = mkEnv(null, vals);
    this.compiler = new Compiler(this, this.rootScope, opts.thunksAsNix ?? false);
    // parse-time lint checks need the real parser run
    this.astCache = opts.astCacheDir && !opts.lint ? new AstCache(opts.astCacheDir, names.keys(), opts.astCacheUnder) : null;
  }

  // ---------------------------------------------------------------- search path

  private buildSearchPath(cli: string[]): SearchEntry[] {
    const entries: SearchEntry[] = [];
    const addEntry = (s: string) => {
      if (!s) return;
      const eq = s.indexOf('=');
      let prefix = '';
      let p = s;
      if (eq >= 0 && !/^[a-z]+:\/\//.test(s)) {
        prefix = s.slice(0, eq);
        p = s.slice(eq + 1);
      }
      if (/^[a-z]+:\/\//.test(p)) return; // URLs are not supported
      entries.push({ prefix: fromUtf8(prefix), path: fromUtf8(p) });
    };
    for (const s of cli) addEntry(s);
    const env = process.env.NIX_PATH;
    if (env) for (const s of env.split(':')) addEntry(s);
    return entries;
  }

  findFile(list: Value[], name: string): Value {
    for (const e of list) {
      const a = forceAttrs(e);
      const pr = a.get('prefix');
      const prefix = pr === undefined ? '' : forceStringNoCtx(pr);
      const pv = getAttrOrThrow(a, 'path');
      let p = coerceToString(this, pv, null, { copyToStore: false });
      let rest: string;
      if (prefix === '') rest = name;
      else if (name === prefix) rest = '';
      else if (name.startsWith(prefix + '/')) rest = name.slice(prefix.length + 1);
      else continue;
      if (!p.startsWith('/')) p = nodePath.resolve(p);
      const cand = rest ? p + '/' + rest : p;
      if (fs.existsSync(toUtf8(cand))) return new NixPath(canonPath(cand));
    }
    if ((name === 'nixpkgs' || name.startsWith('nixpkgs/')) && !list.some((e) => { const a = force(e); return a instanceof NixAttrs && a.get('prefix') !== undefined && forceStringNoCtx(a.get('prefix')!) === 'nixpkgs'; })) {
      // no nixpkgs entry: fall back to this project's own nixpkgs tree
      const root = findRepoRoot();
      if (root) {
        const cand = nodePath.join(root, name);
        if (fs.existsSync(cand)) return new NixPath(fromUtf8(cand));
      }
    }
    if (name.startsWith('nix/')) {
      // Nix's built-in corepkgs (<nix/fetchurl.nix> ...), shipped with this evaluator
      const root = findRepoRoot();
      const cand = root && nodePath.join(root, 'src', 'nix', 'corepkgs', name.slice(4));
      if (cand && fs.existsSync(cand)) return new NixPath(fromUtf8(cand));
    }
    throw new NixError(`file '${name}' was not found in the Nix search path (add it using $NIX_PATH or -I)`, null, 'throw');
  }

  // ---------------------------------------------------------------- parsing / import

  parseFile(file: string): Node {
    let n = this.parseCache.get(file);
    if (n === undefined) {
      const text = readFileBytes(file).toString('latin1');
      const src: Source = { file, text, isFile: true };
      const cache: AstCache | null = this.astCache;
      n = cache?.load(src);
      if (n !== undefined) this.checkedFiles.add(file);
      else {
        n = parse(src, { baseDir: nodePath.posix.dirname(file), lint: this.lintOpts, warn: (m) => this.traceOut(m) });
        if (cache) this.uncachedSources.set(file, src);
      }
      this.parseCache.set(file, n);
    }
    return n;
  }

  parseString(expr: string, baseDir: string, fileName = '«string»'): Node {
    const src: Source = { file: fromUtf8(fileName), text: fromUtf8(expr), isFile: false };
    return parse(src, { baseDir: fromUtf8(baseDir), lint: this.lintOpts, warn: (m) => this.traceOut(m) });
  }

  private resolveImportPath(p: string): string {
    let st: fs.Stats;
    try {
      st = fs.statSync(toUtf8(p));
    } catch (e) {
      throw new NixError(`getting status of '${p}': ${sysErrorText(e)}`);
    }
    return st.isDirectory() ? p + '/default.nix' : p;
  }

  /** Path argument of import/readFile...: a path or a string denoting an absolute path. */
  realisePath(v: Value): string {
    const x = force(v);
    if (x instanceof NixPath) return x.p;
    const s = coerceToString(this, x, null, { copyToStore: false });
    if (!s.startsWith('/')) throw new NixError(`string '${s}' doesn't represent an absolute path`);
    return s;
  }

  importPath(v: Value): Value {
    const file = this.resolveImportPath(this.realisePath(v));
    let r = this.importCache.get(file);
    if (r === undefined) {
      const t = new Thunk(() => {
        const node = this.parseFile(file);
        const checked = this.checkedFiles.has(file);
        const code = this.compiler.compileTop(node, this.rootScope, checked);
        if (!checked) {
          this.checkedFiles.add(file);
          const src = this.uncachedSources.get(file);
          if (src !== undefined) {
            this.uncachedSources.delete(file);
            this.astCache!.store(src, node);
          }
        }
        return code(this.baseEnv);
      }, this.baseEnv);
      this.importCache.set(file, t);
      r = t;
    }
    return force(r);
  }

  scopedImport(scope: NixAttrs, v: Value): Value {
    const file = this.resolveImportPath(this.realisePath(v));
    const node = this.parseFile(file);
    const names = new Map<string, number>();
    const vals: Value[] = [];
    for (const [k, val] of scope.m) {
      names.set(k, vals.length);
      vals.push(val);
    }
    const sc = new Scope(this.rootScope, names);
    const code = this.compiler.compileTop(node, sc);
    return code(mkEnv(this.baseEnv, vals));
  }

  // ---------------------------------------------------------------- store

  copyPathToStore(p: string): string {
    let r = this.storeCache.get(p);
    if (r === undefined) {
      r = this.addPathToStore(p, p.slice(p.lastIndexOf('/') + 1), null);
      this.storeCache.set(p, r);
    }
    return r;
  }

  addPathToStore(p: string, name: string, filter: Value | null): string {
    const fsPath = toUtf8(p);
    if (!fs.existsSync(fsPath)) throw new NixError(`getting status of '${p}': No such file or directory`);
    const sp = storePath();
    let filterFn: ((path: string, type: string) => boolean) | undefined;
    if (filter !== null) {
      filterFn = (path: string, type: string) => {
        const r = force(callValue(this, callValue(this, filter, fromUtf8(path)), type));
        if (typeof r !== 'boolean') throw new NixError(`value is ${typeof r} while a Boolean was expected`);
        return r;
      };
    }
    const out: string = sp.makeSourcePath(this.storeDir, toUtf8(name), fsPath, filterFn);
    if (this.writeStore) this.writeStorePath(out, fsPath, filterFn);
    return fromUtf8(out);
  }

  addFlatPathToStore(p: string, name: string): string {
    const fsPath = toUtf8(p);
    if (!fs.existsSync(fsPath)) throw new NixError(`getting status of '${p}': No such file or directory`);
    const out: string = storePath().makeFlatSourcePath(this.storeDir, toUtf8(name), fsPath);
    if (this.writeStore) this.writeStorePath(out, fsPath);
    return fromUtf8(out);
  }

  private writeStorePath(out: string, src: string, filter?: (path: string, type: string) => boolean): void {
    if (fs.existsSync(out)) return;
    fs.mkdirSync(nodePath.dirname(out), { recursive: true });
    const tmp = out + '.tmp-' + process.pid;
    const copy = (from: string, to: string) => {
      const st = fs.lstatSync(from);
      if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
      else if (st.isDirectory()) {
        fs.mkdirSync(to);
        for (const e of fs.readdirSync(from)) {
          const f = nodePath.join(from, e);
          const t = fs.lstatSync(f);
          const type = t.isSymbolicLink() ? 'symlink' : t.isDirectory() ? 'directory' : t.isFile() ? 'regular' : 'unknown';
          if (filter && !filter(f, type)) continue;
          copy(f, nodePath.join(to, e));
        }
      } else {
        fs.copyFileSync(from, to);
        fs.chmodSync(to, st.mode & 0o111 ? 0o555 : 0o444);
      }
    };
    copy(src, tmp);
    try {
      fs.renameSync(tmp, out);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  toFile(name: string, text: string, ctx: string[]): Value {
    const sp = storePath();
    const refs = ctx.filter((c) => !c.startsWith('=') && !c.startsWith('!')).sort();
    const out: string = sp.makeTextPath(this.storeDir, toUtf8(name), Buffer.from(text, 'latin1'), refs.map(toUtf8));
    if (this.writeStore && !fs.existsSync(out)) {
      fs.mkdirSync(nodePath.dirname(out), { recursive: true });
      const tmp = out + '.tmp-' + process.pid;
      fs.writeFileSync(tmp, Buffer.from(text, 'latin1'), { mode: 0o444 });
      fs.renameSync(tmp, out);
    }
    const o = fromUtf8(out);
    return mkStr(o, [o]);
  }

  // ---------------------------------------------------------------- derivations

  derivationStrict(attrs: NixAttrs): Value {
    const { derivationStrict } = require('./derivation') as typeof import('./derivation');
    return derivationStrict(this, attrs);
  }

  derivation(drvAttrs: Value): Value {
    const attrs = forceAttrs(drvAttrs);
    const outV = attrs.get('outputs');
    const outputs = outV === undefined ? ['out'] : forceList(outV).map((o) => forceStringNoCtx(o));
    const strict = new Thunk(() => this.derivationStrict(attrs), this.baseEnv);
    const commonMap = new Map(attrs.m);
    const outVals: NixAttrs[] = [];
    for (const o of outputs) {
      const m = new Map<string, Value>();
      outVals.push(new NixAttrs(m));
      void o;
    }
    outputs.forEach((o, i) => commonMap.set(o, outVals[i]));
    commonMap.set('all', new Thunk(() => outVals, this.baseEnv)); // a thunk in Nix (`map ...`): `<CODE>` unforced
    commonMap.set('drvAttrs', attrs);
    outputs.forEach((o, i) => {
      const m = outVals[i].m;
      for (const [k, v] of commonMap) m.set(k, v);
      m.set('outPath', new Thunk(() => force(getAttrOrThrow(forceAttrs(strict), o)), this.baseEnv));
      m.set('drvPath', new Thunk(() => force(getAttrOrThrow(forceAttrs(strict), 'drvPath')), this.baseEnv));
      m.set('type', 'derivation');
      m.set('outputName', o);
    });
    return outVals[0];
  }

  // ---------------------------------------------------------------- misc hooks

  traceOut(line: string): void {
    this.traceSink(line);
  }

  formatFloatToString(x: number): string {
    return formatFloatToString(x);
  }

  // ---------------------------------------------------------------- public API

  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw this.convertError(e);
    }
  }

  convertError(e: unknown): unknown {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return new NixError('stack overflow (possible infinite recursion; the evaluation is too deep)');
    }
    if (e instanceof NixError) e.setShowTrace(this.showTrace);
    return e;
  }

  evalFile(file: string): Value {
    return this.guard(() => this.importPath(new NixPath(canonPath(fromUtf8(nodePath.resolve(file))))));
  }

  evalString(expr: string, baseDir: string, fileName?: string): Value {
    return this.guard(() => {
      const node = this.parseString(expr, baseDir, fileName);
      return this.compiler.compileTop(node)(this.baseEnv);
    });
  }

  /** Static checks done before evaluation (undefined variables ...); throws NixError. */
  checkScopes(node: Node): void {
    this.guard(() => this.compiler.compileTop(node));
  }

  evalNode(node: Node): Value {
    return this.guard(() => this.compiler.compileTop(node)(this.baseEnv));
  }

  force(v: Value): Value {
    return this.guard(() => force(v));
  }

  forceDeep(v: Value): Value {
    return this.guard(() => {
      forceDeep(v);
      return force(v);
    });
  }

  call(fn: Value, arg: Value): Value {
    return this.guard(() => force(callValue(this, fn, arg)));
  }

  printValue(v: Value, opts: { strict?: boolean } = {}): string {
    return toUtf8(this.printValueBytes(v, opts));
  }

  printValueBytes(v: Value, opts: { strict?: boolean } = {}): string {
    return this.guard(() => {
      if (opts.strict) forceDeep(v, true);
      return printValue(force(v), !!opts.strict);
    });
  }

  toJS(v: Value): unknown {
    return this.guard(() => toJSDeep(v));
  }
}

function toJSDeep(v0: Value): unknown {
  const v = force(v0);
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'string') return toUtf8(v);
  if (v instanceof NixString) return toUtf8(v.s);
  if (v instanceof NixPath) return toUtf8(v.p);
  if (Array.isArray(v)) return v.map(toJSDeep);
  if (v instanceof NixAttrs) {
    const o: Record<string, unknown> = {};
    for (const k of v.keys()) o[toUtf8(k)] = toJSDeep(v.get(k)!);
    return o;
  }
  const f = v as any;
  if (f && typeof f === 'object' && 'v' in f && typeof f.v === 'number') return f.v;
  return v;
}
