// Evaluation of a container configuration with the project's evaluator:
// `import <nixpkgs/nixos> { configuration = FILE; }` with the host object installed.
import * as fs from 'fs';
import * as path from 'path';
import { Evaluator, NixError, Value, fromJS, getAttr, mkPath } from '../nix';
import type { StatePaths } from '../state/paths';
import { HostContext, PackageProvider, makeHostValue } from './host';

/** The nixpkgs tree of this project (option modules and lib). */
export const NIXPKGS_DIR = path.resolve(__dirname, '..', '..', '..', 'nixpkgs');

/** The name the Nix code looks up (builtins.__nixosContainerHost). */
export const HOST_GLOBAL = '__nixosContainerHost';

export interface EvalRequest {
  configFile: string;
  paths: StatePaths;
  searchPath?: string[];
  /** Package source (default: the host distribution's archive, src/packages). */
  packages?: PackageProvider;
  /** Add "… while evaluating" frames to error messages (--show-trace). */
  showTrace?: boolean;
}

export interface EvaluatedConfig {
  ev: Evaluator;
  ctx: HostContext;
  /** The value of `import <nixpkgs/nixos> { configuration = FILE; }`: { config; options; ... }. */
  nixos: Value;
}

/** A user-facing failure: `message` is the complete text to print. */
export class ConfigError extends Error {}

/** Turns evaluator and builder failures into ConfigError with Nix-style text. */
export function asConfigError(e: unknown): Error {
  if (e instanceof ConfigError) return e;
  if (e instanceof NixError) {
    // A `throw` from the module system or the option modules (unknown option, wrong type,
    // conflicting values, failed assertions): the message names the option and the user's
    // files; the position inside nixpkgs is noise. Printed as Nix does without --show-trace.
    const file = e.pos ? String((e.pos as { src: { file: string } }).src.file) : '';
    if (e.kind === 'throw' && file.startsWith(NIXPKGS_DIR + path.sep) && !e.showTrace) {
      const lines = String(e.rawMessage).split('\n');
      return new ConfigError('error: ' + lines.map((l, i) => (i === 0 || l === '' ? l : '       ' + l)).join('\n').replace(/ +$/gm, ''));
    }
    return new ConfigError(e.message);
  }
  if (e instanceof Error && /^error: /.test(e.message)) return new ConfigError(e.message);
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Parsed-file cache for the shipped nixpkgs tree (like __pycache__: part of the installation,
 * shared by all state roots; rebuilt on demand, silently unused when not writable).
 * NIXOS_CONTAINER_AST_CACHE overrides the place; "off" disables it.
 */
function astCache(): { astCacheDir?: string; astCacheUnder?: string } {
  const env = process.env.NIXOS_CONTAINER_AST_CACHE;
  if (env === 'off') return {};
  return { astCacheDir: env || path.resolve(__dirname, '..', '..', '.nix-ast-cache'), astCacheUnder: NIXPKGS_DIR };
}

/** The host distribution's archive (loaded only when no other source is given: ~70 ms of modules). */
function defaultPackages(paths: StatePaths): PackageProvider {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { PackageSource: Source } = require('../packages') as typeof import('../packages');
  const src = new Source(paths);
  // lookup() knows exactly the names of names(): membership without listing 63k names
  return Object.assign(src, { has: (attr: string) => src.lookup(attr) !== undefined });
}

export function evaluateConfig(req: EvalRequest): EvaluatedConfig {
  const configFile = path.resolve(req.configFile);
  if (!fs.existsSync(configFile)) throw new ConfigError(`error: configuration file '${configFile}' does not exist`);
  const storeDir = req.paths.storeDir;
  fs.mkdirSync(storeDir, { recursive: true });
  const ctx: HostContext = {
    storeDir,
    packages: req.packages ?? defaultPackages(req.paths),
    realizedLayers: [],
    built: [],
  };
  // The Nix code probes `builtins ? __nixosContainerHost`, so it also runs under a plain
  // nix-instantiate.
  const ev = new Evaluator({
    searchPath: req.searchPath ?? [], storeDir, writeStore: true, showTrace: req.showTrace ?? false, ...astCache(),
    extraBuiltins: (e) => ({ [HOST_GLOBAL]: makeHostValue(e, ctx) }),
  });
  try {
    const entry = ev.evalString('import <nixpkgs/nixos>', path.dirname(configFile));
    const nixos = ev.call(entry, fromJS({ configuration: mkPath(configFile) }));
    return { ev, ctx, nixos };
  } catch (e) {
    throw asConfigError(e);
  }
}

/** `config.a.b.c` of an evaluated configuration (unforced). */
export function selectPath(v: Value, names: string[]): Value | undefined {
  let cur: Value | undefined = v;
  for (const n of names) {
    if (cur === undefined) return undefined;
    cur = getAttr(cur, n);
  }
  return cur;
}
