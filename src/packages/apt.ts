// The apt tools, used without touching the host's dpkg database or /usr:
// `apt-get install --print-uris` (which installs nothing) decides which packages the host
// lacks for a request and where they are, `apt-helper download-file` fetches them, checking
// their hashes, into our own cache directory (it is much lighter than `apt-get download`,
// which loads the whole package cache again). Only `apt-get update` writes host state
// (apt's lists), and only when there are none at all.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { spawnSync, SpawnSyncReturns } from 'child_process';
import { HostLocations, DEFAULT_HOST, packageListFiles } from './archive-index';
import { PackageError } from './errors';
import type { ProgressSink } from './progress';

export interface DebRef {
  name: string;
  version: string;
  arch: string;
  /** Where apt would fetch it from. */
  uri?: string;
  /** apt's checksum of the file, e.g. "MD5Sum:..." (the index's SHA-256 is preferred). */
  hash?: string;
}

/**
 * Options for every apt call: no locks (we never touch dpkg's database), downloads as root
 * into our own directories, the host's lists and status unless told otherwise, and apt's
 * binary package cache kept in our cache dir (`aptCache`), which spares a second or so per
 * call on hosts where apt keeps none.
 */
function aptOptions(host: HostLocations, aptCache?: string): string[] {
  const o = ['-o', 'Debug::NoLocking=1', '-o', 'APT::Sandbox::User=root'];
  if (aptCache) {
    fs.mkdirSync(aptCache, { recursive: true });
    o.push('-o', `Dir::Cache::pkgcache=${path.join(aptCache, 'pkgcache.bin')}`);
    o.push('-o', `Dir::Cache::srcpkgcache=${path.join(aptCache, 'srcpkgcache.bin')}`);
  }
  if (host.statusFile !== DEFAULT_HOST.statusFile) o.push('-o', `Dir::State::status=${host.statusFile}`);
  if (host.listsDir !== DEFAULT_HOST.listsDir) o.push('-o', `Dir::State::Lists=${host.listsDir}`);
  return o;
}

function aptErrors(r: SpawnSyncReturns<string>): string {
  const text = `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
  const lines = text.split('\n').filter((l) => /^E: /.test(l) || /^ \S.*: Depends/.test(l));
  if (r.error) lines.unshift(String(r.error.message));
  return lines.length ? lines.join('\n') : text.trim().split('\n').slice(-5).join('\n');
}

/** Runs `apt-get update` when apt has no package lists at all (a fresh container image). */
export function ensureAptLists(host: HostLocations, progress: ProgressSink): void {
  if (packageListFiles(host.listsDir).length > 0) return;
  progress.message(`apt has no package lists in ${host.listsDir}; running 'apt-get update' (updates apt's lists only)`);
  fs.mkdirSync(path.join(host.listsDir, 'partial'), { recursive: true });
  const r = spawnSync('apt-get', ['update', ...aptOptions(host)], {
    encoding: 'utf8',
    stdio: ['ignore', progress.fd ?? 'pipe', progress.fd ?? 'pipe'],
  });
  if (packageListFiles(host.listsDir).length === 0) {
    throw new PackageError(`'apt-get update' did not produce any package list (exit ${r.status}):\n${aptErrors(r)}`);
  }
}

/**
 * Packages apt would install for `names` on this host (the names themselves when missing,
 * and their missing or too old dependencies), without Recommends, in install order, with
 * their URIs. Asks `apt-get install --print-uris` against an empty archives directory, so
 * every package to install is listed, whatever apt's own cache holds.
 */
export function resolveMissing(names: string[], host: HostLocations, aptCache?: string): DebRef[] {
  if (names.length === 0) return [];
  const base = aptCache ?? fs.mkdtempSync(path.join(os.tmpdir(), 'nc-apt-'));
  const empty = path.join(base, 'no-archives');
  fs.mkdirSync(path.join(empty, 'partial'), { recursive: true });
  const r = spawnSync(
    'apt-get',
    ['install', '--print-uris', '-qq', '-y', ...aptOptions(host, aptCache), '-o', `Dir::Cache::archives=${empty}/`,
      '--no-install-recommends', ...names],
    { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, LC_ALL: 'C' } },
  );
  if (!aptCache) fs.rmSync(base, { recursive: true, force: true });
  if (r.status !== 0) {
    throw new PackageError(`apt cannot resolve the dependencies of ${names.join(', ')}:\n${aptErrors(r)}`);
  }
  const out: DebRef[] = [];
  for (const line of r.stdout.split('\n')) {
    // The trailing checksum is absent for some archives (seen for Debian's security suite):
    // the expected SHA256 then comes from the archive index instead.
    const m = /^'([^']+)' (\S+)_(\S+)_(\S+)\.deb \d+ ?(\S*)/.exec(line);
    if (m) out.push({ name: m[2], version: m[3].replace(/%3a/gi, ':'), arch: m[4], uri: m[1], hash: m[5] || undefined });
  }
  return out;
}

export function debFileName(d: DebRef): string {
  return `${d.name}_${d.version.replace(/:/g, '%3a')}_${d.arch}.deb`;
}

export function sha256File(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * Makes sure `<debDir>/<name>_<version>_<arch>.deb` exists for every ref, downloading the
 * missing ones with `apt-helper download-file` (which checks the hash) into a private
 * temporary directory first. Returns the .deb files, in the order of `refs`.
 */
export function fetchDebs(
  refs: DebRef[],
  debDir: string,
  host: HostLocations,
  progress: ProgressSink,
  expectedSha256: (d: DebRef) => string | undefined,
  aptCache?: string,
): string[] {
  fs.mkdirSync(debDir, { recursive: true });
  const files = refs.map((d) => path.join(debDir, debFileName(d)));
  const todo = refs.filter((d, i) => {
    if (!fs.existsSync(files[i])) return true;
    const want = expectedSha256(d);
    if (want && sha256File(files[i]) !== want) {
      fs.rmSync(files[i], { force: true });
      return true;
    }
    return false;
  });
  if (todo.length === 0) return files;
  for (const d of todo) {
    if (!d.uri || !(expectedSha256(d) || d.hash)) throw new PackageError(`apt gave no location or checksum for ${d.name} ${d.version}`);
  }
  progress.message(`fetching ${todo.length} package(s) from the archive: ${todo.map((d) => `${d.name} ${d.version}`).join(', ')}`);
  const tmp = fs.mkdtempSync(path.join(debDir, '.download-'));
  try {
    const args = ['download-file'];
    for (const d of todo) {
      const sha = expectedSha256(d);
      args.push(d.uri!, path.join(tmp, debFileName(d)), sha ? `SHA256:${sha}` : d.hash!);
    }
    const r = spawnSync('/usr/lib/apt/apt-helper', [...aptOptions(host, aptCache), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', progress.fd ?? 'pipe', progress.fd ?? 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    if (progress.fd === undefined) {
      for (const l of `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')) if (l.trim()) progress.message(l);
    }
    if (r.status !== 0) {
      throw new PackageError(`downloading ${todo.map((d) => d.name).join(', ')} failed (apt-helper exit ${r.status}):\n${aptErrors(r)}`);
    }
    for (const d of todo) {
      const got = path.join(tmp, debFileName(d));
      if (!fs.existsSync(got)) throw new PackageError(`the download did not produce ${debFileName(d)}`);
      fs.renameSync(got, path.join(debDir, debFileName(d)));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return files;
}
