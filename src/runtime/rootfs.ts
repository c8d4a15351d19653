// Container root preparation (upstream's start script, §5.3 steps 1-4), adapted to a host
// without /nix: the root is mostly empty; the host's /usr is bound read-only (or overlaid with
// the toplevel's usr-layers), and the merged-usr links make /bin, /sbin, /lib, /lib64 work.
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from '../state/paths';

export function containerRoot(paths: StatePaths, name: string): string {
  return path.join(paths.containersDir, name);
}
export function containerProfileDir(paths: StatePaths, name: string): string {
  return path.join(paths.profilesDir, name);
}
export function containerGcrootsDir(paths: StatePaths, name: string): string {
  return path.join(paths.gcrootsDir, name);
}

function mkdirMode(p: string, mode: number): void {
  fs.mkdirSync(p, { recursive: true });
  fs.chmodSync(p, mode);
}

function ensureSymlink(link: string, target: string): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(link);
  } catch {
    /* absent */
  }
  if (st?.isSymbolicLink()) {
    if (fs.readlinkSync(link) === target) return;
    fs.unlinkSync(link);
  } else if (st?.isDirectory()) {
    // An empty directory left by an older layout can be replaced; anything else stays.
    if (fs.readdirSync(link).length !== 0) return;
    fs.rmdirSync(link);
  } else if (st) {
    return;
  }
  fs.symlinkSync(target, link);
}

/** Store paths listed in $T/usr-layers whose usr/ trees exist, lowest layer first. */
export function usrLayers(toplevel: string): string[] {
  let text = '';
  try {
    text = fs.readFileSync(path.join(toplevel, 'usr-layers'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => path.join(l, 'usr'))
    .filter((d) => {
      try {
        return fs.statSync(d).isDirectory();
      } catch {
        return false;
      }
    });
}

/** The host's update-alternatives links (Debian's /usr/bin/awk -> /etc/alternatives/awk -> /usr/bin/mawk). */
export const HOST_ALTERNATIVES = '/etc/alternatives';

/**
 * Whether the container gets the host's /etc/alternatives, bound read-only: it shares the
 * host's /usr live, so it needs the links that go with it, live too (a copy made at build time
 * would go stale on the next `apt upgrade`, and cost a few hundred symlinks per build). Not
 * when the host has none, nor when the configuration manages files there itself.
 */
export function bindsHostAlternatives(toplevel: string): boolean {
  try {
    if (!fs.statSync(HOST_ALTERNATIVES).isDirectory()) return false;
  } catch {
    return false;
  }
  let targets = '';
  try {
    targets = fs.readFileSync(path.join(toplevel, 'etc-targets'), 'utf8');
  } catch {
    /* no list: nothing of the configuration's is there */
  }
  return !/^alternatives(\/|$)/m.test(targets);
}

/**
 * A running container booted from an older build has /etc/alternatives linked to a copy in its
 * old system, which a switch to a newer system would take away (the host's is bound at boot
 * now). Until its next boot, a directory of the host's links stands in for the bind. `root` is
 * the running container's root (/proc/LEADER/root).
 */
export function alternativesStandIn(root: string, toplevel: string): void {
  const alt = path.join(root, 'etc/alternatives');
  if (!bindsHostAlternatives(toplevel) || !fs.lstatSync(alt, { throwIfNoEntry: false })?.isSymbolicLink()) return;
  const tmp = `${alt}.nc-tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  for (const n of fs.readdirSync(HOST_ALTERNATIVES)) {
    try {
      fs.symlinkSync(fs.readlinkSync(path.join(HOST_ALTERNATIVES, n)), path.join(tmp, n));
    } catch {
      /* not a link (a README) */
    }
  }
  fs.unlinkSync(alt);
  fs.renameSync(tmp, alt);
}

/**
 * The directories prepareRoot makes in a container root, and its merged-/usr links (as on
 * Debian: the host's /usr is bound at ROOT/usr). start-plan.ts checks the same lists.
 */
export const ROOT_DIRS = [
  'etc', 'var', 'var/lib', 'usr', 'nix/var/nix/profiles', 'nix/var/nix/gcroots', 'dev', 'proc', 'sys', 'run', 'tmp',
  'var/lib/private', 'root',
];
export const ROOT_LINKS: [string, string][] = [['bin', 'usr/bin'], ['sbin', 'usr/sbin'], ['lib', 'usr/lib'], ['lib64', 'usr/lib64']];

/**
 * Creates the directories and files nspawn and the container's systemd need. Idempotent. The
 * launcher's start fast path skips it when the root still has all of it (start-plan.ts).
 */
export function prepareRoot(
  paths: StatePaths,
  name: string,
  opts: { copyResolvConf?: boolean; alternativesMount?: boolean } = {},
): string {
  fs.mkdirSync(paths.containersDir, { recursive: true, mode: 0o700 });
  const root = containerRoot(paths, name);
  mkdirMode(root, 0o755);
  for (const d of ROOT_DIRS) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.chmodSync(path.join(root, 'etc'), 0o755);
  fs.chmodSync(path.join(root, 'var/lib'), 0o755);
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.chmodSync(path.join(root, 'var/lib/private'), 0o700);
  fs.chmodSync(path.join(root, 'root'), 0o700);
  for (const [link, target] of ROOT_LINKS) ensureSymlink(path.join(root, link), target);
  if (opts.alternativesMount) {
    // The mount point: a directory (older builds linked /etc/alternatives to a copy).
    const alt = path.join(root, 'etc/alternatives');
    if (fs.lstatSync(alt, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(alt);
    fs.mkdirSync(alt, { recursive: true });
  }

  const osRelease = path.join(root, 'etc/os-release');
  let hasOsRelease = false;
  try {
    fs.lstatSync(osRelease);
    hasOsRelease = true;
  } catch {
    /* absent */
  }
  if (!hasOsRelease) fs.writeFileSync(osRelease, '');

  // A stable machine-id per container (upstream only touches an empty file, which makes every
  // boot a "first boot" with a fresh id). $T/activate may replace it.
  const machineId = path.join(root, 'etc/machine-id');
  let id = '';
  try {
    id = fs.readFileSync(machineId, 'utf8').trim();
  } catch {
    /* absent */
  }
  if (!/^[0-9a-f]{32}$/.test(id)) fs.writeFileSync(machineId, (require('crypto') as typeof import('crypto')).randomBytes(16).toString('hex') + '\n', { mode: 0o444 });

  mkdirMode(containerProfileDir(paths, name), 0o755);
  mkdirMode(containerGcrootsDir(paths, name), 0o755);
  fs.chmodSync(path.dirname(containerProfileDir(paths, name)), 0o700);

  if (opts.copyResolvConf) {
    const dst = path.join(root, 'etc/resolv.conf');
    fs.rmSync(dst, { force: true });
    try {
      fs.copyFileSync('/etc/resolv.conf', dst);
    } catch {
      /* host without resolv.conf */
    }
  }
  return root;
}
