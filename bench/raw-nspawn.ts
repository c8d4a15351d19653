// The reference boot for the start benchmarks: a plain systemd-nspawn boot of a container root
// that our runtime prepared (and booted once), with the same /usr and store binds, a veth and
// the same cgroup layout (SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1), ready when
// `systemctl is-system-running --wait` returns inside it. The host's systemd is named as the
// command, as `-b` would find it in the bound /usr, with the kill signal `-b` implies; `-b`
// itself refuses a root whose /etc/os-release is a link into the store (nspawn looks for it
// before the store is bound).
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import type { StatePaths } from '../src/state/paths';
import { containerRoot } from '../src/runtime/rootfs';
import { findLeader, sleep } from '../src/runtime/proc';

export interface Raw {
  child: ReturnType<typeof spawn>;
  leader: number;
}

/** The reference: a plain systemd-nspawn boot of the root our runtime prepared, same binds. */
export async function rawStart(paths: StatePaths, name: string): Promise<Raw> {
  const root = containerRoot(paths, name);
  const child = spawn('systemd-nspawn', [
    '--register=no', '--keep-unit', '-M', name, '-D', root, '--private-network', '--network-veth',
    '--bind-ro=/usr', `--bind-ro=${paths.storeDir}:${paths.storeDir}`, '--console=read-only', '--link-journal=no', '--kill-signal=SIGRTMIN+3', '/usr/lib/systemd/systemd',
  ], { stdio: 'ignore', env: { ...process.env, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1' } });
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
