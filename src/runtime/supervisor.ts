// The detached supervisor used on hosts without systemd as PID 1. It plays the part of
// upstream's container@NAME.service: it owns systemd-nspawn, records the pids (state.ts),
// configures the host side of the network once the container exists, marks the container
// ready when its systemd has finished booting, and when nspawn exits — for any reason,
// including kill -9 — it kills what is left of the container (KillMode=mixed's final
// SIGKILL), removes the veth and the state record.
//
// Invoked as: node supervisor.js SPEC.json   (started by lifecycle.ts, detached, setsid)
import { spawn } from 'child_process';
import * as fs from 'fs';
import { applyHostNetwork, removeLinks } from './network';
import { findLeader, isAlive, procId, signalPid, sleep, waitGone } from './proc';
import {
  consoleLog, lastExitFile, readRecord, readSpec, removeRecord, RuntimeRecord, SupervisorSpec, writeRecord,
} from './state';


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
    await sleep(15);
  }
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

type Exit = { code: number | null; signal: string | null };

let stopRequested = false;
let currentChild: ReturnType<typeof spawn> | undefined;

/** One nspawn run: spawn, record, network, readiness, and cleanup when it exits. */
async function runOnce(spec: SupervisorSpec, logFd: number): Promise<Exit> {
  const { name, paths } = spec;
  const child = spawn(spec.argv[0], spec.argv.slice(1), {
    stdio: ['ignore', logFd, logFd],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
  });
  currentChild = child;
  let exited: Exit | undefined;
  const exitP = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.on('error', (e) => {
      log(logFd, `cannot run ${spec.argv[0]}: ${e.message}`);
      exited = { code: 127, signal: null };
      resolve();
    });
  });
  if (stopRequested && child.pid) signalPid(child.pid, 'SIGTERM');

  const rec: RuntimeRecord = {
    name,
    supervisor: procId(process.pid),
    nspawn: child.pid ? procId(child.pid) : undefined,
    toplevel: spec.toplevel,
    hostIface: spec.hostIface,
    startedAt: new Date().toISOString(),
  };
  if (rec.nspawn) writeRecord(paths, rec);

  const alive = () => exited === undefined;
  const t0 = Date.now();
  // Leader: PID 1 of the container's pid namespace, a descendant of nspawn.
  while (alive() && child.pid) {
    const l = findLeader(child.pid);
    if (l !== undefined) {
      rec.leader = procId(l);
      break;
    }
    await sleep(10);
  }
  if (alive() && rec.leader) {
    writeRecord(paths, rec);
    log(logFd, `container init is pid ${rec.leader.pid} (${Date.now() - t0} ms)`);
    for (let attempt = 0; attempt < 50 && alive(); attempt++) {
      const errors = applyHostNetwork(spec.hostNetwork);
      if (errors.length === 0) break;
      if (attempt === 49) for (const e of errors) log(logFd, `host network: ${e}`);
      await sleep(20);
    }
    const state = await waitForBoot(rec.leader.pid, alive);
    if (alive()) {
      log(logFd, `container reported '${state}' (${Date.now() - t0} ms)`);
      rec.ready = state === 'running' || state === 'degraded';
      if (!rec.ready) rec.bootState = state;
      writeRecord(paths, rec);
    }
  }

  await exitP;
  // nspawn is gone. Anything left of the container (nspawn killed by SIGKILL) goes too.
  if (rec.leader && isAlive(rec.leader)) {
    log(logFd, `nspawn exited, killing the container's remaining processes (leader ${rec.leader.pid})`);
    signalPid(rec.leader.pid, 'SIGKILL');
    await waitGone(rec.leader, 5000);
  }
  removeLinks(name);
  const now = readRecord(paths, name);
  if (now && now.nspawn && rec.nspawn && now.nspawn.pid === rec.nspawn.pid && now.nspawn.start === rec.nspawn.start) {
    removeRecord(paths, name);
  }
  return exited!;
}

async function main(): Promise<void> {
  const specPath = process.argv[2];
  const { name, paths } = readSpec(specPath);
  // O_APPEND: nspawn and the container may reopen the file; every write must land at the end.
  fs.writeFileSync(consoleLog(paths, name), '', { mode: 0o600 });
  const logFd = fs.openSync(consoleLog(paths, name), 'a');
  process.on('SIGHUP', () => {});
  process.on('SIGINT', () => {});
  // SIGTERM to the supervisor means "stop": no more restarts, and nspawn gets it too.
  process.on('SIGTERM', () => {
    stopRequested = true;
    if (currentChild?.pid) signalPid(currentChild.pid, 'SIGTERM');
  });
  for (;;) {
    const exit = await runOnce(readSpec(specPath), logFd); // re-read: a live switch may have changed it
    try {
      fs.writeFileSync(lastExitFile(paths, name), JSON.stringify({ ...exit, at: new Date().toISOString() }) + '\n');
    } catch {
      /* run dir removed */
    }
    // Exit status 133: the container rebooted (upstream: RestartForceExitStatus=133).
    if (exit.code === 133 && !stopRequested) {
      log(logFd, 'the container rebooted; starting it again');
      continue;
    }
    break;
  }
  fs.closeSync(logFd);
}

main().catch((e) => {
  process.stderr.write(`nixos-container supervisor: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
