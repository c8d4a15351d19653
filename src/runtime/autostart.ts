// AUTO_START=1 containers at host boot. Upstream's current module ignores AUTO_START for
// imperative containers (§11.6); we honour it.
//  - Hosts without systemd: call startAll(paths) from the host's boot sequence, e.g.
//    `nixos-container start-all` in /etc/rc.local or the init system's local.d hook.
//  - Hosts with systemd: enable the unit from autoStartUnitText() (systemd-unit.ts), which
//    runs the same start-all at boot.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { StatePaths } from '../state/paths';
import type { ContainerConfig, ContainerRef } from './types';
import { confFlag, confValue } from './conf';
import { startContainer } from './ops';

/** NAME.conf parsed with systemd EnvironmentFile rules (comments, blank lines skipped). */
export function readConfFile(file: string): ContainerConfig {
  const conf: ContainerConfig = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*([#;]|$)/.test(line)) continue;
    const i = line.indexOf('=');
    if (i > 0) conf[line.slice(0, i).trim()] = line.slice(i + 1);
  }
  return conf;
}

/** SYSTEM_PATH from the conf, else the current generation of the container's profile. */
export function currentToplevel(paths: StatePaths, name: string, conf: ContainerConfig): string | undefined {
  const sys = confValue(conf, 'SYSTEM_PATH');
  if (sys) return sys;
  try {
    return fs.realpathSync(path.join(paths.profilesDir, name, 'system'));
  } catch {
    return undefined;
  }
}

export interface StartAllResult {
  started: string[];
  failed: { name: string; error: string }[];
}

/** Starts every container whose NAME.conf says AUTO_START=1 (a few at a time). */
export async function startAll(
  paths: StatePaths,
  resolve?: (name: string) => ContainerRef | undefined,
  opts: { parallel?: number } = {},
): Promise<StartAllResult> {
  const result: StartAllResult = { started: [], failed: [] };
  let files: string[] = [];
  try {
    files = fs.readdirSync(paths.confDir).filter((f) => f.endsWith('.conf')).sort();
  } catch {
    return result;
  }
  const refs: ContainerRef[] = [];
  for (const f of files) {
    const name = f.slice(0, -'.conf'.length);
    let ref: ContainerRef | undefined;
    try {
      const conf = readConfFile(path.join(paths.confDir, f));
      if (!confFlag(conf, 'AUTO_START')) continue;
      ref = resolve ? resolve(name) : undefined;
      if (!ref) {
        const toplevel = currentToplevel(paths, name, conf);
        if (!toplevel) throw new Error(`container '${name}' has no system built`);
        ref = { name, paths, conf, toplevel };
      }
    } catch (e) {
      result.failed.push({ name, error: (e as Error).message });
      continue;
    }
    refs.push(ref);
  }
  // Boots in parallel, but not all at once: dozens of systemd instances booting together on
  // a small host thrash and time out. Two per CPU keeps the CPUs busy.
  const limit = opts.parallel ?? Math.max(2, 2 * os.cpus().length);
  let next = 0;
  const worker = async () => {
    while (next < refs.length) {
      const r = refs[next++];
      try {
        await startContainer(r);
        result.started.push(r.name);
      } catch (e) {
        result.failed.push({ name: r.name, error: (e as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, refs.length) }, worker));
  result.started.sort();
  return result;
}
