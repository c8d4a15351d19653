// Mount-safe recursive removal (upstream's safeRemoveTree, §3.6 of the spec): a container
// root may hold bind mounts of host data (`/var/lib/nixos-containers/NAME/srv/data` bound
// from `/srv/data`), and destroying the container must never delete what they expose.
//
// 1. every mount point strictly below the tree (from /proc/self/mountinfo, which also sees
//    bind mounts of the same filesystem) is unmounted, deepest first (lazily if busy);
// 2. the tree is removed without following symlinks and without entering any directory that
//    is still a mount point or lies on another device;
// 3. if the tree's top is itself a mount point, its contents go (they are the container's),
//    then it is unmounted and its directory removed.
// Anything that could not be removed is reported in the error, never forced.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export class RemoveError extends Error {}

/** Decodes the octal escapes (\040 for space, ...) of /proc/self/mountinfo. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function mountPoints(): string[] {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.push(unescapeMount(f[4]));
  }
  return out;
}

function isUnder(p: string, top: string): boolean {
  return p.startsWith(top === '/' ? '/' : top + '/');
}

function umount(p: string): boolean {
  if (spawnSync('umount', ['-R', p], { stdio: 'ignore' }).status === 0) return true;
  return spawnSync('umount', ['-R', '-l', p], { stdio: 'ignore' }).status === 0;
}

/** Removes `target` (file, symlink or directory tree) safely; no-op when absent. */
export function safeRemoveTree(target: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    fs.unlinkSync(target);
    return;
  }
  const top = fs.realpathSync(target);
  const below = () => [...new Set(mountPoints().filter((m) => isUnder(m, top)))]
    .sort((a, b) => b.length - a.length);
  for (const m of below()) umount(m);
  const stillMounted = new Set(below());
  const problems: string[] = [];
  let topDev = fs.lstatSync(top).dev;

  // NixOS makes ROOT/var/empty immutable; clear the flag as upstream does (ignore failures).
  const varEmpty = path.join(top, 'var', 'empty');
  if (fs.existsSync(varEmpty)) spawnSync('chattr', ['-i', varEmpty], { stdio: 'ignore' });

  const removeContents = (dir: string) => {
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch (e) {
      problems.push(`${dir}: ${(e as Error).message}`);
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e);
      let s: fs.Stats;
      try {
        s = fs.lstatSync(p);
      } catch {
        continue;
      }
      if (s.isDirectory()) {
        if (stillMounted.has(p) || s.dev !== topDev) {
          problems.push(`${p}: still a mount point, not removed`);
          continue;
        }
        removeContents(p);
        try {
          fs.rmdirSync(p);
        } catch (err) {
          if (!problems.some((q) => isUnder(q.split(':')[0], p))) problems.push(`${p}: ${(err as Error).message}`);
        }
      } else {
        try {
          fs.unlinkSync(p);
        } catch (err) {
          problems.push(`${p}: ${(err as Error).message}`);
        }
      }
    }
  };
  removeContents(top);
  if (problems.length === 0) {
    const topIsMount = mountPoints().includes(top);
    if (topIsMount) umount(top);
    // After unmounting, the directory underneath may hold content of its own: remove it too.
    if (topIsMount && fs.existsSync(top)) {
      if (below().length === 0) {
        topDev = fs.lstatSync(top).dev;
        removeContents(top);
      }
    }
    try {
      fs.rmdirSync(top);
    } catch (err) {
      problems.push(`${top}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) {
    throw new RemoveError(`could not remove ${target} completely:\n  ${problems.join('\n  ')}`);
  }
}
