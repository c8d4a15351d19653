// Hosts WITH systemd as PID 1: each running container is a transient unit
// container@NAME.service (like upstream's template unit), started with systemd-run as a
// Type=notify service around systemd-nspawn --notify-ready=yes, so `systemctl start` returns
// once the container's systemd is up, KillMode=mixed turns stop into an orderly halt, and
// nspawn registers with machined (machinectl works). NOT TESTED on this machine (PID 1 is not
// systemd here); the logic mirrors lifecycle.ts, which is.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import type { StatePaths } from '../state/paths';
import type { ContainerRef, ContainerState } from './types';
import { confFlag } from './conf';
import { removeLinks } from './network';
import { hostNetworkCommands, nspawnCommand } from './nspawn-args';
import { findLeader } from './proc';
import { bindsHostAlternatives, prepareRoot } from './rootfs';
import { RuntimeError } from './lifecycle';

export function unitName(name: string): string {
  return `container@${name}.service`;
}

function systemctl(args: string[]): { status: number; out: string } {
  const r = spawnSync('systemctl', args, { encoding: 'utf8' });
  return { status: r.status ?? 255, out: ((r.stdout ?? '') + (r.stderr ?? '')).trim() };
}

function unitProp(name: string, prop: string): string {
  return systemctl(['show', '-p', prop, '--value', unitName(name)]).out;
}

export function unitStatus(name: string): ContainerState {
  return unitProp(name, 'ActiveState') === 'active' ? 'up' : 'down';
}

export function unitLeader(name: string): number | undefined {
  const main = Number(unitProp(name, 'MainPID'));
  return main > 0 ? findLeader(main) : undefined;
}

/** The systemd-run command line of the transient unit (pure; unit-tested). */
export function systemdRunArgv(c: ContainerRef, timeoutSec: number): string[] {
  const cmd = nspawnCommand(c, { noRegister: false });
  return [
    'systemd-run',
    `--unit=${unitName(c.name)}`,
    `--description=Container '${c.name}'`,
    '--service-type=notify',
    '-p', 'NotifyAccess=all',
    '-p', 'KillMode=mixed',
    '-p', 'KillSignal=SIGTERM',
    '-p', 'Delegate=yes',
    '-p', 'Slice=machine.slice',
    '-p', `TimeoutStartSec=${timeoutSec}`,
    '-p', 'Restart=on-failure',
    '-p', 'RestartForceExitStatus=133',
    '-p', 'SuccessExitStatus=133',
    '--setenv=SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1',
    // Host side of the veth after every (re)start, like upstream's postStart.
    ...hostNetworkCommands(c).flatMap((ip) => ['-p', `ExecStartPost=-${ipPath()} ${ip.slice(1).join(' ')}`]),
    '-p', 'SyslogIdentifier=container ' + c.name,
    '--',
    '/usr/bin/systemd-nspawn',
    ...cmd.argv.slice(1),
    ];
}

export function unitStart(c: ContainerRef, timeoutSec = 60): void {
  if (unitStatus(c.name) === 'up') return;
  systemctl(['reset-failed', unitName(c.name)]);
  removeLinks(c.name);
  prepareRoot(c.paths, c.name, { copyResolvConf: confFlag(c.conf, 'COPY_RESOLV_CONF'), alternativesMount: bindsHostAlternatives(c.toplevel) });
  const r = spawnSync('systemd-run', systemdRunArgv(c, timeoutSec).slice(1), { encoding: 'utf8' });
  if (r.status !== 0) {
    const journal = spawnSync('journalctl', ['-u', unitName(c.name), '-n', '25', '--no-pager'], { encoding: 'utf8' }).stdout ?? '';
    throw new RuntimeError(`failed to start container '${c.name}': ${(r.stderr ?? '').trim()}\n${journal}`);
  }
}

function ipPath(): string {
  return ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => fs.existsSync(p)) ?? '/usr/sbin/ip';
}

export function unitStop(name: string): void {
  const r = systemctl(['stop', unitName(name)]);
  if (r.status !== 0 && !/not loaded/.test(r.out)) throw new RuntimeError(`failed to stop container '${name}': ${r.out}`);
  removeLinks(name);
}

export function unitTerminate(name: string): void {
  systemctl(['kill', '-s', 'SIGKILL', unitName(name)]);
  unitStop(name);
}

/**
 * A unit that starts every AUTO_START=1 container at boot on systemd hosts (install it as
 * /etc/systemd/system/nixos-containers-autostart.service and `systemctl enable` it).
 */
export function autoStartUnitText(binPath: string, paths: StatePaths): string {
  return [
    '[Unit]',
    'Description=Start nixos-containers marked AUTO_START=1',
    'After=network.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `Environment=NIXOS_CONTAINER_ROOT=${paths.root}`,
    `ExecStart=${binPath} start-all`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
