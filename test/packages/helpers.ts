// Shared by the packages tests: a throw-away state root, and facts about the host.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { statePaths, StatePaths } from '../../src/state/paths';
import { removeTree } from '../../src/state/store';

export interface TempRoot {
  root: string;
  paths: StatePaths;
  cleanup(): void;
}

export function tempRoot(prefix = 'nc-pkg-test-'): TempRoot {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    root,
    paths: statePaths({ NIXOS_CONTAINER_ROOT: root }),
    cleanup: () => removeTree(root),
  };
}

/** dpkg's view of a package on the host: installed or not. */
export function hostHas(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && / installed$/.test(r.stdout);
}

/** Why the apt archive cannot be used here, or undefined when it can. */
export function aptUnavailable(): string | undefined {
  if (spawnSync('apt-get', ['--version']).status !== 0) return 'apt-get is not installed';
  if (spawnSync('dpkg-deb', ['--version']).status !== 0) return 'dpkg-deb is not installed';
  return undefined;
}

/** Every store path directly in the store dir (hidden temporaries included). */
export function storeEntries(paths: StatePaths): string[] {
  try {
    return fs.readdirSync(paths.storeDir).sort();
  } catch {
    return [];
  }
}
