// Shared helpers of the system-layer tests: a temporary state root, a package provider that
// stands for host-installed packages (outPath /usr, no download: the packages layer has its
// own tests), and builds of fixture configurations with the project evaluator.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { statePaths, StatePaths } from '../../src/state/paths';
import { removeTree } from '../../src/state/store';
import type { BuildResult, PackageProvider } from '../../src/system/index';

/** The system layer, loaded on first use: a broken evaluator makes tests skip, not crash. */
export function system(): typeof import('../../src/system/index') {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require('../../src/system/index');
}

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'system', 'fixtures');
export const NIXPKGS = path.join(REPO, 'nixpkgs');

export function tempRoot(prefix = 'nc-system-'): { root: string; paths: StatePaths; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const paths = statePaths({ NIXOS_CONTAINER_ROOT: root } as NodeJS.ProcessEnv);
  return {
    root,
    paths,
    // store paths are read-only: removeTree makes them writable again first
    cleanup: () => removeTree(root),
  };
}

/** Host packages only: every attribute is "installed on the host" and lives in /usr. */
export const hostProvider: PackageProvider = {
  names: () => ['bash', 'curl', 'git', 'htop', 'nftables', 'nginx', 'openssh', 'python3', 'vim'],
  lookup: (attr) => ({ debName: attr, version: '1.0-1', description: `${attr} (test stand-in)` }),
  realize: () => ({ outPath: '/usr', usrLayers: [] }),
};

export function build(paths: StatePaths, configFile: string): BuildResult {
  return system().buildSystem({ configFile, paths, packages: hostProvider, searchPath: [`nixpkgs=${NIXPKGS}`] });
}

export function readEtc(toplevel: string, target: string): string {
  return fs.readFileSync(path.join(toplevel, 'etc', target), 'utf8');
}

/** The Nix evaluator is usable (returns a reason to skip otherwise). */
export function evaluatorProblem(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const nix = require('../../src/nix');
    system();
    const ev = new nix.Evaluator({});
    if (ev.toJS(ev.evalString('1 + 1', '/')) !== 2) return 'the project evaluator gives wrong results';
    return undefined;
  } catch (e) {
    return `the project evaluator is not usable: ${(e as Error).message}`;
  }
}

export function unitSection(text: string, section: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let cur = '';
  for (const line of text.split('\n')) {
    const m = /^\[(.*)\]$/.exec(line);
    if (m) {
      cur = m[1];
      continue;
    }
    if (cur !== section) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    (out[line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
  }
  return out;
}
