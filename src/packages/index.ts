// Public API of the packages layer: `pkgs.<name>` from the host distribution's archive,
// without Nix. Knows nothing about the Nix language; the system layer turns a
// RealizedPackage into a derivation-like value.
//
//   const src = new PackageSource(paths);
//   src.lookup('jq')    -> PackageInfo (no download)
//   src.realize('hello') -> { outPath: <store>/<hash>-hello-2.10-3, usrLayers: [<store>/<hash>-deb-hello-2.10-3-amd64] }
//
// A package the host has installed is used in place (its output only holds symlinks into
// /usr). One it lacks is fetched with its missing dependencies (apt resolves them against
// the host's dpkg status without installing anything) and each .deb is unpacked into its own
// read-only store path, a usr layer for containers.
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
  parseStatusCached,
} from './archive-index';
import { DebRef, ensureAptLists, fetchDebs, resolveMissing, sha256File } from './apt';
import { layerFiles, unpackDebLayer, usrMerged } from './deb-layer';
import { hostAlternatives, readAlternativesFile } from './alternatives';
import { PackageError } from './errors';
import { NIXPKGS_TO_DEBIAN, debianNamesFor } from './nixpkgs-names';
import { describeTree, PackageFile, planTree, writeTree } from './package-tree';
import { ProgressSink, stderrProgress } from './progress';
import { versionForName } from './store-path';
import { addToStore, storePathFor } from '../state/store';
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
  /**
   * Where the archive index is cached (default: $NIXOS_CONTAINER_INDEX_CACHE, else
   * paths.cacheDir). The index only depends on apt's lists, so test sandboxes may share one.
   */
  indexCacheDir?: string;
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
      this.archiveMap = loadArchive(this.host.listsDir, this.indexDir());
    }
    return this.archiveMap;
  }

  private installed(): Map<string, InstalledEntry> {
    if (!this.installedMap) this.installedMap = parseStatusCached(this.host.statusFile, nativeArch(), this.indexDir());
    return this.installedMap;
  }

  /** Where the archive index and the parsed dpkg status are cached. */
  private indexDir(): string {
    return this.opts.indexCacheDir ?? (process.env.NIXOS_CONTAINER_INDEX_CACHE || this.paths.cacheDir);
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
      const archive = this.archive();
      const base = archive.names();
      // Installed-only packages, aliases and derived names: few, merged into the sorted list.
      const extra = new Set<string>();
      for (const n of this.installed().keys()) if (!archive.has(n)) extra.add(n);
      for (const n of Object.keys(NIXPKGS_TO_DEBIAN)) if (!archive.has(n) && this.exists(NIXPKGS_TO_DEBIAN[n][0])) extra.add(n);
      for (const n of archive.derivedNames()) if (!archive.has(n)) extra.add(n);
      const more = [...extra].sort();
      const out: string[] = [];
      let i = 0;
      let j = 0;
      while (i < base.length || j < more.length) {
        if (j >= more.length || (i < base.length && base[i] < more[j])) out.push(base[i++]);
        else out.push(more[j++]);
      }
      this.nameList = out;
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
    // A package the host has never needs the archive index (nor apt's lists).
    const e = this.installed().get(main) ?? this.archive().get(main)!;
    return {
      attr,
      debName: main,
      version: e.version,
      arch: e.arch,
      description: e.description,
      installedOnHost: debs.every((d) => this.installed().has(d)),
    };
  }

  suggest(attr: string): string[] {
    this.names();
    const installed = this.installed();
    return closestNames(attr, this.nameList!, (n) => installed.has(n) || n in NIXPKGS_TO_DEBIAN);
  }

  /**
   * apt's answer to "what must be fetched for these packages", remembered until apt's lists
   * or dpkg's status change (apt-get -s costs seconds; the answer rarely changes).
   */
  private resolveCached(missing: string[], aptCache: string): DebRef[] {
    const stamp = (f: string) => {
      try {
        const st = fs.statSync(f);
        return `${f}:${st.size}:${st.mtimeMs}`;
      } catch {
        return `${f}:none`;
      }
    };
    const key = [missing.join(' '), stamp(this.host.statusFile), ...packageListFiles(this.host.listsDir).map(stamp)].join('\n');
    const file = path.join(this.paths.cacheDir, 'resolved', `${missing.join('+').replace(/[^A-Za-z0-9+\-._]/g, '_')}.json`);
    try {
      const c = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: string; refs: DebRef[] };
      if (c.key === key) return c.refs;
    } catch {
      // not resolved before
    }
    const refs = resolveMissing(missing, this.host, aptCache);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ key, refs }));
    } catch {
      // the cache only saves time
    }
    return refs;
  }

  /** Makes the package's store paths exist (downloading what the host lacks); idempotent. */
  realize(attr: string, progress?: ProgressSink): RealizedPackage {
    return this.realizeAll([attr], progress)[0];
  }

  /**
   * realize() for several packages at once (a configuration's systemPackages): what they
   * lack is downloaded by one apt call and each .deb unpacked once. Results in `attrs` order.
   */
  realizeAll(attrs: string[], progress?: ProgressSink): RealizedPackage[] {
    interface Plan {
      info: PackageInfo;
      debs: string[];
      versions: string[];
      key: string;
      cacheFile: string;
      missing: string[];
      refs: DebRef[];
      done?: RealizedPackage;
    }
    const plans: Plan[] = attrs.map((attr) => {
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
      const plan: Plan = { info, debs, versions, key, cacheFile, missing: [], refs: [] };
      try {
        const c = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as RealizeCache;
        if (c.key === key && fs.existsSync(c.outPath) && c.usrLayers.every((l) => fs.existsSync(l))) {
          plan.done = { info, outPath: c.outPath, usrLayers: c.usrLayers };
        }
      } catch {
        // not realized before
      }
      if (!plan.done) plan.missing = debs.filter((d) => !this.installed().has(d));
      return plan;
    });
    const todo = plans.filter((p) => !p.done);
    if (todo.length === 0) return plans.map((p) => p.done!);
    const sink = progress ?? stderrProgress();

    // What the host lacks: resolved per package (its closure makes its layers), fetched and
    // unpacked once for all.
    const layerOf = new Map<string, string>();
    const refKey = (r: DebRef) => `${r.name} ${r.version} ${r.arch}`;
    if (todo.some((p) => p.missing.length > 0)) {
      ensureAptLists(this.host, sink);
      const aptCache = path.join(this.paths.cacheDir, 'apt');
      const all = new Map<string, DebRef>();
      for (const p of todo) {
        if (p.missing.length === 0) continue;
        p.refs = this.resolveCached(p.missing, aptCache);
        for (const d of p.missing) {
          if (!p.refs.some((r) => r.name === d)) {
            throw new PackageError(`apt did not select '${d}' for download (is it held or conflicting on this host?)`);
          }
        }
        for (const r of p.refs) all.set(refKey(r), r);
      }
      const refs = [...all.values()];
      const shaOf = (r: DebRef) => {
        const a = this.archive().get(r.name);
        return a && a.version === r.version ? a.sha256 : undefined;
      };
      const debFiles = fetchDebs(refs, path.join(this.paths.cacheDir, 'debs'), this.host, sink, shaOf, aptCache);
      refs.forEach((r, i) => {
        sink.step('unpack', i + 1, refs.length, `${r.name} ${r.version}`);
        const sha = shaOf(r) ?? sha256File(debFiles[i]);
        layerOf.set(refKey(r), unpackDebLayer(this.paths.storeDir, debFiles[i], r, sha));
      });
      sink.finish();
    }

    for (const p of todo) {
      const files: PackageFile[] = [];
      for (const d of p.debs) {
        const inst = this.installed().get(d);
        if (!inst) continue;
        for (const abs of installedFileList(this.host.dpkgInfoDir, d, inst.arch)) files.push({ abs, local: abs });
      }
      const usrLayers = p.refs.map((r) => layerOf.get(refKey(r))!);
      const layerOfDeb = new Map<string, string>();
      for (const d of p.missing) {
        const layer = layerOf.get(refKey(p.refs.find((r) => r.name === d)!))!;
        layerOfDeb.set(d, layer);
        for (const abs of layerFiles(layer)) files.push({ abs, local: path.join(layer, abs), layer });
      }
      // Then the update-alternatives links (the package's own files win on a clash).
      for (const d of p.debs) {
        const inst = this.installed().get(d);
        const layer = layerOfDeb.get(d);
        const alts = layer
          ? readAlternativesFile(path.join(layer, 'nix-support', 'alternatives'))
          : inst
            ? hostAlternatives(this.host.dpkgInfoDir, d, inst.arch)
            : [];
        for (const a of alts) {
          const local = layer ? path.join(layer, usrMerged(a.path)) : a.path;
          files.push({ abs: a.link, local, layer, target: a.path });
        }
      }
      const entries = planTree(files);
      const { info, versions } = p;
      const pname = /^[A-Za-z0-9+\-_]+$/.test(info.attr) ? info.attr : info.debName;
      const description = ['package', ...versions, ...usrLayers, describeTree(entries)].join('\n');
      const name = `${pname}-${versionForName(info.version)}`;
      const outPath = addToStore(storePathFor(this.paths.storeDir, description, name), (tmp) => {
        fs.mkdirSync(tmp);
        writeTree(tmp, entries);
        fs.mkdirSync(path.join(tmp, 'nix-support'));
        fs.writeFileSync(path.join(tmp, 'nix-support', 'debian-packages'), versions.map((v) => `${v}\n`).join(''));
        fs.writeFileSync(path.join(tmp, 'nix-support', 'usr-layers'), usrLayers.map((l) => `${l}\n`).join(''));
      });
      try {
        fs.mkdirSync(path.dirname(p.cacheFile), { recursive: true });
        fs.writeFileSync(p.cacheFile, JSON.stringify({ key: p.key, outPath, usrLayers } satisfies RealizeCache));
      } catch {
        // the cache only saves time
      }
      p.done = { info, outPath, usrLayers };
    }
    return plans.map((p) => p.done!);
  }
}
