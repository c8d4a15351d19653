// Per-container profiles, as Nix keeps them: PROFILE/system-N-link -> toplevel and
// PROFILE/system -> system-N-link (the current generation). PROFILE = profilesDir/NAME.
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from '../state/paths';

export interface Generation {
  number: number;
  toplevel: string;
  current: boolean;
}

export function profileDir(paths: StatePaths, name: string): string {
  return path.join(paths.profilesDir, name);
}

function readlink(p: string): string | undefined {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined;
  }
}

export function listGenerations(paths: StatePaths, name: string): Generation[] {
  const dir = profileDir(paths, name);
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const cur = readlink(path.join(dir, 'system'));
  const out: Generation[] = [];
  for (const e of entries) {
    const m = /^system-(\d+)-link$/.exec(e);
    if (!m) continue;
    const t = readlink(path.join(dir, e));
    if (t === undefined) continue;
    out.push({ number: Number(m[1]), toplevel: path.resolve(dir, t), current: cur === e });
  }
  return out.sort((a, b) => a.number - b.number);
}

/** Atomically points `link` at `target` (symlink under a temporary name, then rename). */
function atomicSymlink(target: string, link: string): void {
  const tmp = `${link}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(target, tmp);
  fs.renameSync(tmp, link);
}

export function currentSystem(paths: StatePaths, name: string): string | undefined {
  const g = listGenerations(paths, name).find((x) => x.current);
  return g?.toplevel;
}

/** Makes `toplevel` current; a new generation only when it differs from the current one. */
export function setGeneration(paths: StatePaths, name: string, toplevel: string): number {
  const dir = profileDir(paths, name);
  fs.mkdirSync(dir, { recursive: true });
  const gens = listGenerations(paths, name);
  const cur = gens.find((g) => g.current);
  if (cur && cur.toplevel === toplevel) return cur.number;
  const n = gens.length ? gens[gens.length - 1].number + 1 : 1;
  const linkName = `system-${n}-link`;
  atomicSymlink(toplevel, path.join(dir, linkName));
  atomicSymlink(linkName, path.join(dir, 'system'));
  return n;
}

/** Makes an existing generation current again (rollback); returns its toplevel. */
export function switchGeneration(paths: StatePaths, name: string, number: number): string {
  const g = listGenerations(paths, name).find((x) => x.number === number);
  if (!g) throw new Error(`error: container '${name}' has no generation ${number}`);
  atomicSymlink(`system-${number}-link`, path.join(profileDir(paths, name), 'system'));
  return g.toplevel;
}
