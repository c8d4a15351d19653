// NAME.conf: the per-container key=value file (upstream format, also a systemd
// EnvironmentFile). Reading follows systemd's rules closely enough for the keys we use:
// blank lines and lines starting with # or ; are ignored, a later assignment of a key wins,
// and values are kept raw here (quotes are stripped by `unquote` where a value is used).
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from './paths';

export type ConfValues = Record<string, string>;

export function confPath(paths: StatePaths, name: string): string {
  return path.join(paths.confDir, `${name}.conf`);
}

export function parseConf(text: string): ConfValues {
  const out: ConfValues = {};
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed[0] === '#' || trimmed[0] === ';') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) continue;
    const key = trimmed.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    out[key] = trimmed.slice(eq + 1).trim();
  }
  return out;
}

/** A value with one pair of surrounding double or single quotes removed. */
export function unquote(v: string | undefined): string {
  if (v === undefined) return '';
  const s = v.trim();
  if (s.length >= 2 && ((s[0] === '"' && s.endsWith('"')) || (s[0] === "'" && s.endsWith("'")))) {
    return s.slice(1, -1);
  }
  return s;
}

export function readConf(paths: StatePaths, name: string): ConfValues {
  return parseConf(fs.readFileSync(confPath(paths, name), 'utf8'));
}

export function confExists(paths: StatePaths, name: string): boolean {
  try {
    fs.lstatSync(confPath(paths, name));
    return true;
  } catch {
    return false;
  }
}

/** The lines `create` writes, in upstream's exact order. */
export interface ImperativeConf {
  hostAddress: string;
  localAddress: string;
  bridge?: string;
  port?: string;
  autoStart: boolean;
  flake?: string;
}

export function formatImperativeConf(c: ImperativeConf): string {
  let s =
    'PRIVATE_NETWORK=1\n' +
    `HOST_ADDRESS=${c.hostAddress}\n` +
    `LOCAL_ADDRESS=${c.localAddress}\n` +
    `HOST_BRIDGE=${c.bridge ?? ''}\n` +
    `HOST_PORT=${c.port ?? ''}\n` +
    `AUTO_START=${c.autoStart ? 1 : 0}\n`;
  if (c.flake !== undefined) s += `FLAKE=${c.flake}\n`;
  return s;
}

/**
 * Writes `file` atomically (temporary file in the same directory, then rename), so a reader
 * never sees half a file and a crash leaves either the old or the new content. The temporary
 * name starts with a dot, so `list` never shows it.
 */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { mode });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
}

/** Names of all containers (NAME.conf files), sorted bytewise on the file name as upstream. */
export function listContainerNames(paths: StatePaths): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(paths.confDir);
  } catch {
    return [];
  }
  const files = entries.filter((f) => !f.startsWith('.') && f.endsWith('.conf') && f.length > 5);
  files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return files.map((f) => f.slice(0, -5));
}

/**
 * Whether a container is declarative (defined by the host configuration, not by `create`):
 * its CONF carries DECLARATIVE=1, or is a symlink (upstream: into the read-only store), or
 * has no write permission bits at all (upstream relies on access(W_OK), which root passes).
 */
export function isDeclarative(paths: StatePaths, name: string): boolean {
  const file = confPath(paths, name);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return false;
  }
  if (st.isSymbolicLink()) return true;
  if ((st.mode & 0o222) === 0) return true;
  try {
    fs.accessSync(file, fs.constants.W_OK);
  } catch {
    return true;
  }
  try {
    return unquote(parseConf(fs.readFileSync(file, 'utf8')).DECLARATIVE) === '1';
  } catch {
    return false;
  }
}
