// Public API of the system layer: configuration file -> built system toplevel in the store,
// and per-container profiles with numbered generations.
//
// CONTRACT (owned by the system layer; the CLI and runtime rely on it). A toplevel
// `$T = <storeDir>/<hash>-nixos-system-<name>-<version>` contains:
//   $T/init            executable, PID 1 of the container: runs $T/activate, then execs the
//                      host's systemd (/lib/systemd/systemd), keeping PID 1.
//   $T/activate        executable sh script, idempotent; makes the container's /etc from
//                      $T/etc (users, groups, shadow, /etc files, tmpfiles, homes). Safe to
//                      re-run inside a live container (used by a live update).
//   $T/etc/            the generated /etc tree (hostname, hosts, passwd, group, shadow,
//                      systemd/system/*.service|timer|target and *.wants/ links, service
//                      configs such as nginx/nginx.conf, ssh/sshd_config).
//   $T/sw/             profile of environment.systemPackages (bin/, sbin/, share/).
//   $T/usr-layers      one store path per line (maybe none): each holds a usr/ tree to layer
//                      read-only over the host's /usr in the container, lowest first.
//   $T/system          "x86_64-linux";  $T/nixos-version: version text
//   $T/configuration.json  the evaluated options, as JSON.
// Unit files carry NixOS' switch hints: X-RestartIfChanged=false, X-ReloadIfChanged=true,
// X-StopIfChanged=false, so the runtime can switch a live container without knowing Nix.
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from '../state/paths';
import { parseIds, PreviousIds } from './users';
import { ConfigError, asConfigError, evaluateConfig, selectPath } from './evaluate';
import type { PackageProvider } from './host';
import { checkManifest, Manifest } from './manifest';
import { currentSystem, listGenerations, setGeneration, switchGeneration, Generation } from './profiles';
import { buildToplevel } from './toplevel';

export type { PackageProvider } from './host';
export type { Manifest } from './manifest';
export { listGenerations, switchGeneration, Generation };
export { buildToplevel } from './toplevel';

export interface BuildRequest {
  /** The container's configuration.nix (a NixOS module file). */
  configFile: string;
  paths: StatePaths;
  /** Search path entries (-I), in order. */
  searchPath?: string[];
  /** Package source; default: the host distribution's archive (src/packages). Tests pass their own. */
  packages?: PackageProvider;
  /** Add "… while evaluating" frames to error messages (--show-trace). */
  showTrace?: boolean;
}

export interface BuildResult {
  /** Store path of the system toplevel. */
  toplevel: string;
  /** Evaluated `warnings`, already printed nowhere: the caller prints them. */
  warnings: string[];
}

/** A configuration that fails to evaluate or build. `message` is the full user-facing text. */
export class BuildError extends Error {}

function asBuildError(e: unknown): Error {
  const c = asConfigError(e);
  return c instanceof ConfigError ? new BuildError(c.message) : c;
}

/** Evaluates a configuration to its build manifest (config.system.build.manifest) without building. */
export function evaluateManifest(req: BuildRequest): { manifest: Manifest; realizedLayers: string[] } {
  try {
    const { ev, ctx, nixos } = evaluateConfig(req);
    const manifestValue = selectPath(nixos, ['config', 'system', 'build', 'manifest']);
    if (manifestValue === undefined) throw new BuildError("error: attribute 'system.build.manifest' missing");
    return { manifest: checkManifest(ev.toJS(manifestValue)), realizedLayers: ctx.realizedLayers };
  } catch (e) {
    throw asBuildError(e);
  }
}

/**
 * The ids a container already uses, when the configuration is a container's
 * (ROOT/etc/nixos/configuration.nix or a file beside it): its live /etc/passwd and /etc/group.
 */
export function previousIdsFor(req: BuildRequest): PreviousIds | undefined {
  const dir = path.dirname(path.resolve(req.configFile));
  const containers = path.resolve(req.paths.containersDir);
  const rel = path.relative(containers, dir).split(path.sep);
  if (rel.length !== 3 || rel[0] === '..' || rel[1] !== 'etc' || rel[2] !== 'nixos') return undefined;
  const root = path.join(containers, rel[0]);
  const read = (f: string) => {
    try {
      return fs.readFileSync(path.join(root, 'etc', f), 'utf8');
    } catch {
      return '';
    }
  };
  return { uids: parseIds(read('passwd')), gids: parseIds(read('group')) };
}

export function buildSystem(req: BuildRequest): BuildResult {
  try {
    const { manifest, realizedLayers } = evaluateManifest(req);
    const ctx = { realizedLayers };
    const toplevel = buildToplevel({
      manifest,
      storeDir: req.paths.storeDir,
      realizedLayers: ctx.realizedLayers,
      previousIds: previousIdsFor(req),
    });
    return { toplevel, warnings: manifest.warnings };
  } catch (e) {
    throw asBuildError(e);
  }
}

/** Makes `toplevel` the current generation of container `name`'s profile; returns its number. */
export function setProfileGeneration(paths: StatePaths, name: string, toplevel: string): number {
  try {
    return setGeneration(paths, name, toplevel);
  } catch (e) {
    throw new BuildError(`error: cannot update the profile of container '${name}': ${(e as Error).message}`);
  }
}

/** The toplevel of the current generation of container `name`, if any. */
export function profileSystem(paths: StatePaths, name: string): string | undefined {
  return currentSystem(paths, name);
}
