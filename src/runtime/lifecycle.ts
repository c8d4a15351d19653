// start / stop / terminate / status on hosts without systemd as PID 1 (detached supervisor,
// see supervisor.ts). Every mutating operation holds the per-container lock, so a start
// racing a stop ends in one consistent state.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from '../state/paths';
import type { ContainerRef } from './types';
import { confFlag, confValue } from './conf';
import { removeLinks } from './network';
import { hostNetworkCommands, nspawnCommand } from './nspawn-args';
import { isAlive, procId, signalPid, sleep, waitGone } from './proc';
import { bootRecord, findBootLeader, findNspawn, monitorBoot, openBootLog, spawnWatcher } from './supervisor';
import { inspect } from './status';
import { bindsHostAlternatives, prepareRoot } from './rootfs';
import { StartSpec, startPlanFile, writeStartPlan } from './start-plan';
import {
  adoptLock, consoleLog, consoleTail, ensureRunDir, lastExitFile, readRecord, readSpec, removeRecord, RuntimeRecord,
  specFile, SupervisorSpec, withLock, writeRecord,
} from './state';

export class RuntimeError extends Error {}

const SIGRTMIN_3 = 37;

/** Kills what a dead nspawn left (orphaned container init), removes links and the record. */
async function cleanupStale(paths: StatePaths, name: string): Promise<void> {
  const i = inspect(paths, name);
  if (i.nspawn) return;
  if (i.rec?.leader && i.leader) {
    signalPid(i.rec.leader.pid, 'SIGKILL');
    await waitGone(i.rec.leader, 10_000);
  }
  if (i.rec?.supervisor && i.supervisor) await waitGone(i.rec.supervisor, 3000);
  removeRecord(paths, name);
  removeLinks(name);
}

function supervisorScript(): string {
  return path.join(__dirname, 'supervisor.js');
}

export interface StartOptions {
  /** Upstream TimeoutStartSec (default 1 min). */
  timeoutMs?: number;
}

function startTimeout(c: ContainerRef, opts: StartOptions): number {
  if (opts.timeoutMs) return opts.timeoutMs;
  const s = Number(confValue(c.conf, 'TIMEOUT_START_SEC') || process.env.NIXOS_CONTAINER_START_TIMEOUT || '60');
  return (Number.isFinite(s) && s > 0 ? s : 60) * 1000;
}

function failure(name: string, paths: StatePaths, reason: string): RuntimeError {
  const tail = consoleTail(paths, name);
  let whole = '';
  try {
    whole = fs.readFileSync(consoleLog(paths, name), 'utf8');
  } catch {
    /* no log */
  }
  if (/Failed to create inotify object: Too many open files/.test(whole)) {
    reason += ' (the host ran out of inotify instances: raise the sysctl fs.inotify.max_user_instances)';
  }
  return new RuntimeError(
    `failed to start container '${name}': ${reason}` +
      (tail ? `\nlast lines of its console (${consoleLog(paths, name)}):\n${tail}` : ''),
  );
}

function lastExitText(paths: StatePaths, name: string): string {
  try {
    const e = JSON.parse(fs.readFileSync(lastExitFile(paths, name), 'utf8')) as { code: number };
    return e.code > 128 ? `systemd-nspawn was killed by signal ${e.code - 128}` : `systemd-nspawn exited with status ${e.code}`;
  } catch {
    return 'systemd-nspawn exited';
  }
}

export async function supervisedStart(c: ContainerRef, opts: StartOptions = {}): Promise<void> {
  const { name, paths } = c;
  await withLock(paths, name, async () => {
    let now = inspect(paths, name);
    if (now.nspawn && now.leader && now.rec?.ready) return; // already up: no-op
    const sf = specFile(paths, name);
    // A boot nobody follows any more: its starter was killed (before it even recorded nspawn,
    // when the launcher's shell started it: start-plan.ts).
    const unfollowed = () => !!now.rec && !now.rec.ready && !isAlive(now.rec.monitor) && fs.existsSync(sf);
    if (!now.nspawn && now.supervisor && !unfollowed()) {
      // Between two boots of a reboot (nspawn exited 133, the next one is being started).
      const end = Date.now() + 5000;
      while (!now.nspawn && now.supervisor && Date.now() < end) {
        await sleep(25);
        now = inspect(paths, name);
      }
    }
    if (now.nspawn || (now.supervisor && unfollowed())) {
      // Booting (started by another path, e.g. startAll): wait for it like a second `systemctl start`.
      // If nobody follows that boot any more, follow it from here.
      if (unfollowed()) {
        const logFd = fs.openSync(consoleLog(paths, name), 'a');
        await followBoot(c, readSpec(sf), sf, now.rec!, logFd, startTimeout(c, opts));
        return;
      }
      await waitReady(c, startTimeout(c, opts));
      return;
    }
    await cleanupStale(paths, name);
    const init = path.join(c.toplevel, 'init');
    try {
      fs.accessSync(init, fs.constants.X_OK);
    } catch {
      throw new RuntimeError(`failed to start container '${name}': the system ${c.toplevel} has no executable init`);
    }
    const planned = startSpec(c);
    const { spec, alternatives, copyResolvConf } = planned;
    prepareRoot(paths, name, { copyResolvConf, alternativesMount: alternatives });
    ensureRunDir(paths, name);
    fs.rmSync(lastExitFile(paths, name), { force: true });
    fs.writeFileSync(sf, JSON.stringify(spec, null, 2) + '\n', { mode: 0o600 });
    // nspawn starts at once: the watcher is spawned from here, and this process follows the
    // boot itself (monitorBoot) instead of starting a second node process for it.
    const logFd = openBootLog(paths, name, true);
    const t0 = Date.now();
    let watcher: ChildProcess;
    try {
      watcher = spawnWatcher(spec, sf, logFd, true);
    } catch (e) {
      fs.closeSync(logFd);
      throw e;
    }
    watcher.on('error', () => {});
    watcher.unref();
    // The next start of this container, stopped, can begin from the launcher's shell.
    writeStartPlan(c, planned, sf);
    await followBoot(c, spec, sf, bootRecord(spec, watcher, t0), logFd, startTimeout(c, opts), t0);
  });
}

/**
 * A start that the launcher's shell began from the plan of the last start (start-plan.ts): in
 * this process's name it took the lock, prepared the console log, started the watcher and
 * wrote the record. From here on it is the start above: follow the boot until ready.
 */
export async function adoptedStart(c: ContainerRef, opts: StartOptions = {}): Promise<void> {
  const { name, paths } = c;
  const lock = adoptLock(paths, name);
  try {
    const sf = specFile(paths, name);
    const rec = readRecord(paths, name);
    let spec: SupervisorSpec;
    try {
      if (!rec?.supervisor) throw new Error('the launcher recorded no watcher');
      spec = readSpec(sf);
    } catch (e) {
      // Nothing can follow this boot: end it rather than leave it running unrecorded.
      await killContainer(paths, name);
      throw new RuntimeError(`failed to start container '${name}': ${(e as Error).message}`);
    }
    // Node started right after the watcher: its time origin stands for the start's.
    const t0 = Math.round(performance.timeOrigin);
    rec.startedAt = new Date(t0).toISOString();
    const logFd = fs.openSync(consoleLog(paths, name), 'a');
    await followBoot(c, spec, sf, rec, logFd, startTimeout(c, opts), t0);
  } catch (e) {
    // The next start takes the usual path (and writes a new plan if it gets that far).
    fs.rmSync(startPlanFile(paths, name), { force: true });
    throw e;
  } finally {
    lock.release();
  }
}

/**
 * A boot whose record names only its watcher (the start that began it died before following it:
 * start-plan.ts) gets its nspawn and init recorded, so that stop and kill can reach them.
 */
async function completeRecord(paths: StatePaths, name: string): Promise<void> {
  const rec = readRecord(paths, name);
  if (!rec?.supervisor || rec.nspawn || !isAlive(rec.supervisor) || isAlive(rec.monitor)) return;
  const watcher = rec.supervisor;
  const end = Date.now() + 3000;
  const nspawn = await findNspawn(watcher.pid, () => isAlive(watcher) && Date.now() < end);
  rec.nspawn = nspawn === undefined ? undefined : procId(nspawn);
  const leader = rec.nspawn && (await findBootLeader(rec.nspawn.pid, () => isAlive(rec.nspawn) && Date.now() < end));
  if (leader) rec.leader = procId(leader);
  writeRecord(paths, rec);
}

/** What a start of `c` from stopped runs: the watcher's spec, and how the root is prepared for it. */
export function startSpec(c: ContainerRef): StartSpec {
  const alternatives = bindsHostAlternatives(c.toplevel);
  const cmd = nspawnCommand(c, { noRegister: true, alternatives });
  const spec: SupervisorSpec = {
    name: c.name, paths: c.paths, argv: cmd.argv, hostNetwork: hostNetworkCommands(c), hostIface: cmd.hostIface,
    toplevel: c.toplevel,
  };
  return { spec, alternatives, copyResolvConf: confFlag(c.conf, 'COPY_RESOLV_CONF') };
}

const HANDOFF_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The boots this process follows (several at once in `start --all`), each with its hand-over.
 * One listener per signal serves them all while there are any.
 */
const followed = new Set<() => void>();

function onHandoffSignal(sig: NodeJS.Signals): void {
  for (const handoff of followed) handoff();
  followed.clear();
  for (const s of HANDOFF_SIGNALS) process.removeListener(s, onHandoffSignal);
  process.kill(process.pid, sig);
}

function follow(handoff: () => void): () => void {
  if (followed.size === 0) for (const s of HANDOFF_SIGNALS) process.on(s, onHandoffSignal);
  followed.add(handoff);
  return () => {
    if (followed.delete(handoff) && followed.size === 0) {
      for (const s of HANDOFF_SIGNALS) process.removeListener(s, onHandoffSignal);
    }
  };
}

/**
 * Follows a boot from this process (monitorBoot: pids, host network, readiness) while waiting
 * for it like `systemctl start`. If this process is interrupted meanwhile (^C, SIGTERM,
 * SIGHUP), a detached `supervisor.js --attach` takes over, so the container still gets marked
 * ready, and the signal then takes its usual effect here. Closes logFd.
 */
async function followBoot(
  c: ContainerRef, spec: SupervisorSpec, specPath: string, rec: RuntimeRecord, logFd: number, timeoutMs: number, t0?: number,
): Promise<void> {
  let done = false;
  const unfollow = follow(() => {
    if (done) return;
    try {
      spawn(process.execPath, [supervisorScript(), '--attach', specPath], { detached: true, stdio: 'ignore' }).unref();
    } catch {
      /* nothing more to do */
    }
  });
  const monitor = monitorBoot(spec, rec, logFd, t0).then(
    () => {},
    (e: Error) => {
      process.stderr.write(`nixos-container: following the boot of '${c.name}' failed: ${e?.message ?? String(e)}\n`);
    },
  ).finally(() => {
    done = true;
    fs.closeSync(logFd);
  });
  try {
    await waitReady(c, timeoutMs, monitor);
  } finally {
    unfollow();
    await monitor;
  }
}

/**
 * Polls the record until ready. `follower`: the in-process monitor of this boot; its end cuts a
 * poll interval short, and if it ends before ready the boot has failed. Without it, the boot is
 * followed elsewhere and failed once the watcher is gone.
 */
async function waitReady(c: ContainerRef, timeoutMs: number, follower?: Promise<void>): Promise<void> {
  const { name, paths } = c;
  const begin = Date.now();
  let followerDone = false;
  void follower?.then(() => (followerDone = true));
  for (;;) {
    const i = inspect(paths, name);
    if (i.rec?.ready && i.nspawn && i.leader) return;
    if (i.rec?.bootState && i.nspawn) {
      await killContainer(paths, name);
      throw failure(name, paths, `its systemd finished booting in state '${i.rec.bootState}'`);
    }
    // The boot supervisor died before the container was ready, or nspawn is gone.
    const gone = follower ? followerDone : !i.supervisor;
    if (gone || (i.rec?.nspawn && !i.nspawn && Date.now() - begin > 200)) {
      await sleep(50);
      const again = inspect(paths, name);
      if (again.rec?.ready && again.nspawn && again.leader) return;
      if (gone || !again.nspawn) {
        const why = again.nspawn ? 'its boot supervisor died' : lastExitText(paths, name);
        await killContainer(paths, name);
        throw failure(name, paths, why);
      }
    }
    if (Date.now() - begin > timeoutMs) {
      await killContainer(paths, name);
      throw failure(name, paths, `it did not finish booting within ${Math.round(timeoutMs / 1000)} s`);
    }
    await (follower ? Promise.race([sleep(15), follower]) : sleep(15));
  }
}

/** SIGKILL to the container's init (the whole pid namespace dies) and to nspawn; waits. */
async function killContainer(paths: StatePaths, name: string): Promise<void> {
  await completeRecord(paths, name);
  const i = inspect(paths, name);
  if (i.rec?.supervisor && i.supervisor) signalPid(i.rec.supervisor.pid, 'SIGTERM'); // no restart
  if (i.rec?.leader && i.leader) signalPid(i.rec.leader.pid, 'SIGKILL');
  if (i.rec?.nspawn && i.nspawn) {
    if (!(await waitGone(i.rec.nspawn, 3000))) signalPid(i.rec.nspawn.pid, 'SIGKILL');
    await waitGone(i.rec.nspawn, 10_000);
  }
  if (i.rec?.leader) await waitGone(i.rec.leader, 10_000);
  if (i.rec?.supervisor) await waitGone(i.rec.supervisor, 5000);
  await cleanupStale(paths, name);
}

/**
 * Waits for nspawn to exit after a halt request. Seen with many containers stopping at once:
 * the container has shut down (its init is gone, "Container X has been shut down" logged) but
 * nspawn lingers in its own cleanup; after 3 s of that it is killed (nothing is left to lose).
 */
async function waitNspawn(rec: RuntimeRecord, timeoutMs: number, name: string): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  let initGoneAt: number | undefined;
  while (isAlive(rec.nspawn)) {
    const now = Date.now();
    if (now > end) return false;
    if (rec.leader && !isAlive(rec.leader)) {
      initGoneAt ??= now;
      if (now - initGoneAt > 3000) {
        process.stderr.write(`container '${name}' has shut down but systemd-nspawn did not exit; killing it\n`);
        signalPid(rec.nspawn!.pid, 'SIGKILL');
        return waitGone(rec.nspawn!, 5000);
      }
    }
    await sleep(10);
  }
  return true;
}

export interface StopOptions {
  /** Upstream TimeoutStopSec (systemd default 90 s). */
  timeoutMs?: number;
}

export async function supervisedStop(name: string, paths: StatePaths, opts: StopOptions = {}): Promise<void> {
  await withLock(paths, name, async () => {
    await completeRecord(paths, name);
    const i = inspect(paths, name);
    // The supervisor (if alive) must not restart the container after this.
    if (i.supervisor) signalPid(i.rec!.supervisor!.pid, 'SIGTERM');
    if (!i.nspawn) {
      if (i.supervisor) await waitGone(i.rec!.supervisor!, 5000);
      await cleanupStale(paths, name);
      return;
    }
    // nspawn turns SIGTERM into SIGRTMIN+3 for the container's systemd: an orderly halt.
    // Before systemd runs (activation still going) nothing handles it: don't wait long then.
    // (The supervisor forwards its SIGTERM to nspawn; a second SIGTERM would make nspawn
    // terminate at once instead of halting, so nspawn is signalled directly only without one.)
    const timeout = opts.timeoutMs ?? (i.rec?.ready ? 90_000 : 5000);
    if (!i.supervisor) signalPid(i.rec!.nspawn!.pid, 'SIGTERM');
    // If the halt request got lost (seen once under heavy load), ask the container's systemd
    // again directly: SIGRTMIN+3 (signal 37 with glibc) means "halt" to it.
    let gone = await waitNspawn(i.rec!, Math.min(timeout, 10_000), name);
    if (!gone) {
      if (i.rec?.leader && isAlive(i.rec.leader)) signalPid(i.rec.leader.pid, SIGRTMIN_3);
      gone = await waitNspawn(i.rec!, Math.max(0, timeout - 10_000), name);
    }
    if (!gone) {
      process.stderr.write(
        `container '${name}' did not stop within ${Math.round(timeout / 1000)} s; killing it\n${consoleTail(paths, name, 10)}\n`,
      );
    }
    await killContainer(paths, name);
  });
}

export async function supervisedTerminate(name: string, paths: StatePaths): Promise<void> {
  await withLock(paths, name, async () => {
    await killContainer(paths, name);
  });
}
