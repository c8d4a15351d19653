// A .deb unpacked into its own read-only store path (a "usr layer"):
//   <store>/<hash>-deb-<name>-<version>-<arch>/{usr/,etc/,nix-support/deb-info}
// The hash covers the .deb's SHA-256, so a rebuilt .deb with the same version gets a new
// path. Files a .deb puts in /bin, /sbin or /lib go under usr/ (the host's /usr is merged),
// so overlaying the layer's usr/ on /usr shows everything the package installs.
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { versionForName } from './store-path';
import { addToStore, storePathFor } from '../state/store';
import type { DebRef } from './apt';
import { PackageError } from './errors';
import { formatAlternatives, parseAlternatives } from './alternatives';

const MERGED_DIRS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/** Moves everything under `from` into `to`, merging directories; existing files in `to` win. */
function mergeInto(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from)) {
    const src = path.join(from, e);
    const dst = path.join(to, e);
    const s = fs.lstatSync(src);
    let d: fs.Stats | undefined;
    try {
      d = fs.lstatSync(dst);
    } catch {
      d = undefined;
    }
    if (!d) fs.renameSync(src, dst);
    else if (s.isDirectory() && d.isDirectory()) mergeInto(src, dst);
  }
  fs.rmSync(from, { recursive: true, force: true });
}

/** Where a path of a .deb ends up in its layer: /bin/x -> /usr/bin/x (see MERGED_DIRS). */
export function usrMerged(abs: string): string {
  const m = /^\/([^/]+)(\/.*)?$/.exec(abs);
  return m && MERGED_DIRS.includes(m[1]) ? `/usr${abs}` : abs;
}

export function layerPathFor(storeDir: string, deb: DebRef, sha256: string): string {
  return storePathFor(storeDir, `deb:${deb.name}:${deb.version}:${deb.arch}:${sha256}`, `deb-${deb.name}-${versionForName(deb.version)}-${deb.arch}`);
}

/** Unpacks `debFile` into its layer store path (nothing happens when it exists). */
export function unpackDebLayer(storeDir: string, debFile: string, deb: DebRef, sha256: string): string {
  const target = layerPathFor(storeDir, deb, sha256);
  return addToStore(target, (tmp) => {
    fs.mkdirSync(tmp);
    try {
      execFileSync('dpkg-deb', ['-x', debFile, tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      const err = e as { stderr?: Buffer };
      throw new PackageError(`cannot unpack ${path.basename(debFile)}: ${String(err.stderr ?? e).trim()}`);
    }
    for (const d of MERGED_DIRS) {
      const top = path.join(tmp, d);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(top);
      } catch {
        continue;
      }
      if (st.isDirectory()) mergeInto(top, path.join(tmp, 'usr', d));
    }
    fs.mkdirSync(path.join(tmp, 'usr'), { recursive: true });
    fs.mkdirSync(path.join(tmp, 'nix-support'), { recursive: true });
    // The links update-alternatives would make (maintainer scripts never run here).
    let postinst = '';
    try {
      postinst = execFileSync('dpkg-deb', ['--info', debFile, 'postinst'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // no postinst
    }
    fs.writeFileSync(path.join(tmp, 'nix-support', 'alternatives'), formatAlternatives(parseAlternatives(postinst)));
    fs.writeFileSync(
      path.join(tmp, 'nix-support', 'deb-info'),
      `Package: ${deb.name}\nVersion: ${deb.version}\nArchitecture: ${deb.arch}\nSHA256: ${sha256}\n`,
    );
  });
}

/** Every non-directory entry of a layer, as the absolute path it has once layered (/usr/..., /etc/...). */
export function layerFiles(layer: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(layer, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  for (const top of ['usr', 'etc']) if (fs.existsSync(path.join(layer, top))) walk(top);
  return out.map((r) => `/${r}`);
}
