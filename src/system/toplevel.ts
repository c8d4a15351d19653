// Builds the system toplevel (layout: see index.ts) from a build manifest.
//
// The toplevel's store hash covers the manifest, the /usr layers and the content of every
// /etc source outside the store, i.e. everything its content is made from: the same
// configuration gives the same path, and a path that exists is returned without any work.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { activateScript, initScript, SPECIAL_ETC } from './activation-script';
import type { EtcEntry, Manifest, UnitEntry } from './manifest';
import { linkTree } from './store';
import { addToStore, pathExists, storePathFor } from '../state/store';
import { groupText, mutablePasswordUsers, passwdText, PreviousIds, resolveIds, shadowText } from './users';

/** Bumped whenever the toplevel layout or a generated script changes. */
export const BUILDER_VERSION = 'toplevel-3';

export interface ToplevelInput {
  manifest: Manifest;
  storeDir: string;
  /** /usr layers of packages realized while evaluating (in realization order). */
  realizedLayers?: string[];
  /** Ids the container already uses: kept for accounts without a declared id (like NixOS' uid-map). */
  previousIds?: PreviousIds;
}

function isInStore(p: string, storeDir: string): boolean {
  return p === storeDir || p.startsWith(storeDir + '/');
}

/** Sources that stay links: the store, and host trees every container sees (/usr, /run, /proc, /dev). */
function linkedSource(p: string, storeDir: string): boolean {
  return isInStore(p, storeDir) || /^\/(usr|run|proc|dev|sys|nix\/store)(\/|$)/.test(p);
}

/** Hash of a file or directory tree (for sources outside the store). */
function treeDigest(p: string, h: crypto.Hash): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    h.update(`missing\0`);
    return;
  }
  if (st.isDirectory()) {
    h.update('dir\0');
    for (const e of fs.readdirSync(p).sort()) {
      h.update(`${e}\0`);
      treeDigest(path.join(p, e), h);
    }
  } else {
    h.update(`file ${st.mode & 0o111 ? 'x' : '-'}\0`);
    h.update(fs.readFileSync(p));
  }
}

/** /usr layers: those named by the packages (nix-support/usr-layers) and those realized. */
export function collectUsrLayers(m: Manifest, storeDir: string, realized: string[]): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (p && !out.includes(p)) out.push(p);
  };
  for (const l of realized) add(l);
  for (const p of [...m.requiredPackages, ...m.systemPackages]) {
    if (!isInStore(p, storeDir)) continue;
    let text = '';
    try {
      text = fs.readFileSync(path.join(p, 'nix-support', 'usr-layers'), 'utf8');
    } catch {
      continue;
    }
    for (const l of text.split('\n')) add(l.trim());
  }
  return out;
}

function writeFile(file: string, text: string, mode = 0o444): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
}

function copySource(src: string, dst: string): void {
  const st = fs.statSync(src);
  if (st.isDirectory()) {
    fs.mkdirSync(dst, { recursive: true });
    for (const e of fs.readdirSync(src)) copySource(path.join(src, e), path.join(dst, e));
  } else {
    fs.mkdirSync(path.dirname(dst), { recursive: true });
    fs.copyFileSync(src, dst);
    fs.chmodSync(dst, st.mode & 0o111 ? 0o555 : 0o444);
  }
}

function unitLinks(dir: string, name: string, u: UnitEntry): void {
  const target = u.text === null ? `/usr/lib/systemd/system/${name}` : `../${name}`;
  const kinds: Array<[string[], string]> = [
    [u.wantedBy, 'wants'],
    [u.requiredBy, 'requires'],
    [u.upheldBy, 'upholds'],
  ];
  for (const [owners, kind] of kinds) {
    for (const o of owners) {
      const d = path.join(dir, `${o}.${kind}`);
      fs.mkdirSync(d, { recursive: true });
      const link = path.join(d, name);
      if (!pathExists(link)) fs.symlinkSync(target, link);
    }
  }
}

function writeUnits(etcDir: string, m: Manifest): void {
  const dir = path.join(etcDir, 'systemd', 'system');
  fs.mkdirSync(dir, { recursive: true });
  for (const u of m.maskedUnits) {
    if (!m.units[u]) fs.symlinkSync('/dev/null', path.join(dir, u));
  }
  for (const name of Object.keys(m.units).sort()) {
    const u = m.units[name];
    if (!u.enable) {
      fs.symlinkSync('/dev/null', path.join(dir, name));
      continue;
    }
    if (u.text !== null) writeFile(path.join(dir, name), u.text);
    unitLinks(dir, name, u);
  }
  const def = path.join(dir, 'default.target');
  if (!pathExists(def)) fs.symlinkSync(m.units[m.defaultUnit] ? m.defaultUnit : `/usr/lib/systemd/system/${m.defaultUnit}`, def);
}

function writeEtc(etcDir: string, m: Manifest, storeDir: string): EtcEntry[] {
  fs.mkdirSync(etcDir, { recursive: true });
  const entries: EtcEntry[] = [];
  const seen = new Set<string>();
  for (const e of m.etc) {
    const target = path.posix.normalize(e.target).replace(/^\/+/, '');
    if (SPECIAL_ETC.has(target) || target.startsWith('systemd/system/') || target === 'systemd/system') continue;
    if (seen.has(target)) continue;
    seen.add(target);
    const dst = path.join(etcDir, target);
    if (e.text !== null) writeFile(dst, e.text);
    else if (e.source !== null && linkedSource(e.source, storeDir)) {
      fs.mkdirSync(path.dirname(dst), { recursive: true });
      fs.symlinkSync(e.source, dst);
    } else if (e.source !== null) copySource(e.source, dst);
    else continue;
    entries.push({ ...e, target });
  }
  entries.push({ target: 'systemd/system', text: null, source: null, mode: 'symlink', user: '+0', group: '+0' });
  return entries;
}

/** The cache key of a manifest: everything the toplevel's content depends on. */
export function toplevelKey(
  m: Manifest,
  storeDir: string,
  layers: string[],
  previous?: PreviousIds,
): string {
  const h = crypto.createHash('sha256');
  h.update(BUILDER_VERSION + '\0' + storeDir + '\0');
  const { warnings: _w, ...rest } = m;
  h.update(JSON.stringify(rest));
  h.update('\0' + JSON.stringify(layers));
  if (previous) h.update('\0' + JSON.stringify([[...previous.uids].sort(), [...previous.gids].sort()]));
  for (const e of m.etc) {
    if (e.text === null && e.source !== null && !linkedSource(e.source, storeDir)) {
      h.update(`\0source ${e.source}\0`);
      treeDigest(e.source, h);
    }
  }
  return h.digest('hex');
}

export function buildToplevel(input: ToplevelInput): string {
  const { manifest: m, storeDir } = input;
  for (const e of m.etc) {
    if (e.text === null && e.source !== null && !linkedSource(e.source, storeDir) && !pathExists(e.source)) {
      throw new Error(`error: the source of environment.etc."${e.target}" does not exist: ${e.source}`);
    }
  }
  const layers = collectUsrLayers(m, storeDir, input.realizedLayers ?? []);
  const final = storePathFor(storeDir, toplevelKey(m, storeDir, layers, input.previousIds), m.name);
  return addToStore(final, (tmp) => {
    fs.mkdirSync(tmp);
    const etcDir = path.join(tmp, 'etc');
    const entries = writeEtc(etcDir, m, storeDir);
    writeUnits(etcDir, m);
    const { users, groups } = resolveIds(m.users, m.groups, input.previousIds);
    writeFile(path.join(etcDir, 'passwd'), passwdText(users));
    writeFile(path.join(etcDir, 'group'), groupText(groups));
    writeFile(path.join(etcDir, 'shadow'), shadowText(users));
    writeFile(path.join(tmp, 'etc-targets'), entries.map((e) => e.target + '\n').join(''));
    writeFile(
      path.join(tmp, 'activate'),
      activateScript({
        toplevel: final,
        etc: entries,
        users,
        mutablePasswordUsers: mutablePasswordUsers(users, m.mutableUsers),
        snippets: m.activationScripts,
      }),
      0o555,
    );
    writeFile(path.join(tmp, 'init'), initScript(final), 0o555);
    const sw = path.join(tmp, 'sw');
    for (const d of ['bin', 'sbin', 'share']) fs.mkdirSync(path.join(sw, d), { recursive: true });
    for (const p of m.systemPackages) {
      if (!isInStore(p, storeDir)) continue; // host /usr packages are on PATH already
      if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
        for (const d of ['bin', 'sbin', 'share']) linkTree(path.join(p, d), path.join(sw, d));
      }
    }
    writeFile(path.join(tmp, 'usr-layers'), layers.map((l) => l + '\n').join(''));
    writeFile(path.join(tmp, 'system'), m.system);
    writeFile(path.join(tmp, 'nixos-version'), m.nixosVersion);
    writeFile(path.join(tmp, 'configuration.json'), JSON.stringify(m.configuration ?? {}, null, 2) + '\n');
  });
}
