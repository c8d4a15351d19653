// The host object the system layer gives the Nix code (`builtins.__nixosContainerHost`, read
// by nixpkgs/default.nix and modules/system/build.nix): store-writing builders, packages of
// the host distribution, and the system builder.
import * as fs from 'fs';
import * as path from 'path';
import {
  Evaluator,
  NixAttrs,
  forceAttrs,
  Value,
  attrNames,
  coerceToString,
  forceBool,
  forceList,
  forceString,
  getAttr,
  mkAttrs,
  mkPrimop,
  mkThunk,
  mkStringWithContext,
  fromJS,
} from '../nix';
import { fromUtf8, toUtf8 } from '../nix/values';
import { checkManifest } from './manifest';
import { addSymlinkJoin, addTextFile } from './store';
import { addToStore, storePathFor } from '../state/store';
import { buildToplevel } from './toplevel';

/** What the system layer needs of a package source (src/packages PackageSource has it). */
export interface PackageProvider {
  names(): string[];
  lookup(attr: string): { debName: string; version: string; description: string } | undefined;
  realize(attr: string): { outPath: string; usrLayers: string[] };
  /** Exact membership test (`attr` is in names()) without listing all names; default: names(). */
  has?(attr: string): boolean;
}

export interface HostContext {
  storeDir: string;
  packages: PackageProvider;
  /** /usr layers of every package realized during this evaluation, in order. */
  realizedLayers: string[];
  /** Set by buildSystem when the toplevel is built from Nix (system.build.toplevel). */
  built: string[];
}

export class BuilderError extends Error {}

function attrString(ev: Evaluator, set: Value, name: string, dflt?: string): string {
  const v = getAttr(set, name);
  if (v === undefined) {
    if (dflt !== undefined) return dflt;
    throw new BuilderError(`error: attribute '${name}' missing`);
  }
  return coerceToString(ev, v).s;
}

function attrBool(set: Value, name: string): boolean {
  const v = getAttr(set, name);
  return v === undefined ? false : forceBool(null, v);
}

/** Runs a runCommand script on the host: bash, no network (own network namespace), $out set. */
export function runBuilder(storeDir: string, name: string, env: Record<string, string>, script: string): string {
  const final = storePathFor(storeDir, JSON.stringify(['runCommand', name, env, script]), name);
  return addToStore(final, (tmp) => {
    const buildDir = fs.mkdtempSync(path.join(storeDir, '.build-'));
    try {
      // loaded here: only runCommand needs it, and child_process costs ~15 ms to load
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const { spawnSync } = require('child_process') as typeof import('child_process');
      const r = spawnSync('unshare', ['--net', '--', '/bin/bash', '-e', '-c', script], {
        cwd: buildDir,
        env: {
          PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
          HOME: '/homeless-shelter',
          TMPDIR: buildDir,
          TMP: buildDir,
          NIX_BUILD_TOP: buildDir,
          NIX_STORE: storeDir,
          name,
          ...env,
          out: tmp,
        },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.error) throw new BuilderError(`error: cannot run the builder of '${name}': ${r.error.message}`);
      if (r.status !== 0) {
        const log = `${r.stdout}${r.stderr}`.trimEnd().split('\n').slice(-10);
        throw new BuilderError(
          `error: builder for '${name}' failed with exit code ${r.status ?? r.signal};\n` +
            `       last ${log.length} log lines:\n` +
            log.map((l) => `       > ${l}`).join('\n'),
        );
      }
      if (!fs.existsSync(tmp)) throw new BuilderError(`error: builder for '${name}' failed to produce output path '$out'`);
    } finally {
      fs.rmSync(buildDir, { recursive: true, force: true });
    }
  });
}

export function makeHostValue(ev: Evaluator, ctx: HostContext): Value {
  const storePathValue = (p: string) => mkStringWithContext(p, [p]);

  const writeTextFile = mkPrimop('writeTextFile', 1, ([arg]) => {
    const name = attrString(ev, arg, 'name');
    const text = attrString(ev, arg, 'text');
    const destination = attrString(ev, arg, 'destination', '');
    const p = addTextFile(ctx.storeDir, { name, text, executable: attrBool(arg, 'executable'), destination });
    return storePathValue(p);
  });

  const runCommand = mkPrimop('runCommand', 1, ([arg]) => {
    const name = attrString(ev, arg, 'name');
    const script = attrString(ev, arg, 'script');
    const envSet = getAttr(arg, 'env');
    const env: Record<string, string> = {};
    if (envSet !== undefined) for (const k of attrNames(envSet)) env[k] = coerceToString(ev, getAttr(envSet, k)!).s;
    return storePathValue(runBuilder(ctx.storeDir, name, env, script));
  });

  const symlinkJoin = mkPrimop('symlinkJoin', 1, ([arg]) => {
    const name = attrString(ev, arg, 'name');
    const paths = forceList(null, getAttr(arg, 'paths') ?? fromJS([])).map((p) => coerceToString(ev, p).s);
    return storePathValue(addSymlinkJoin(ctx.storeDir, name, paths));
  });


  // One derivation-like value per package name, made on first access.
  const packageValue = (attr: string): Value => {
    const info = ctx.packages.lookup(attr);
    const version = /^([^:]*:)?(.*)$/.exec(info?.version ?? 'unknown')![2];
    let self: Value = null;
    const entries: Record<string, Value> = {
      type: fromJS('derivation'),
      name: fromJS(`${attr}-${version}`),
      pname: fromJS(attr),
      version: fromJS(version),
      outPath: mkThunk(() => {
        const r = ctx.packages.realize(attr);
        for (const l of r.usrLayers) if (!ctx.realizedLayers.includes(l)) ctx.realizedLayers.push(l);
        return storePathValue(r.outPath);
      }),
      outputs: fromJS(['out']),
      outputName: fromJS('out'),
      meta: fromJS({ description: info?.description ?? '', mainProgram: attr, debianPackage: info?.debName ?? attr }),
      passthru: fromJS({}),
      out: mkThunk(() => self),
      bin: mkThunk(() => self),
    };
    self = mkAttrs(entries);
    return self;
  };

  // packageSet EXTRAS: every host package (lazily) plus EXTRAS (builders, lib, ...), which win.
  // Built here in one pass: a Nix `//` over tens of thousands of names costs far more.
  // The names are listed only when the set is enumerated (attrNames, printing...): selecting
  // `pkgs.nginx` or testing `pkgs ? nginx` asks the provider about that one name.
  const packageThunks = new Map<string, Value>();
  let nameSet: Set<string> | undefined;
  const isPackage = (k: string): boolean => {
    const p = ctx.packages;
    if (p.has) return p.has(toUtf8(k));
    nameSet ??= new Set(p.names().map(fromUtf8));
    return nameSet.has(k);
  };
  const packageThunk = (k: string): Value => {
    let t = packageThunks.get(k);
    if (t === undefined) {
      const name = toUtf8(k);
      t = mkThunk(() => packageValue(name));
      packageThunks.set(k, t);
    }
    return t;
  };
  const packageSet = mkPrimop('packageSet', 1, ([extras]) => {
    const base = NixAttrs.lazy({
      names: () => ctx.packages.names().map(fromUtf8),
      lookup: (k) => (isPackage(k) ? packageThunk(k) : undefined),
      listed: packageThunk,
    });
    const ex = forceAttrs(null, extras);
    return ex.size === 0 ? base : NixAttrs.layered(base, ex);
  });

  const buildSystemPrimop = mkPrimop('buildSystem', 1, ([manifest]) => {
    const m = checkManifest(ev.toJS(manifest));
    const t = buildToplevel({ manifest: m, storeDir: ctx.storeDir, realizedLayers: ctx.realizedLayers });
    ctx.built.push(t);
    return storePathValue(t);
  });

  return mkAttrs({
    writeTextFile,
    runCommand,
    symlinkJoin,
    buildSystem: buildSystemPrimop,
    storeDir: fromJS(ctx.storeDir),
    packageSet,
  });
}

