// The reference boot for the start benchmarks: a plain `systemd-nspawn -b` of a container root
// that our runtime prepared (and booted once), with the same /usr and store binds and a veth,
// ready when `systemctl is-system-running --wait` returns inside it.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import type { StatePaths } from '../src/state/paths';
import { containerRoot } from '../src/runtime/rootfs';
import { findLeader, sleep } from '../src/runtime/proc';

export interface Raw {
  child: ReturnType<typeof spawn>;
  leader: number;
}

/** The reference: plain `systemd-nspawn -b` of the root our runtime prepared, same binds. */
export async function rawStart(paths: StatePaths, name: string): Promise<Raw> {
  const root = containerRoot(paths, name);
  const child = spawn('systemd-nspawn', [
    '--register=no', '--keep-unit', '-M', name, '-D', root, '--private-network', '--network-veth',
    '--bind-ro=/usr', `--bind-ro=${paths.storeDir}:${paths.storeDir}`, '--console=read-only', '--link-journal=no', '-b',
  ], { stdio: 'ignore' });
  let leader: number | undefined;
  const check = () => {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`raw systemd-nspawn of ${name} exited`);
  };
  while ((leader = findLeader(child.pid!)) === undefined) {
    check();
    await sleep(5);
  }
  while (!fs.existsSync(`/proc/${leader}/root/run/systemd/private`)) {
    check();
    await sleep(5);
  }
  spawnSync('nsenter', ['--all', '-t', String(leader), '--', '/usr/bin/systemctl', 'is-system-running', '--wait']);
  return { child, leader };
}

export async function rawStop(r: Raw): Promise<void> {
  const done = new Promise((res) => r.child.on('exit', res));
  r.child.kill('SIGTERM');
  await done;
}
