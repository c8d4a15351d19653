// The store on disk: immutable, content-addressed paths `<storeDir>/<hash>-<name>`.
//
// One set of primitives for every layer that adds to the store (system builds, trivial
// builders, Debian package layers) and for the collector that deletes from it:
// - a path's hash is Nix-style (SHA-256 folded to 160 bits, in Nix's base-32) over a
//   description of everything that determines its content, so the same input always names
//   the same path;
// - a path is created under a temporary name in the store directory and renamed into place,
//   so it exists whole or not at all, and is made read-only first.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const BASE32 = '0123456789abcdfghijklmnpqrsvwxyz';

/** Nix's base-32 (the one in store paths, not RFC 4648): least significant group printed last. */
export function nixBase32(bytes: Uint8Array): string {
  const len = Math.ceil((bytes.length * 8) / 5);
  let out = '';
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    const c = (bytes[i] >> j) | (i + 1 < bytes.length ? bytes[i + 1] << (8 - j) : 0);
    out += BASE32[c & 0x1f];
  }
  return out;
}

/** The 32-character hash part of a store path for `description`. */
export function storeHash(description: string | Buffer): string {
  const full = crypto.createHash('sha256').update(description).digest();
  const folded = Buffer.alloc(20);
  for (let i = 0; i < full.length; i++) folded[i % 20] ^= full[i];
  return nixBase32(folded);
}

/** A name fit for a store path: Nix's allowed characters, no leading dot, at most 200. */
export function storeName(name: string): string {
  let n = name.replace(/[^A-Za-z0-9+\-._?=]/g, '-');
  if (n.startsWith('.')) n = '_' + n.slice(1);
  return n.slice(0, 200) || 'unnamed';
}

export function storePathFor(storeDir: string, description: string, name: string): string {
  return path.join(storeDir, `${storeHash(description)}-${storeName(name)}`);
}

export function pathExists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Removes write permission everywhere under p, keeping the other bits (symlinks untouched). */
export function makeReadOnly(p: string): void {
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) for (const e of fs.readdirSync(p)) makeReadOnly(path.join(p, e));
  fs.chmodSync(p, st.mode & 0o7555);
}

/** Gives back write permission to the directories under p, so that it can be deleted. */
export function makeWritable(p: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  fs.chmodSync(p, (st.mode & 0o7777) | 0o700);
  for (const e of fs.readdirSync(p)) makeWritable(path.join(p, e));
}

/** Deletes a tree even when it was made read-only; no-op when absent. */
export function removeTree(p: string): void {
  makeWritable(p);
  fs.rmSync(p, { recursive: true, force: true });
}

/**
 * Adds `finalPath` to the store unless it is there: `fill(tmp)` creates the content (a file
 * or a directory) at `tmp`, a fresh path in the store directory that does not exist yet; it
 * is then made read-only and renamed into place. A failing `fill` leaves nothing behind.
 */
export function addToStore(finalPath: string, fill: (tmp: string) => void): string {
  if (pathExists(finalPath)) return finalPath;
  const storeDir = path.dirname(finalPath);
  fs.mkdirSync(storeDir, { recursive: true });
  const tmp = path.join(storeDir, `.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}-${path.basename(finalPath).slice(33)}`);
  try {
    fill(tmp);
    makeReadOnly(tmp);
    try {
      fs.renameSync(tmp, finalPath);
    } catch (e) {
      // Another process added the same path meanwhile: same content, keep theirs.
      if (!pathExists(finalPath)) throw e;
      removeTree(tmp);
    }
  } catch (e) {
    removeTree(tmp);
    throw e;
  }
  return finalPath;
}
