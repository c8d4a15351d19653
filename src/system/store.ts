// Builders of store paths for the system layer (trivial builders, symlink joins). The store
// primitives themselves (hashing, atomic creation, read-only paths) are src/state/store.ts.
import * as fs from 'fs';
import * as path from 'path';
import { addToStore, pathExists, storePathFor } from '../state/store';

export interface TextFileSpec {
  name: string;
  text: string;
  executable?: boolean;
  /** "" for a plain file; "/bin/foo" for a directory holding the file there. */
  destination?: string;
}

/** writeTextFile: a file (or a directory with one file at `destination`) in the store. */
export function addTextFile(storeDir: string, spec: TextFileSpec): string {
  const dest = spec.destination ?? '';
  if (dest !== '' && (!dest.startsWith('/') || dest.split('/').includes('..'))) {
    throw new Error(`destination '${dest}' of '${spec.name}' must be an absolute path without '..'`);
  }
  const final = storePathFor(
    storeDir,
    JSON.stringify(['text', spec.name, !!spec.executable, dest, spec.text]),
    spec.name,
  );
  return addToStore(final, (tmp) => {
    const file = dest === '' ? tmp : path.join(tmp, dest);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(spec.text, 'utf8'), { mode: spec.executable ? 0o555 : 0o444 });
  });
}

/** A directory of symlinks merging the trees of `paths` (the first one wins on conflicts). */
export function addSymlinkJoin(storeDir: string, name: string, paths: string[]): string {
  const final = storePathFor(storeDir, JSON.stringify(['symlinkJoin', name, paths]), name);
  return addToStore(final, (tmp) => {
    fs.mkdirSync(tmp, { recursive: true });
    for (const p of paths) linkTree(p, tmp);
  });
}

/** Links every file of `src` into `dst`, making real directories where both have one. */
export function linkTree(src: string, dst: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(src);
  } catch {
    return;
  }
  for (const e of entries) {
    const s = path.join(src, e);
    const d = path.join(dst, e);
    let st: fs.Stats;
    try {
      st = fs.statSync(s);
    } catch {
      continue; // dangling link in the source
    }
    if (st.isDirectory()) {
      if (!pathExists(d)) {
        fs.mkdirSync(d);
      } else if (fs.lstatSync(d).isSymbolicLink()) {
        continue;
      }
      linkTree(s, d);
    } else if (!pathExists(d)) {
      fs.symlinkSync(s, d);
    }
  }
}
