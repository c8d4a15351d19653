// Public API of the packages layer: `pkgs.<name>` from the host distribution's archive,
// without Nix. Knows nothing about the Nix language; the system layer turns a
// RealizedPackage into a derivation-like value.
//
//   const src = new PackageSource(paths);
//   src.lookup('jq')    -> PackageInfo (no download)
//   src.realize('jq')   -> { outPath: <store>/<hash>-jq-1.6-2.1, usrLayers: [...] }
//
// A package the host has installed is used in place (its output only holds symlinks into
// /usr). One it lacks is fetched with its missing dependencies by apt in download-only mode
// and each .deb unpacked into its own read-only store path, a usr layer for containers.
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from '../state/paths';
import {
  ArchiveIndex,
  DEFAULT_HOST,
  HostLocations,
  InstalledEntry,
  installedFileList,
  loadArchive,
  nativeArch,
  packageListFiles,
  parseStatus,
} from './archive-index';
import { DebRef, ensureAptLists, fetchDebs, resolveMissing, sha256File } from './apt';
import { layerFiles, unpackDebLayer } from './deb-layer';
import { PackageError } from './errors';
import { NIXPKGS_TO_DEBIAN, debianNamesFor } from './nixpkgs-names';
import { describeTree, PackageFile, planTree, writeTree } from './package-tree';
import { ProgressSink, stderrProgress } from './progress';
import { addToStore, storePathFor } from './store-path';
import { closestNames } from './suggest';

export { PackageError } from './errors';
export { ProgressSink, stderrProgress, collectingProgress } from './progress';
export { NIXPKGS_TO_DEBIAN, debianNamesFor } from './nixpkgs-names';
export { collectGarbage, GcResult } from './gc';

export interface PackageInfo {
  /** The name asked for (a nixpkgs attribute name or a Debian package name). */
  attr: string;
  /** The Debian package it stands for (the main one when an alias names several). */
  debName: string;
  /** The version that will be used: the host's when installed, else the archive's candidate. */
  version: string;
  arch: string;
  /** Short description (first line of the Debian one). */
  description: string;
  /** Every Debian package of the attribute is installed on the host: nothing to download. */
  installedOnHost: boolean;
}

export interface RealizedPackage {
  info: PackageInfo;
  /** Store path laid out the Nix way: bin/ sbin/ lib/ libexec/ include/ share/ etc/. */
  outPath: string;
  /** Store paths with a usr/ tree to overlay over /usr in containers, lowest first. */
  usrLayers: string[];
}

export interface PackageSourceOptions {
  /** Where apt's lists, dpkg's status and file lists are (tests only). */
  host?: Partial<HostLocations>;
  /** Progress of apt-get update when the lists are missing (default: stderr). */
  progress?: ProgressSink;
}

let distroNameCache: string | undefined;
function distroName(): string {
  if (distroNameCache === undefined) {
    distroNameCache = "the host's distribution";
    try {
      const m = /^NAME="?([^"\n]+)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
      if (m) distroNameCache = m[1].split(' ')[0];
    } catch {
      // keep the generic name
    }
  }
  return distroNameCache;
}

function quoteList(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

/** The error for a name that is neither a Debian package nor a known nixpkgs alias. */
export function unknownPackageMessage(attr: string, suggestions: string[]): string {
  let msg = `error: package '${attr}' does not exist in the host's archive (${distroName()})`;
  if (suggestions.length === 1) msg += `; did you mean ${quoteList(suggestions)}?`;
  else if (suggestions.length > 1) msg += `; did you mean one of ${quoteList(suggestions)}?`;
  return msg;
}

interface RealizeCache {
  key: string;
  outPath: string;
  usrLayers: string[];
}

export class PackageSource {
  private readonly host: HostLocations;
  private archiveMap?: ArchiveIndex;
  private installedMap?: Map<string, InstalledEntry>;
  private nameList?: string[];
  private nameSet?: Set<string>;

  constructor(
    private readonly paths: StatePaths,
    private readonly opts: PackageSourceOptions = {},
  ) {
    this.host = { ...DEFAULT_HOST, ...(opts.host ?? {}) };
  }

  private archive(): ArchiveIndex {
    if (!this.archiveMap) {
      if (packageListFiles(this.host.listsDir).length === 0) {
        try {
          ensureAptLists(this.host, this.opts.progress ?? stderrProgress());
        } catch (e) {
          (this.opts.progress ?? stderrProgress()).message(
            `warning: ${(e as Error).message.replace(/^error: /, '')}\nonly packages installed on the host are available`,
          );
        }
      }
      this.archiveMap = loadArchive(this.host.listsDir, this.paths.cacheDir);
    }
    return this.archiveMap;
  }

  private installed(): Map<string, InstalledEntry> {
    if (!this.installedMap) this.installedMap = parseStatus(this.host.statusFile, nativeArch());
    return this.installedMap;
  }

  private exists(deb: string): boolean {
    return this.installed().has(deb) || this.archive().has(deb);
  }

  /** The Debian packages an attribute stands for (those that exist), main one first. */
  debNames(attr: string): string[] {
    const mapped = debianNamesFor(attr) ?? [attr];
    if (!this.exists(mapped[0])) return [];
    return mapped.filter((d) => this.exists(d));
  }

  /** Every name lookup() knows, sorted. */
  names(): string[] {
    if (!this.nameList) {
      const set = new Set<string>();
      for (const n of this.archive().names()) set.add(n);
      for (const n of this.installed().keys()) set.add(n);
      for (const n of Object.keys(NIXPKGS_TO_DEBIAN)) if (this.exists(NIXPKGS_TO_DEBIAN[n][0])) set.add(n);
      for (const n of [...set]) {
        let m = /^postgresql-(\d+)$/.exec(n);
        if (m) set.add(`postgresql_${m[1]}`);
        m = /^python3\.(\d+)$/.exec(n);
        if (m) set.add(`python3${m[1]}`);
      }
      this.nameSet = set;
      this.nameList = [...set].sort();
    }
    return this.nameList;
  }

  has(attr: string): boolean {
    return this.debNames(attr).length > 0;
  }

  lookup(attr: string): PackageInfo | undefined {
    const debs = this.debNames(attr);
    if (debs.length === 0) return undefined;
    const main = debs[0];
    const inst = this.installed().get(main);
    const arch = this.archive().get(main);
    const e = inst ?? arch!;
    return {
      attr,
      debName: main,
      version: e.version,
      arch: e.arch,
      description: (inst?.description || arch?.description) ?? '',
      installedOnHost: debs.every((d) => this.installed().has(d)),
    };
  }

  suggest(attr: string): string[] {
    this.names();
    const installed = this.installed();
    return closestNames(attr, this.nameList!, (n) => installed.has(n) || n in NIXPKGS_TO_DEBIAN);
  }

  /** Makes the package's store paths exist (downloading what the host lacks); idempotent. */
  realize(attr: string, progress?: ProgressSink): RealizedPackage {
    const info = this.lookup(attr);
    if (!info) throw new PackageError(unknownPackageMessage(attr, this.suggest(attr)));
    const debs = this.debNames(attr);
    const versions = debs.map((d) => {
      const inst = this.installed().get(d);
      if (inst) return `${d} ${inst.version} ${inst.arch} host`;
      const a = this.archive().get(d)!;
      return `${d} ${a.version} ${a.arch} ${a.sha256}`;
    });
    const key = [this.paths.storeDir, attr, ...versions].join('\n');
    const cacheFile = path.join(this.paths.cacheDir, 'realized', `${attr.replace(/[^A-Za-z0-9+\-._]/g, '_')}.json`);
    try {
      const c = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as RealizeCache;
      if (c.key === key && fs.existsSync(c.outPath) && c.usrLayers.every((l) => fs.existsSync(l))) {
        return { info, outPath: c.outPath, usrLayers: c.usrLayers };
      }
    } catch {
      // not realized before
    }
    const sink = progress ?? stderrProgress();

    const files: PackageFile[] = [];
    for (const d of debs) {
      const inst = this.installed().get(d);
      if (!inst) continue;
      for (const abs of installedFileList(this.host.dpkgInfoDir, d, inst.arch)) files.push({ abs, local: abs });
    }

    const missing = debs.filter((d) => !this.installed().has(d));
    const usrLayers: string[] = [];
    if (missing.length > 0) {
      ensureAptLists(this.host, sink);
      const refs = resolveMissing(missing, this.host);
      for (const d of missing) {
        if (!refs.some((r) => r.name === d)) {
          throw new PackageError(`apt did not select '${d}' for download (is it held or conflicting on this host?)`);
        }
      }
      const shaOf = (r: DebRef) => {
        const a = this.archive().get(r.name);
        return a && a.version === r.version ? a.sha256 : undefined;
      };
      const debFiles = fetchDebs(refs, path.join(this.paths.cacheDir, 'debs'), this.host, sink, shaOf);
      const layerOf = new Map<string, string>();
      refs.forEach((r, i) => {
        sink.step('unpack', i + 1, refs.length, `${r.name} ${r.version}`);
        const sha = shaOf(r) ?? sha256File(debFiles[i]);
        const layer = unpackDebLayer(this.paths.storeDir, debFiles[i], r, sha);
        usrLayers.push(layer);
        layerOf.set(r.name, layer);
      });
      sink.finish();
      for (const d of missing) {
        const layer = layerOf.get(d)!;
        for (const abs of layerFiles(layer)) files.push({ abs, local: path.join(layer, abs), layer });
      }
    }

    const entries = planTree(files);
    const pname = /^[A-Za-z0-9+\-_]+$/.test(attr) ? attr : info.debName;
    const description = ['package', ...versions, ...usrLayers, describeTree(entries)].join('\n');
    const outPath = addToStore(storePathFor(this.paths.storeDir, description, `${pname}-${info.version}`), (tmp) => {
      writeTree(tmp, entries);
      fs.mkdirSync(path.join(tmp, 'nix-support'));
      fs.writeFileSync(path.join(tmp, 'nix-support', 'debian-packages'), versions.map((v) => `${v}\n`).join(''));
      fs.writeFileSync(path.join(tmp, 'nix-support', 'usr-layers'), usrLayers.map((l) => `${l}\n`).join(''));
    });
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(cacheFile, JSON.stringify({ key, outPath, usrLayers } satisfies RealizeCache));
    } catch {
      // the cache only saves time
    }
    return { info, outPath, usrLayers };
  }
}
