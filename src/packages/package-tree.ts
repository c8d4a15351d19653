// The Nix-style output of a package: bin/ sbin/ lib/ libexec/ include/ share/ etc/, whose
// entries are symlinks to where the files are inside a container (the host's /usr plus the
// usr layers), so "${pkgs.nginx}/bin/nginx" works as it does on NixOS.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export type TreeEntry =
  | { kind: 'link'; rel: string; target: string }
  | { kind: 'copy'; rel: string; from: string; sha256: string };

/** A file a package installs: its absolute path in a container, and where to look at it here. */
export interface PackageFile {
  abs: string;
  /** Path on this machine to lstat (the host path, or inside a layer). */
  local: string;
  /** The layer store path the file comes from (undefined: the host's own). */
  layer?: string;
  /** Link to this absolute path instead of `abs` (an update-alternatives link). */
  target?: string;
}

function isMergedUsr(): boolean {
  try {
    return fs.readlinkSync('/bin').replace(/^\//, '') === 'usr/bin';
  } catch {
    return false;
  }
}
const MERGED = isMergedUsr();

/** Where a package file appears in the output tree (several places for sbin), or none. */
function outPlaces(abs: string): { rels: string[]; target: string } | undefined {
  let p = abs;
  if (MERGED) p = p.replace(/^\/(bin|sbin|lib|lib32|lib64|libx32)\//, '/usr/$1/');
  const target = p;
  let m = /^\/(?:usr\/)?bin\/([^/]+)$/.exec(p) ?? /^\/usr\/games\/([^/]+)$/.exec(p);
  if (m) return { rels: [`bin/${m[1]}`], target };
  m = /^\/(?:usr\/)?sbin\/([^/]+)$/.exec(p);
  if (m) return { rels: [`sbin/${m[1]}`, `bin/${m[1]}`], target };
  m = /^\/(?:usr\/)?(lib|libexec|include|share)\/(.+)$/.exec(p);
  if (m) return { rels: [`${m[1]}/${m[2]}`], target };
  m = /^\/etc\/(.+)$/.exec(abs);
  if (m) return { rels: [`etc/${m[1]}`], target: abs };
  return undefined;
}

/** The entries of a package's output, for the given files (first file wins on clashes). */
export function planTree(files: PackageFile[]): TreeEntry[] {
  const seen = new Set<string>();
  const out: TreeEntry[] = [];
  for (const f of files) {
    const places = outPlaces(f.abs);
    if (!places) continue;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(f.local);
    } catch {
      continue; // listed by dpkg but gone (diverted, removed by an admin)
    }
    if (st.isDirectory()) continue;
    for (const rel of places.rels) {
      if (seen.has(rel)) continue;
      if (rel.startsWith('etc/')) {
        if (f.layer) {
          seen.add(rel);
          out.push({ kind: 'link', rel, target: path.join(f.layer, f.abs) });
        } else if (st.isFile() && (st.mode & 0o004) !== 0) {
          // The host's own default: copied, since a container has its own /etc.
          seen.add(rel);
          const sha256 = crypto.createHash('sha256').update(fs.readFileSync(f.local)).digest('hex');
          out.push({ kind: 'copy', rel, from: f.local, sha256 });
        }
        continue;
      }
      seen.add(rel);
      out.push({ kind: 'link', rel, target: f.target ? outPlaces(f.target)?.target ?? f.target : places.target });
    }
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Text that identifies a tree's content, for hashing. */
export function describeTree(entries: TreeEntry[]): string {
  return entries.map((e) => (e.kind === 'link' ? `L ${e.rel} ${e.target}` : `C ${e.rel} ${e.sha256}`)).join('\n');
}

export function writeTree(dir: string, entries: TreeEntry[]): void {
  const made = new Set<string>();
  for (const e of entries) {
    const dst = path.join(dir, e.rel);
    const parent = path.dirname(dst);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    if (e.kind === 'link') fs.symlinkSync(e.target, dst);
    else fs.copyFileSync(e.from, dst);
  }
}
