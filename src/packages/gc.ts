// Garbage collection of the store: a path survives when a root leads to it. Roots are the
// symlinks under the profiles dir (every generation of every container) and under the
// gcroots dir; a live path keeps alive every store path it mentions: in symlink targets
// and in file contents (the toplevel's usr-layers file, scripts, unit files, ...).
// References of a path are computed once and cached, store paths being immutable.
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from '../state/paths';
import { removeTree } from '../state/store';

export interface GcResult {
  /** Store paths removed (or that would be, with dryRun), with their size on disk. */
  dead: Array<{ path: string; bytes: number }>;
  totalBytes: number;
  /** Number of store paths kept alive. */
  live: number;
  /** The roots found (symlink -> store path). */
  roots: Array<{ link: string; target: string }>;
}

const NAME_CHARS = 'A-Za-z0-9+\\-._?=';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The store entry (top-level name) a path lies in, if it is inside the store. */
function storeEntryOf(storeDir: string, p: string): string | undefined {
  const rel = path.relative(storeDir, p);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const top = rel.split(path.sep)[0];
  return top.startsWith('.') ? undefined : top;
}

function findRoots(paths: StatePaths): Array<{ link: string; target: string }> {
  const roots: Array<{ link: string; target: string }> = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(p);
        } catch {
          continue; // dangling root: keeps nothing
        }
        const top = storeEntryOf(paths.storeDir, target);
        if (top) roots.push({ link: p, target: path.join(paths.storeDir, top) });
        else if (depth < 8) {
          try {
            if (fs.statSync(target).isDirectory()) walk(target, depth + 1);
          } catch {
            // not a directory
          }
        }
      } else if (e.isDirectory() && depth < 8) walk(p, depth + 1);
    }
  };
  walk(paths.profilesDir, 0);
  walk(paths.gcrootsDir, 0);
  return roots;
}

/** Store entries (names) mentioned anywhere inside store path `p`. */
function scanReferences(p: string, storeDir: string): string[] {
  const re = new RegExp(`${escapeRegExp(storeDir)}/([${NAME_CHARS}]+)`, 'g');
  const found = new Set<string>();
  const self = path.basename(p);
  const scanText = (text: string) => {
    for (const m of text.matchAll(re)) {
      // A name at the end of a sentence may have caught the full stop.
      for (const n of [m[1], m[1].replace(/\.+$/, '')]) if (n && n !== self && !n.startsWith('.')) found.add(n);
    }
  };
  const overlap = storeDir.length + 300;
  const scanFile = (file: string) => {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(4 << 20);
      let carry = '';
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n <= 0) break;
        const text = carry + buf.toString('latin1', 0, n);
        scanText(text);
        carry = text.slice(-overlap);
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  const walk = (q: string) => {
    const st = fs.lstatSync(q);
    if (st.isSymbolicLink()) scanText(fs.readlinkSync(q));
    else if (st.isDirectory()) for (const e of fs.readdirSync(q)) walk(path.join(q, e));
    else if (st.isFile()) scanFile(q);
  };
  walk(p);
  return [...found].sort();
}

function cachedReferences(p: string, paths: StatePaths): string[] {
  const cacheFile = path.join(paths.cacheDir, 'gc-refs', path.basename(p));
  try {
    return JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as string[];
  } catch {
    // compute below
  }
  const refs = scanReferences(p, paths.storeDir);
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(cacheFile, JSON.stringify(refs));
  } catch {
    // only costs time next run
  }
  return refs;
}

function diskUsage(p: string): number {
  const st = fs.lstatSync(p);
  let n = st.blocks * 512;
  if (st.isDirectory()) for (const e of fs.readdirSync(p)) n += diskUsage(path.join(p, e));
  return n;
}

/** Finds dead store paths and (unless dryRun) deletes them. */
export function collectGarbage(paths: StatePaths, opts: { dryRun?: boolean } = {}): GcResult {
  let entries: string[];
  try {
    entries = fs.readdirSync(paths.storeDir).filter((n) => !n.startsWith('.'));
  } catch {
    entries = [];
  }
  const present = new Set(entries);
  const roots = findRoots(paths);
  const live = new Set<string>();
  const queue = roots.map((r) => path.basename(r.target)).filter((n) => present.has(n));
  while (queue.length) {
    const n = queue.pop()!;
    if (live.has(n)) continue;
    live.add(n);
    for (const r of cachedReferences(path.join(paths.storeDir, n), paths)) {
      if (present.has(r) && !live.has(r)) queue.push(r);
    }
  }
  const dead: Array<{ path: string; bytes: number }> = [];
  let totalBytes = 0;
  for (const n of entries.sort()) {
    if (live.has(n)) continue;
    const p = path.join(paths.storeDir, n);
    const bytes = diskUsage(p);
    dead.push({ path: p, bytes });
    totalBytes += bytes;
    if (!opts.dryRun) {
      removeTree(p);
      fs.rmSync(path.join(paths.cacheDir, 'gc-refs', n), { force: true });
    }
  }
  return { dead, totalBytes, live: live.size, roots };
}
