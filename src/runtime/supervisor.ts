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
import type { StatePaths } from '../state/paths';
import { applyHostNetwork, removeLinks } from './network';
import { findLeader, isAlive, procId, signalPid, sleep, waitGone } from './proc';
import { consoleLog, lastExitFile, readRecord, removeRecord, RuntimeRecord, writeRecord } from './state';

export interface SupervisorSpec {
  name: string;
  paths: StatePaths;
  argv: string[];
  hostNetwork: string[][];
  hostIface?: string;
  toplevel: string;
}

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

async function main(): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as SupervisorSpec;
  const { name, paths } = spec;
  const logFd = fs.openSync(consoleLog(paths, name), 'w', 0o600);
  process.on('SIGHUP', () => {});
  process.on('SIGINT', () => {});

  const child = spawn(spec.argv[0], spec.argv.slice(1), {
    stdio: ['ignore', logFd, logFd],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
  });
  let exited: { code: number | null; signal: string | null } | undefined;
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
  // SIGTERM to the supervisor means "stop": pass it on to nspawn.
  process.on('SIGTERM', () => {
    if (child.pid) signalPid(child.pid, 'SIGTERM');
  });

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
    for (let attempt = 0; attempt < 50 && alive(); attempt++) {
      const errors = applyHostNetwork(spec.hostNetwork);
      if (errors.length === 0) break;
      if (attempt === 49) for (const e of errors) log(logFd, `host network: ${e}`);
      await sleep(20);
    }
    const state = await waitForBoot(rec.leader.pid, alive);
    if (alive()) {
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
  try {
    fs.writeFileSync(lastExitFile(paths, name), JSON.stringify({ ...exited, at: new Date().toISOString() }) + '\n');
  } catch {
    /* run dir removed */
  }
  const now = readRecord(paths, name);
  if (now && now.nspawn && rec.nspawn && now.nspawn.pid === rec.nspawn.pid && now.nspawn.start === rec.nspawn.start) {
    removeRecord(paths, name);
  }
  fs.closeSync(logFd);
}

main().catch((e) => {
  process.stderr.write(`nixos-container supervisor: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
