// What the host's distribution offers and what the host has installed, read from apt's
// package lists (/var/lib/apt/lists/*_Packages, any compression) and dpkg's status file.
// The archive part is expensive to parse (~50 MB of text), so it is cached as one JSON file
// under the cache dir, keyed by the lists' names, sizes and mtimes. dpkg's status is small
// and changes whenever the host installs something: it is parsed on every load.
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { execFileSync, spawnSync } from 'child_process';
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

const INDEX_FORMAT = 2;

const NODE_TO_DPKG_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: 'i386', s390x: 's390x', riscv64: 'riscv64' };

let nativeArchCache: string | undefined;
/** dpkg's native architecture (known from node's own for the common ones, else asked). */
export function nativeArch(): string {
  if (!nativeArchCache) nativeArchCache = NODE_TO_DPKG_ARCH[process.arch];
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
  // apt-helper knows every compression apt may have stored the list with. Its output goes
  // straight to a temporary file: reading 50 MB through a pipe into node is far slower.
  const tmp = path.join(os.tmpdir(), `nc-list-${process.pid}-${Date.now()}`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    const r = spawnSync('/usr/lib/apt/apt-helper', ['cat-file', file], { stdio: ['ignore', fd, 'pipe'] });
    if (r.status !== 0) throw new Error(`apt-helper cat-file ${file} failed: ${String(r.stderr ?? r.error).trim()}`);
    return fs.readFileSync(tmp, 'utf8');
  } finally {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
  }
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

const STATUS_FIELDS = new Set(['Package', 'Version', 'Architecture', 'Description', 'Status']);

/** The value of a single-line field (the first line of a multi-line one) in a stanza. */
function fieldOf(text: string, start: number, end: number, key: string): string | undefined {
  // A field starts the stanza or a line: look for "\nKey: " inside [start, end).
  let at: number;
  if (text.startsWith(`${key}:`, start)) at = start;
  else {
    at = text.indexOf(`\n${key}:`, start);
    if (at < 0 || at >= end) return undefined;
    at += 1;
  }
  let eol = text.indexOf('\n', at);
  if (eol < 0 || eol > end) eol = end;
  return text.slice(at + key.length + 1, eol).trim();
}

function parseArchive(files: string[], arch: string): Map<string, ArchiveEntry> {
  const out = new Map<string, ArchiveEntry>();
  for (const file of files) {
    const text = readListFile(file);
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n\n', start);
      if (end < 0) end = text.length;
      const a = fieldOf(text, start, end, 'Architecture') ?? '';
      const name = a === arch || a === 'all' ? fieldOf(text, start, end, 'Package') : undefined;
      const version = name ? fieldOf(text, start, end, 'Version') : undefined;
      const prev = name ? out.get(name) : undefined;
      if (name && version && !(prev && compareDebVersions(prev.version, version) >= 0)) {
        out.set(name, {
          name,
          version,
          arch: a,
          description: fieldOf(text, start, end, 'Description') ?? '',
          filename: fieldOf(text, start, end, 'Filename') ?? '',
          sha256: fieldOf(text, start, end, 'SHA256') ?? '',
          size: Number(fieldOf(text, start, end, 'Size') ?? 0),
        });
      }
      start = end + 2;
    }
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

/**
 * parseStatus with a cache under `cacheDir`, keyed on the status file's size and mtime (dpkg
 * rewrites it on every change): every build consults what the host has installed.
 */
export function parseStatusCached(statusFile: string, arch: string, cacheDir: string): Map<string, InstalledEntry> {
  let key: string;
  try {
    const st = fs.statSync(statusFile);
    key = `format=${INDEX_FORMAT} arch=${arch} ${statusFile}:${st.size}:${st.mtimeMs}`;
  } catch {
    return parseStatus(statusFile, arch);
  }
  const file = path.join(cacheDir, 'dpkg-status.json');
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: string; entries: InstalledEntry[] };
    if (c.key === key) return new Map(c.entries.map((e) => [e.name, e]));
  } catch {
    // not cached yet
  }
  const m = parseStatus(statusFile, arch);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key, entries: [...m.values()] }));
    fs.renameSync(tmp, file);
  } catch {
    // the cache only saves time
  }
  return m;
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

const SHARDS = 256;

function shardOf(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return h % SHARDS;
}

/**
 * The archive's candidate version of every package. On disk (under the cache dir) as a
 * sorted name list plus 256 small JSON shards of details, so that listing names or looking
 * one up does not parse the whole archive.
 */
export class ArchiveIndex {
  private nameList?: string[];
  private readonly shards = new Map<number, Record<string, CachedRow>>();

  constructor(
    private readonly dir: string | undefined,
    private readonly inMemory?: Map<string, ArchiveEntry>,
  ) {}

  names(): string[] {
    if (!this.nameList) {
      if (this.inMemory) this.nameList = [...this.inMemory.keys()].sort();
      else {
        const text = fs.readFileSync(path.join(this.dir!, 'names.txt'), 'utf8');
        this.nameList = text ? text.split('\n') : [];
      }
    }
    return this.nameList;
  }

  /** One name's question reads one small shard, not the whole name list. */
  has(name: string): boolean {
    if (this.inMemory) return this.inMemory.has(name);
    return Object.prototype.hasOwnProperty.call(this.shard(shardOf(name)), name);
  }

  get(name: string): ArchiveEntry | undefined {
    if (this.inMemory) return this.inMemory.get(name);
    const shard = this.shard(shardOf(name));
    if (!Object.prototype.hasOwnProperty.call(shard, name)) return undefined;
    const row = shard[name];
    const [version, arch, description, filename, sha256, size] = row;
    return { name, version, arch, description, filename, sha256, size };
  }

  private shard(k: number): Record<string, CachedRow> {
    let shard = this.shards.get(k);
    if (!shard) {
      try {
        shard = JSON.parse(fs.readFileSync(path.join(this.dir!, `shard-${k}.json`), 'utf8')) as Record<string, CachedRow>;
      } catch {
        shard = {}; // no archive name hashes to this shard
      }
      this.shards.set(k, shard);
    }
    return shard;
  }

  get size(): number {
    return this.names().length;
  }

  /**
   * nixpkgs-style names derived from archive names (postgresql-15 -> postgresql_15,
   * python3.11 -> python311), sorted; computed when the index is built.
   */
  derivedNames(): string[] {
    if (this.inMemory) return derivedNames(this.names());
    try {
      const text = fs.readFileSync(path.join(this.dir!, 'derived.txt'), 'utf8');
      return text ? text.split('\n') : [];
    } catch {
      return derivedNames(this.names());
    }
  }
}

function derivedNames(names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    if (n.startsWith('postgresql-')) {
      const m = /^postgresql-(\d+)$/.exec(n);
      if (m) out.push(`postgresql_${m[1]}`);
    } else if (n.startsWith('python3.')) {
      const m = /^python3\.(\d+)$/.exec(n);
      if (m) out.push(`python3${m[1]}`);
    }
  }
  return out.sort();
}

function writeIndexDir(dir: string, key: string, m: Map<string, ArchiveEntry>): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, '.index-'));
  try {
    const shards: Array<Record<string, CachedRow>> = Array.from({ length: SHARDS }, () => ({}));
    for (const e of m.values()) {
      shards[shardOf(e.name)][e.name] = [e.version, e.arch, e.description, e.filename, e.sha256, e.size];
    }
    shards.forEach((sh, k) => fs.writeFileSync(path.join(tmp, `shard-${k}.json`), JSON.stringify(sh)));
    const names = [...m.keys()].sort();
    fs.writeFileSync(path.join(tmp, 'names.txt'), names.join('\n'));
    fs.writeFileSync(path.join(tmp, 'derived.txt'), derivedNames(names).join('\n'));
    fs.writeFileSync(path.join(tmp, 'key'), key);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The archive index, from the cache when the lists have not changed since it was written
 * (else parsed from the lists and cached). Empty when apt has no lists.
 */
export function loadArchive(listsDir: string, cacheDir: string): ArchiveIndex {
  const arch = nativeArch();
  const files = packageListFiles(listsDir);
  if (files.length === 0) return new ArchiveIndex(undefined, new Map());
  const key = listsKey(files, arch);
  const dir = path.join(cacheDir, 'archive-index');
  try {
    if (fs.readFileSync(path.join(dir, 'key'), 'utf8') === key) return new ArchiveIndex(dir);
  } catch {
    // missing or unreadable cache: rebuild
  }
  const m = parseArchive(files, arch);
  try {
    writeIndexDir(dir, key, m);
  } catch {
    // a read-only cache dir only costs speed
  }
  return new ArchiveIndex(undefined, m);
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
