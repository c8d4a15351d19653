// The content-addressed store: immutable paths `<storeDir>/<hash>-<name>`.
//
// A path's hash is Nix-style (sha256 truncated to 160 bits, printed in Nix's base-32) over a
// description of everything that determines its content, so the same input always gives the
// same path and an existing path is never rebuilt. Every path is created under a temporary name
// in the store directory and renamed into place (atomic: a path either exists whole or not).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';

/** Nix's base-32 (least significant 5-bit group first, printed from the end). */
export function nixBase32(bytes: Buffer): string {
  const len = Math.ceil((bytes.length * 8) / 5);
  let out = '';
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    const c = (bytes[i] >> j) | (i + 1 < bytes.length ? bytes[i + 1] << (8 - j) : 0);
    out += BASE32[c & 0x1f];
  }
  return out;
}

/** sha256 of `input`, folded to 20 bytes as Nix does for store path hashes. */
export function storeHash(input: string | Buffer): string {
  const full = crypto.createHash('sha256').update(input).digest();
  const folded = Buffer.alloc(20);
  for (let i = 0; i < full.length; i++) folded[i % 20] ^= full[i];
  return nixBase32(folded);
}

/** Store path names: Nix's allowed characters, no leading dot. */
export function sanitizeName(name: string): string {
  let n = name.replace(/[^A-Za-z0-9+\-._?=]/g, '-');
  if (n.startsWith('.')) n = '_' + n.slice(1);
  return n.slice(0, 200) || 'unnamed';
}

export function storePathFor(storeDir: string, hashInput: string, name: string): string {
  return path.join(storeDir, `${storeHash(hashInput)}-${sanitizeName(name)}`);
}

export function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** A fresh temporary path inside the store directory (same filesystem, so rename is atomic). */
export function tempPath(storeDir: string, name: string): string {
  fs.mkdirSync(storeDir, { recursive: true });
  return path.join(storeDir, `.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}-${sanitizeName(name)}`);
}

/** Makes a tree read-only (files 0444/0555, directories 0555), as store paths are. */
export function makeReadOnly(p: string): void {
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(p)) makeReadOnly(path.join(p, e));
    fs.chmodSync(p, 0o555);
  } else {
    fs.chmodSync(p, st.mode & 0o111 ? 0o555 : 0o444);
  }
}

/** Removes a tree even when it was made read-only. */
export function removeTree(p: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    fs.chmodSync(p, 0o755);
    for (const e of fs.readdirSync(p)) removeTree(path.join(p, e));
    fs.rmdirSync(p);
  } else {
    fs.unlinkSync(p);
  }
}

/**
 * Creates store path `final` unless it exists: `fill(tmp)` writes the content at a temporary
 * path, which is then made read-only and renamed. Returns `final`.
 */
export function materialize(final: string, fill: (tmp: string) => void): string {
  if (exists(final)) return final;
  const storeDir = path.dirname(final);
  const tmp = tempPath(storeDir, path.basename(final));
  try {
    fill(tmp);
    makeReadOnly(tmp);
    try {
      fs.renameSync(tmp, final);
    } catch (e) {
      // Another process made the same path meanwhile: identical content, keep theirs.
      if (!exists(final)) throw e;
      removeTree(tmp);
    }
  } catch (e) {
    removeTree(tmp);
    throw e;
  }
  return final;
}

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
  return materialize(final, (tmp) => {
    const file = dest === '' ? tmp : path.join(tmp, dest);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(spec.text, 'utf8'), { mode: spec.executable ? 0o555 : 0o444 });
  });
}

/** A directory of symlinks merging the trees of `paths` (the first one wins on conflicts). */
export function addSymlinkJoin(storeDir: string, name: string, paths: string[]): string {
  const final = storePathFor(storeDir, JSON.stringify(['symlinkJoin', name, paths]), name);
  return materialize(final, (tmp) => {
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
      if (!exists(d)) {
        fs.mkdirSync(d);
      } else if (fs.lstatSync(d).isSymbolicLink()) {
        continue;
      }
      linkTree(s, d);
    } else if (!exists(d)) {
      fs.symlinkSync(s, d);
    }
  }
}
