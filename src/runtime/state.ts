// Runtime state of one container under paths.runDir/NAME/:
//   state.json    who runs it: supervisor, nspawn and leader pids (each with its start time,
//                 so a reused pid is never mistaken for ours), ready flag, toplevel
//   console.log   the container's console and nspawn's own messages (latest start)
//   lock          per-container lock serialising start/stop/terminate/switch
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from '../state/paths';
import { isAlive, procId, ProcId, sleep } from './proc';

export interface RuntimeRecord {
  name: string;
  /** The watcher (`sh`): parent of nspawn for the container's whole life. */
  supervisor?: ProcId;
  /** The node process following the boot (the starting client, or supervisor.js): until ready. */
  monitor?: ProcId;
  nspawn?: ProcId;
  leader?: ProcId;
  /** Set once the container's systemd reported the end of boot. */
  ready?: boolean;
  /** `systemctl is-system-running` answer when boot ended in another state than running/degraded. */
  bootState?: string;
  toplevel?: string;
  /** Host-side veth name (if any) and bridge port name (if any). */
  hostIface?: string;
  startedAt?: string;
  /** nspawn exit status, recorded by the supervisor when it exits. */
  exit?: { code: number | null; signal: string | null };
}

/** What the supervisor runs (runDir/NAME/spec.json); re-read at every (re)boot. */
export interface SupervisorSpec {
  name: string;
  paths: StatePaths;
  argv: string[];
  hostNetwork: string[][];
  hostIface?: string;
  toplevel: string;
}

export function specFile(paths: StatePaths, name: string): string {
  return path.join(runDirOf(paths, name), 'spec.json');
}

export function readSpec(file: string): SupervisorSpec {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SupervisorSpec;
}

/** After a live switch: the next reboot of the running container boots `toplevel`. */
export function setSpecToplevel(paths: StatePaths, name: string, toplevel: string): void {
  const file = specFile(paths, name);
  let spec: SupervisorSpec;
  try {
    spec = readSpec(file);
  } catch {
    return;
  }
  const oldInit = path.join(spec.toplevel, 'init');
  spec.argv = spec.argv.map((a) => (a === oldInit ? path.join(toplevel, 'init') : a));
  spec.toplevel = toplevel;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(spec, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function runDirOf(paths: StatePaths, name: string): string {
  return path.join(paths.runDir, name);
}
export function stateFile(paths: StatePaths, name: string): string {
  return path.join(runDirOf(paths, name), 'state.json');
}
export function consoleLog(paths: StatePaths, name: string): string {
  return path.join(runDirOf(paths, name), 'console.log');
}
export function lastExitFile(paths: StatePaths, name: string): string {
  return path.join(runDirOf(paths, name), 'last-exit.json');
}

export function ensureRunDir(paths: StatePaths, name: string): string {
  fs.mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  const d = runDirOf(paths, name);
  fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  return d;
}

export function readRecord(paths: StatePaths, name: string): RuntimeRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(paths, name), 'utf8')) as RuntimeRecord;
  } catch {
    return undefined;
  }
}

/** Atomic write (rename), so readers never see half a file. */
export function writeRecord(paths: StatePaths, rec: RuntimeRecord): void {
  ensureRunDir(paths, rec.name);
  const f = stateFile(paths, rec.name);
  const tmp = `${f}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n');
  fs.renameSync(tmp, f);
}

export function removeRecord(paths: StatePaths, name: string): void {
  fs.rmSync(stateFile(paths, name), { force: true });
}

/** Last lines of the console log (for error messages). */
export function consoleTail(paths: StatePaths, name: string, lines = 25): string {
  let text: string;
  try {
    text = fs.readFileSync(consoleLog(paths, name), 'utf8');
  } catch {
    return '';
  }
  // Drop colour escapes and carriage returns so the tail reads well in a terminal or a log.
  text = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
  return text.split('\n').filter((l) => l.trim() !== '').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------
// Per-container lock: an O_EXCL file holding the owner's pid and start time. A lock whose
// owner is gone (crash, kill -9) is stale and is broken by the next taker.

export interface Lock {
  release(): void;
}

function lockPath(paths: StatePaths, name: string): string {
  return path.join(runDirOf(paths, name), 'lock');
}

function tryLock(file: string): boolean {
  const me = procId(process.pid)!;
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    fs.writeSync(fd, `${me.pid} ${me.start}\n`);
    fs.closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let owner: ProcId | undefined;
  try {
    const [pid, start] = fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    owner = { pid, start };
  } catch {
    return false; // vanished or being written: retry
  }
  if (owner && !isAlive(owner)) {
    // Break the stale lock: rename first so two breakers cannot both succeed.
    const aside = `${file}.stale.${process.pid}`;
    try {
      fs.renameSync(file, aside);
      fs.rmSync(aside, { force: true });
    } catch {
      /* someone else broke it */
    }
  }
  return false;
}

export async function lockContainer(paths: StatePaths, name: string, timeoutMs = 180_000): Promise<Lock> {
  ensureRunDir(paths, name);
  const file = lockPath(paths, name);
  const end = Date.now() + timeoutMs;
  while (!tryLock(file)) {
    if (Date.now() > end) throw new Error(`container '${name}' is locked by another operation (${file})`);
    await sleep(30);
  }
  return heldLock(file);
}

function heldLock(file: string): Lock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      fs.rmSync(file, { force: true });
    },
  };
}

/**
 * The lock of a start that the launcher's shell began (start-plan.ts): it took the lock in this
 * process's name (same pid and start time: the shell exec'd Node) and hands it over here.
 */
export function adoptLock(paths: StatePaths, name: string): Lock {
  const file = lockPath(paths, name);
  const me = procId(process.pid)!;
  let owner = '';
  try {
    owner = fs.readFileSync(file, 'utf8').trim();
  } catch {
    /* no lock */
  }
  if (owner !== `${me.pid} ${me.start}`) throw new Error(`container '${name}': its lock (${file}) is not held by this start`);
  return heldLock(file);
}

export async function withLock<T>(paths: StatePaths, name: string, fn: () => Promise<T>): Promise<T> {
  const lock = await lockContainer(paths, name);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
