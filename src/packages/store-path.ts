// Naming and atomically adding content-addressed store paths: `<store>/<hash>-<name>`, with
// a 32-character hash in Nix's base-32 alphabet (160 bits of a SHA-256, folded).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';

function base32(bytes: Buffer): string {
  // Least significant 5-bit group first, as Nix prints hashes.
  let out = '';
  const bits = bytes.length * 8;
  const n = Math.ceil(bits / 5);
  for (let i = n - 1; i >= 0; i--) {
    const b = i * 5;
    const byte = b >> 3;
    const shift = b & 7;
    const lo = bytes[byte] >> shift;
    const hi = byte + 1 < bytes.length ? bytes[byte + 1] << (8 - shift) : 0;
    out += ALPHABET[(lo | hi) & 31];
  }
  return out;
}

/** 32-character store hash of a description string. */
export function storeHash(description: string): string {
  const full = crypto.createHash('sha256').update(description).digest();
  const folded = Buffer.alloc(20);
  for (let i = 0; i < full.length; i++) folded[i % 20] ^= full[i];
  return base32(folded);
}

/** A name fit for a store path: Nix allows [A-Za-z0-9+-._?=]; anything else becomes '_'. */
export function storeName(name: string): string {
  return name.replace(/[^A-Za-z0-9+\-._?=]/g, '_');
}

/** A Debian version as store names show it: without the epoch ("1:9.2p1-2" -> "9.2p1-2"). */
export function versionForName(version: string): string {
  return version.replace(/^\d+:/, '');
}

export function storePathFor(storeDir: string, description: string, name: string): string {
  return path.join(storeDir, `${storeHash(description)}-${storeName(name)}`);
}

/** Removes write permission everywhere under p (symlinks untouched). */
export function makeReadOnly(p: string): void {
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) for (const e of fs.readdirSync(p)) makeReadOnly(path.join(p, e));
  fs.chmodSync(p, st.mode & 0o7555);
}

/** Gives back write permission to directories under p, so it can be deleted. */
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

export function removeTree(p: string): void {
  makeWritable(p);
  fs.rmSync(p, { recursive: true, force: true });
}

/**
 * Adds `finalPath` to the store if it is not there yet: `fill(tmp)` builds the content in a
 * temporary directory inside the store dir, which is made read-only and renamed into place.
 * A failing `fill` leaves nothing behind. Returns finalPath.
 */
export function addToStore(finalPath: string, fill: (tmp: string) => void): string {
  if (fs.existsSync(finalPath)) return finalPath;
  const storeDir = path.dirname(finalPath);
  fs.mkdirSync(storeDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(storeDir, `.tmp-${path.basename(finalPath).slice(33, 60)}-`));
  try {
    fs.chmodSync(tmp, 0o755);
    fill(tmp);
    makeReadOnly(tmp);
    try {
      fs.renameSync(tmp, finalPath);
    } catch (e) {
      // Someone else added the same path meanwhile: theirs is as good as ours.
      if (!fs.existsSync(finalPath)) throw e;
      removeTree(tmp);
    }
  } catch (e) {
    removeTree(tmp);
    throw e;
  }
  return finalPath;
}
