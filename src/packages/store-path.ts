// Store names of Debian packages. The store primitives (hashing, atomic creation, read-only
// paths, removal) are shared with the system layer: src/state/store.ts.

/** A Debian version as store names show it: without the epoch ("1:9.2p1-2" -> "9.2p1-2"). */
export function versionForName(version: string): string {
  return version.replace(/^\d+:/, '');
}
