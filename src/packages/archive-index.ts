// What the host's distribution offers and what the host has installed, read from apt's
// package lists (/var/lib/apt/lists/*_Packages, any compression) and dpkg's status file.
// The archive part is expensive to parse (~50 MB of text), so it is cached as one JSON file
// under the cache dir, keyed by the lists' names, sizes and mtimes. dpkg's status is small
// and changes whenever the host installs something: it is parsed on every load.
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { compareDebVersions } from './debversion';

export interface ArchiveEntry {
  name: string;
  version: string;
  arch: string;
  description: string;
  /** Path of the .deb relative to the archive root (pool/...). */
  filename: string;
  sha256: string;
  size: number;
}

export interface InstalledEntry {
  name: string;
  version: string;
  arch: string;
  description: string;
}

export interface HostLocations {
  /** apt's lists directory (default /var/lib/apt/lists). */
  listsDir: string;
  /** dpkg's status file (default /var/lib/dpkg/status). */
  statusFile: string;
  /** dpkg's info directory with NAME[:ARCH].list files (default /var/lib/dpkg/info). */
  dpkgInfoDir: string;
}

export const DEFAULT_HOST: HostLocations = {
  listsDir: '/var/lib/apt/lists',
  statusFile: '/var/lib/dpkg/status',
  dpkgInfoDir: '/var/lib/dpkg/info',
};

const INDEX_FORMAT = 1;

let nativeArchCache: string | undefined;
export function nativeArch(): string {
  if (!nativeArchCache) {
    try {
      nativeArchCache = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
    } catch {
      nativeArchCache = process.arch === 'x64' ? 'amd64' : process.arch;
    }
  }
  return nativeArchCache;
}

/** The Packages files apt knows about, with their compression suffix. */
export function packageListFiles(listsDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(listsDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /_Packages(\.(lz4|gz|xz|bz2|zst|lzma))?$/.test(n))
    .sort()
    .map((n) => path.join(listsDir, n));
}

function readListFile(file: string): string {
  if (file.endsWith('_Packages')) return fs.readFileSync(file, 'utf8');
  // apt-helper knows every compression apt may have stored the list with.
  return execFileSync('/usr/lib/apt/apt-helper', ['cat-file', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
}

/** Calls fn with each stanza's fields we care about (first line of multi-line fields). */
function forEachStanza(text: string, wanted: Set<string>, fn: (f: Map<string, string>) => void): void {
  let fields = new Map<string, string>();
  let pos = 0;
  const n = text.length;
  while (pos <= n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    const line = text.slice(pos, end);
    pos = end + 1;
    if (line === '') {
      if (fields.size) fn(fields);
      fields = new Map();
      if (end >= n) break;
      continue;
    }
    const c = line.charCodeAt(0);
    if (c === 32 || c === 9) continue; // continuation line
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (wanted.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  if (fields.size) fn(fields);
}

const ARCHIVE_FIELDS = new Set(['Package', 'Version', 'Architecture', 'Description', 'Filename', 'SHA256', 'Size']);
const STATUS_FIELDS = new Set(['Package', 'Version', 'Architecture', 'Description', 'Status']);

function parseArchive(files: string[], arch: string): Map<string, ArchiveEntry> {
  const out = new Map<string, ArchiveEntry>();
  for (const file of files) {
    const text = readListFile(file);
    forEachStanza(text, ARCHIVE_FIELDS, (f) => {
      const name = f.get('Package');
      const version = f.get('Version');
      const a = f.get('Architecture') ?? '';
      if (!name || !version || (a !== arch && a !== 'all')) return;
      const prev = out.get(name);
      if (prev && compareDebVersions(prev.version, version) >= 0) return;
      out.set(name, {
        name,
        version,
        arch: a,
        description: f.get('Description') ?? '',
        filename: f.get('Filename') ?? '',
        sha256: f.get('SHA256') ?? '',
        size: Number(f.get('Size') ?? 0),
      });
    });
  }
  return out;
}

export function parseStatus(statusFile: string, arch: string): Map<string, InstalledEntry> {
  const out = new Map<string, InstalledEntry>();
  let text: string;
  try {
    text = fs.readFileSync(statusFile, 'utf8');
  } catch {
    return out;
  }
  forEachStanza(text, STATUS_FIELDS, (f) => {
    const name = f.get('Package');
    const status = f.get('Status') ?? '';
    const a = f.get('Architecture') ?? '';
    if (!name || !/ installed$/.test(status)) return;
    if (a !== arch && a !== 'all') return;
    out.set(name, { name, version: f.get('Version') ?? '', arch: a, description: f.get('Description') ?? '' });
  });
  return out;
}

function listsKey(files: string[], arch: string): string {
  const parts = [`format=${INDEX_FORMAT}`, `arch=${arch}`];
  for (const f of files) {
    const st = fs.statSync(f);
    parts.push(`${path.basename(f)}:${st.size}:${Math.floor(st.mtimeMs)}`);
  }
  return parts.join('\n');
}

type CachedRow = [string, string, string, string, string, number];

/**
 * The archive's candidate version of every package, from the cache when the lists have not
 * changed since it was written. Returns an empty map when apt has no lists.
 */
export function loadArchive(listsDir: string, cacheDir: string): Map<string, ArchiveEntry> {
  const arch = nativeArch();
  const files = packageListFiles(listsDir);
  if (files.length === 0) return new Map();
  const key = listsKey(files, arch);
  const cacheFile = path.join(cacheDir, 'archive-index.json');
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { key: string; rows: Record<string, CachedRow> };
    if (cached.key === key) {
      const m = new Map<string, ArchiveEntry>();
      for (const name of Object.keys(cached.rows)) {
        const [version, a, description, filename, sha256, size] = cached.rows[name];
        m.set(name, { name, version, arch: a, description, filename, sha256, size });
      }
      return m;
    }
  } catch {
    // missing or unreadable cache: rebuild
  }
  const m = parseArchive(files, arch);
  const rows: Record<string, CachedRow> = {};
  for (const e of m.values()) rows[e.name] = [e.version, e.arch, e.description, e.filename, e.sha256, e.size];
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key, rows }));
    fs.renameSync(tmp, cacheFile);
  } catch {
    // a read-only cache dir only costs speed
  }
  return m;
}

/** Files a host-installed package owns, from dpkg's NAME[:ARCH].list (directories included). */
export function installedFileList(infoDir: string, name: string, arch: string): string[] {
  for (const base of [`${name}:${arch}.list`, `${name}.list`]) {
    try {
      return fs.readFileSync(path.join(infoDir, base), 'utf8').split('\n').filter((l) => l.startsWith('/'));
    } catch {
      // try the next spelling
    }
  }
  return [];
}
