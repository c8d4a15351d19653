// Which configuration the `build` and `option` verbs look at: a container NAME (its
// ROOT/etc/nixos/configuration.nix), --config-file FILE, or --config 'ATTRS' (wrapped like
// create does). Shared argument parsing for those two verbs.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { StatePaths } from '../state/paths';
import { renderConfiguration, resolveConfigFile } from './nixos-config';

export interface ConfigTarget {
  name?: string;
  configFile?: string;
  config?: string;
  searchPath: string[];
  json: boolean;
  showTrace: boolean;
  positional: string[];
}

export class UsageError extends Error {}

export function parseTargetArgs(args: string[]): ConfigTarget {
  const t: ConfigTarget = { searchPath: [], json: false, showTrace: false, positional: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (flag: string): string => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      if (i + 1 >= args.length) throw new UsageError(`option '${flag}' requires an argument`);
      return args[++i];
    };
    if (a === '--config-file' || a.startsWith('--config-file=')) t.configFile = value('--config-file');
    else if (a === '--config' || a.startsWith('--config=')) t.config = value('--config');
    else if (a === '-I') t.searchPath.push(value('-I'));
    else if (a.startsWith('-I') && a.length > 2) t.searchPath.push(a.slice(2));
    else if (a === '--json') t.json = true;
    else if (a === '--show-trace') t.showTrace = true;
    else if (a === '--') t.positional.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else t.positional.push(a);
  }
  return t;
}

/** Resolves the configuration file to evaluate; `cleanup` removes a temporary one. */
export function configFileFor(t: ConfigTarget, paths: StatePaths): { file: string; cleanup: () => void } {
  const none = () => {};
  if (t.configFile !== undefined) {
    const r = resolveConfigFile(t.configFile);
    if (!r.path) throw new UsageError(r.problem ?? `cannot read '${t.configFile}'`);
    return { file: r.path, cleanup: none };
  }
  if (t.config !== undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixos-container-config-'));
    const file = path.join(dir, 'configuration.nix');
    fs.writeFileSync(file, renderConfiguration(t.name ?? 'container', { config: t.config }));
    return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  if (t.name === undefined) throw new UsageError('expected a container NAME, --config-file FILE or --config ATTRS');
  const file = path.join(paths.containersDir, t.name, 'etc', 'nixos', 'configuration.nix');
  if (!fs.existsSync(file)) throw new UsageError(`container '${t.name}' does not exist (no ${file})`);
  return { file, cleanup: none };
}
