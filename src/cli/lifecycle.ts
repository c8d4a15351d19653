// start / stop / restart / terminate / status / destroy, and `start --all` (auto-start on
// hosts without systemd). The runtime layer does the work; this module keeps upstream's
// messages and order of checks.
import * as fs from 'fs';
import * as path from 'path';
import { confPath, readConf, type ConfValues } from '../state/conf';
import type { StatePaths } from '../state/paths';
import { safeRemoveTree } from '../state/remove';
import {
  containerStatus, leaderPid, removeNetworkLeftovers, startAll, startContainer, stopContainer, terminateContainer,
} from '../runtime/index';
import { die, dieProg, orDie, printError } from './cli-error';
import { containerRef } from './container-ref';
import { PROG } from './upstream-options';

export async function startVerb(paths: StatePaths, name: string, conf: ConfValues): Promise<number> {
  const ref = containerRef(paths, name, conf);
  await orDie('failed to start container', () => startContainer(ref));
  return 0;
}

export async function stopVerb(paths: StatePaths, name: string): Promise<number> {
  await orDie('failed to stop container', () => stopContainer(name, paths));
  return 0;
}

export async function restartVerb(paths: StatePaths, name: string, conf: ConfValues): Promise<number> {
  await stopVerb(paths, name);
  return startVerb(paths, name, conf);
}

export function requireLeader(paths: StatePaths, name: string): number {
  const pid = leaderPid(name, paths);
  if (pid === undefined) die("unable to get container's main PID");
  return pid;
}

export async function terminateVerb(paths: StatePaths, name: string): Promise<number> {
  requireLeader(paths, name);
  await orDie('failed to terminate container', () => terminateContainer(name, paths));
  return 0;
}

export function statusVerb(paths: StatePaths, name: string, json: boolean): number {
  const state = containerStatus(name, paths);
  process.stdout.write(json ? JSON.stringify({ name, status: state }) + '\n' : `${state}\n`);
  return 0;
}

/**
 * Starts every container whose CONF has AUTO_START=1 (the runtime starts them in parallel;
 * running ones are left alone); 1 if any failed.
 */
export async function startAllVerb(paths: StatePaths): Promise<number> {
  const result = await startAll(paths, (name) => containerRef(paths, name, readConf(paths, name)));
  for (const f of result.failed) {
    process.stderr.write(`${f.error.replace(/\n+$/, '')}\n${PROG}: failed to start container ‘${f.name}’\n`);
  }
  return result.failed.length > 0 ? 1 : 0;
}

export async function destroyVerb(paths: StatePaths, name: string, declarative: boolean): Promise<number> {
  if (declarative) {
    dieProg('cannot destroy declarative container (remove it from your configuration.nix instead)');
  }
  if (containerStatus(name, paths) === 'up') {
    try {
      await stopContainer(name, paths);
    } catch (e) {
      printError(e);
      try {
        await terminateContainer(name, paths);
      } catch (e2) {
        printError(e2);
        dieProg('failed to terminate container');
      }
    }
  }
  try {
    removeNetworkLeftovers(name);
  } catch (e) {
    printError(e);
  }
  try {
    safeRemoveTree(path.join(paths.profilesDir, name));
    safeRemoveTree(path.join(paths.gcrootsDir, name));
    safeRemoveTree(path.join(paths.containersDir, name));
    safeRemoveTree(path.join(paths.runDir, name));
  } catch (e) {
    printError(e);
    dieProg(`failed to remove the state of container ‘${name}’ (its ${name}.conf is kept)`);
  }
  fs.unlinkSync(confPath(paths, name));
  return 0;
}
