// The detached supervisor used on hosts without systemd as PID 1. Together with the tiny
// shell watcher below it plays the part of upstream's container@NAME.service:
//  - the watcher (`sh`, ~1 MB) is the parent of systemd-nspawn for the container's whole life.
//    SIGTERM to it is passed on to nspawn (an orderly halt) and disables restarts. When nspawn
//    exits, for any reason including kill -9, it kills what is left of the container (its init,
//    checked by start time: KillMode=mixed's final SIGKILL), deletes ve-NAME/vb-NAME, records
//    the exit status, and on status 133 (reboot inside) runs this supervisor again.
//  - following a boot (monitorBoot): find the container's init, record the pids (state.ts),
//    configure the host side of the network, wait until the container's systemd has finished
//    booting, mark the record ready. A start (lifecycle.ts) spawns the watcher itself, so nspawn
//    starts at once, and follows the boot in its own process; if it is interrupted, it hands
//    over to `supervisor.js --attach SPEC`. After a reboot the watcher runs `supervisor.js SPEC`,
//    which starts a new watcher and follows that boot. Either way no node process stays once
//    the container is up: an idle container costs nspawn + sh on the host.
//
// Invoked as: node supervisor.js [--attach] SPEC.json   (detached, setsid)
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from '../state/paths';
import { applyHostNetwork } from './network';
import { childrenOf, findLeader, isAlive, procComm, procId, signalPid, sleep } from './proc';
import { consoleLog, readRecord, readSpec, RuntimeRecord, runDirOf, SupervisorSpec, writeRecord } from './state';

/** The watcher: `sh -c WATCHER nixos-container-watch NSPAWN-ARGV...` (env: NC_DIR NC_NAME NC_NODE NC_SUPERVISOR NC_SPEC). */
export const WATCHER = [
  'stop=0 child=',
  'trap \'stop=1; [ -z "$child" ] || kill -TERM "$child" 2>/dev/null\' TERM',
  "trap '' HUP INT",
  '"$@" </dev/null &',
  'child=$!',
  'while :; do',
  '  wait "$child"; rc=$?',
  '  kill -0 "$child" 2>/dev/null || break',
  'done',
  'if read -r lpid lstart 2>/dev/null < "$NC_DIR/leader"; then',
  '  if read -r stat 2>/dev/null < "/proc/$lpid/stat"; then',
  '    rest=${stat##*) }; set -- $rest',
  '    if [ "${20}" = "$lstart" ]; then',
  '      kill -KILL "$lpid" 2>/dev/null',
  '      n=0; while kill -0 "$lpid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done',
  '    fi',
  '  fi',
  'fi',
  'for l in "ve-$NC_NAME" "vb-$NC_NAME"; do',
  '  if [ ${#l} -gt 15 ] || [ -e "/sys/class/net/$l" ]; then ip link delete dev "$l" 2>/dev/null; fi',
  'done',
  'printf \'{"code": %s}\\n\' "$rc" > "$NC_DIR/last-exit.json"',
  'if [ "$rc" = 133 ] && [ "$stop" = 0 ]; then',
  '  echo "nixos-container: the container rebooted; starting it again"',
  '  exec "$NC_NODE" "$NC_SUPERVISOR" "$NC_SPEC"',
  'fi',
  'exit 0',
].join('\n');

function log(fd: number, msg: string): void {
  try {
    fs.writeSync(fd, `nixos-container: ${msg}\n`);
  } catch {
    /* ignore */
  }
}

async function waitForBoot(leader: number, alive: () => boolean): Promise<string> {
  // $T/init runs activation first; systemd answers on its private socket once it is PID 1.
  for (;;) {
    if (!alive()) return 'exited';
    let exe = '';
    try {
      exe = fs.readlinkSync(`/proc/${leader}/exe`);
    } catch {
      /* not yet */
    }
    if (exe.endsWith('/systemd') && fs.existsSync(`/proc/${leader}/root/run/systemd/private`)) break;
    await sleep(5); // a readlink and a stat: polling this often costs nothing measurable
  }
  // `is-system-running --wait` blocks until boot has finished. An answer that is not a final
  // state (a bus timeout under heavy load, "starting", "unknown") is asked again; the client
  // enforces the start timeout.
  for (;;) {
    const state = await isSystemRunning(leader);
    if (!alive() || FINAL_STATES.has(state)) return state;
    await sleep(200);
  }
}

const FINAL_STATES = new Set(['running', 'degraded', 'maintenance', 'stopping']);

function isSystemRunning(leader: number): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('nsenter', ['--all', '-t', String(leader), '--', '/usr/bin/systemctl', 'is-system-running', '--wait'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', () => resolve(out.trim() || 'unknown'));
    p.on('error', (e) => resolve(`error: ${e.message}`));
  });
}

let stopRequested = false;

/** nspawn, once the watcher has started it (given up when `alive` turns false). */
export async function findNspawn(watcher: number, alive: () => boolean): Promise<number | undefined> {
  while (alive()) {
    for (const pid of childrenOf(watcher)) if (procComm(pid) === 'systemd-nspawn') return pid;
    await sleep(5);
  }
  return undefined;
}

/** The container's init once nspawn has started it (given up when `alive` turns false). */
export async function findBootLeader(nspawn: number, alive: () => boolean): Promise<number | undefined> {
  // Leader: PID 1 of the container's pid namespace, a descendant of nspawn.
  while (alive()) {
    const l = findLeader(nspawn);
    if (l !== undefined) return l;
    await sleep(5);
  }
  return undefined;
}

/** The watcher's fixed environment (nothing of the caller's leaks into the container's nspawn). */
export function watcherEnv(spec: SupervisorSpec, specPath: string): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1',
    NC_DIR: runDirOf(spec.paths, spec.name),
    NC_NAME: spec.name,
    NC_NODE: process.execPath,
    NC_SUPERVISOR: path.join(__dirname, 'supervisor.js'),
    NC_SPEC: specPath,
  };
}

/**
 * Starts the watcher (and so nspawn) with its output to the console log. `detached`: in a
 * session of its own (when the client starts it; the supervisor of a reboot already is in one).
 */
export function spawnWatcher(spec: SupervisorSpec, specPath: string, logFd: number, detached: boolean): ChildProcess {
  return spawn('/bin/sh', ['-c', WATCHER, 'nixos-container-watch', ...spec.argv], {
    stdio: ['ignore', logFd, logFd],
    detached,
    env: watcherEnv(spec, specPath),
  });
}

/**
 * Follows one boot: finds nspawn under the watcher (rec.supervisor) and the container's init,
 * records their pids, configures the host side of the network, waits until the container's
 * systemd has finished booting and marks the record ready (or records the final boot state).
 */
export async function monitorBoot(spec: SupervisorSpec, rec: RuntimeRecord, logFd: number, t0 = Date.now()): Promise<void> {
  const { paths } = spec;
  const dir = runDirOf(paths, spec.name);
  const watcher = rec.supervisor;
  if (!watcher) return;
  rec.monitor = procId(process.pid);
  writeRecord(paths, rec);
  const nspawnPid = await findNspawn(watcher.pid, () => isAlive(watcher));
  if (nspawnPid === undefined) return;
  rec.nspawn = procId(nspawnPid);
  writeRecord(paths, rec);
  const alive = () => isAlive(rec.nspawn);
  const leader = await findBootLeader(nspawnPid, alive);
  rec.leader = leader === undefined ? undefined : procId(leader);
  if (!alive() || !rec.leader) return;
  fs.writeFileSync(path.join(dir, 'leader'), `${rec.leader.pid} ${rec.leader.start}\n`);
  writeRecord(paths, rec);
  log(logFd, `container init is pid ${rec.leader.pid} (${Date.now() - t0} ms)`);
  // nspawn makes the host side of the veth around the time the container's init appears: wait
  // for it (a stat every 5 ms) rather than spend an `ip` run that can only fail. The retries
  // below still cover the rest of that race.
  if (spec.hostNetwork.length > 0 && spec.hostIface) {
    const until = Date.now() + 2000;
    while (alive() && !fs.existsSync(`/sys/class/net/${spec.hostIface}`) && Date.now() < until) await sleep(5);
  }
  for (let attempt = 0; attempt < 50 && alive(); attempt++) {
    const errors = applyHostNetwork(spec.hostNetwork);
    if (errors.length === 0) break;
    if (attempt === 49) for (const e of errors) log(logFd, `host network: ${e}`);
    await sleep(20);
  }
  const state = await waitForBoot(rec.leader.pid, alive);
  if (alive() && !stopRequested) {
    log(logFd, `container reported '${state}' (${Date.now() - t0} ms)`);
    rec.ready = state === 'running' || state === 'degraded';
    if (!rec.ready) rec.bootState = state;
    writeRecord(paths, rec);
  }
}

/** The record of a boot whose watcher was just spawned at `t0`. */
export function bootRecord(spec: SupervisorSpec, watcher: ChildProcess, t0: number): RuntimeRecord {
  return {
    name: spec.name,
    supervisor: watcher.pid ? procId(watcher.pid) : undefined,
    toplevel: spec.toplevel,
    hostIface: spec.hostIface,
    startedAt: new Date(t0).toISOString(),
  };
}

/**
 * Before a boot: the previous boot's leader file goes, and the console log is opened for
 * appending (O_APPEND: nspawn and the container may reopen it), emptied first when `fresh`.
 */
export function openBootLog(paths: StatePaths, name: string, fresh: boolean): number {
  const logFile = consoleLog(paths, name);
  if (fresh) fs.writeFileSync(logFile, '', { mode: 0o600 });
  const logFd = fs.openSync(logFile, 'a');
  fs.rmSync(path.join(runDirOf(paths, name), 'leader'), { force: true });
  return logFd;
}

/** `supervisor.js --attach SPEC`: follows a boot whose watcher the client started (rec.supervisor). */
async function attach(specPath: string): Promise<void> {
  const spec: SupervisorSpec = readSpec(specPath);
  const rec = readRecord(spec.paths, spec.name);
  if (!rec?.supervisor) return;
  process.on('SIGHUP', () => {});
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {
    stopRequested = true;
    signalPid(rec.supervisor!.pid, 'SIGTERM');
  });
  const logFd = fs.openSync(consoleLog(spec.paths, spec.name), 'a');
  try {
    await monitorBoot(spec, rec, logFd, rec.startedAt ? Date.parse(rec.startedAt) : Date.now());
  } finally {
    fs.closeSync(logFd);
  }
}

/** `supervisor.js SPEC`: a whole boot, watcher included (the watcher runs this after a reboot). */
async function main(): Promise<void> {
  const specPath = process.argv[2];
  const spec: SupervisorSpec = readSpec(specPath);
  const { name, paths } = spec;
  // A reboot (the watcher runs us with NC_SPEC set) keeps appending to the same log.
  const logFd = openBootLog(paths, name, !process.env.NC_SPEC);
  process.on('SIGHUP', () => {});
  process.on('SIGINT', () => {});

  const watcher = spawnWatcher(spec, specPath, logFd, false);
  watcher.on('error', () => {});
  // SIGTERM during boot ("stop"): the watcher passes it on to nspawn and won't restart.
  process.on('SIGTERM', () => {
    stopRequested = true;
    if (watcher.pid) signalPid(watcher.pid, 'SIGTERM');
  });
  const t0 = Date.now();
  await monitorBoot(spec, bootRecord(spec, watcher, t0), logFd, t0);
  fs.closeSync(logFd);
  watcher.unref();
}

if (require.main === module) {
  (process.argv[2] === '--attach' ? attach(process.argv[3]) : main()).catch((e) => {
    process.stderr.write(`nixos-container supervisor: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
