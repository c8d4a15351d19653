// On-disk layout of the tool, relocatable for tests.
//
// NIXOS_CONTAINER_ROOT (default "/") prefixes every path below, so a test can run the whole
// tool inside a temporary directory and never touch the host's /etc or /var/lib.
// NIXOS_CONTAINER_STORE overrides the store directory alone.
import * as path from 'path';

export interface StatePaths {
  /** Prefix of everything else ("/" on a real host). */
  root: string;
  /** NAME.conf files (upstream: /etc/nixos-containers). */
  confDir: string;
  /** Container roots (upstream: /var/lib/nixos-containers). */
  containersDir: string;
  /** Per-container profiles with numbered generations. */
  profilesDir: string;
  /** Per-container GC roots. */
  gcrootsDir: string;
  /** The content-addressed store; bind-mounted read-only at the same path in containers. */
  storeDir: string;
  /** Runtime state: supervisor pid files, leader pids (upstream: /run/nixos-containers). */
  runDir: string;
  /** Lock serialising create (upstream: /run/lock/nixos-container). */
  lockFile: string;
  /** Cache of downloaded packages and indexes. */
  cacheDir: string;
}

export function statePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const root = path.resolve(env.NIXOS_CONTAINER_ROOT || '/');
  const p = (...parts: string[]) => path.join(root, ...parts);
  return {
    root,
    confDir: p('etc', 'nixos-containers'),
    containersDir: p('var', 'lib', 'nixos-containers'),
    profilesDir: p('nix', 'var', 'nix', 'profiles', 'per-container'),
    gcrootsDir: p('nix', 'var', 'nix', 'gcroots', 'per-container'),
    storeDir: env.NIXOS_CONTAINER_STORE ? path.resolve(env.NIXOS_CONTAINER_STORE) : p('nix', 'store'),
    runDir: p('run', 'nixos-containers'),
    lockFile: p('run', 'lock', 'nixos-container'),
    cacheDir: p('var', 'cache', 'nixos-container'),
  };
}
