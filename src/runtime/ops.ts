// The runtime operations, dispatching to the systemd-unit or the supervisor back end.
import * as fs from 'fs';
import type { StatePaths } from '../state/paths';
import type { ContainerRef, ContainerState } from './types';
import { loginIn, requireLeader, rootLoginIn, runIn } from './enter';
import {
  RuntimeError, StartOptions, StopOptions, supervisedStart, supervisedStop, supervisedTerminate,
} from './lifecycle';
import { hostHasSystemd } from './host';
import { removeLinks } from './network';
import { runDirOf } from './state';
import { usrLayers } from './rootfs';
import { supervisedLeader, supervisedStatus } from './status';
import { unitLeader, unitStart, unitStatus, unitStop, unitTerminate } from './systemd-unit';
import { switchLive, SwitchReport } from './switch';

/** Boots the container; resolves once its systemd finished booting (no-op when up). */
export async function startContainer(c: ContainerRef, opts: StartOptions = {}): Promise<void> {
  if (hostHasSystemd()) return unitStart(c, opts.timeoutMs ? Math.ceil(opts.timeoutMs / 1000) : 60);
  return supervisedStart(c, opts);
}

/** Orderly shutdown (SIGRTMIN+3 to its systemd), waits until gone; no-op when not running. */
export async function stopContainer(name: string, paths: StatePaths, opts: StopOptions = {}): Promise<void> {
  if (hostHasSystemd()) return unitStop(name);
  return supervisedStop(name, paths, opts);
}

/** Kills the container at once (SIGKILL to its init); no-op when not running. */
export async function terminateContainer(name: string, paths: StatePaths): Promise<void> {
  if (hostHasSystemd()) return unitTerminate(name);
  return supervisedTerminate(name, paths);
}

/** "up" only when fully booted and its nspawn and init are really alive (pid reuse guarded). */
export function containerStatus(name: string, paths: StatePaths): ContainerState {
  return hostHasSystemd() ? unitStatus(name) : supervisedStatus(paths, name);
}

/** Host pid of the container's PID 1, while it runs. */
export function leaderPid(name: string, paths: StatePaths): number | undefined {
  return hostHasSystemd() ? unitLeader(name) : supervisedLeader(paths, name);
}

/** Runs argv as root in the container with a login environment; resolves to its exit code. */
export async function runInContainer(name: string, paths: StatePaths, argv: string[]): Promise<number> {
  return runIn(requireLeader(name, leaderPid(name, paths)), argv);
}

/** Root login shell (no authentication, no pty; reads commands from stdin without a terminal). */
export async function rootLogin(name: string, paths: StatePaths): Promise<number> {
  return rootLoginIn(requireLeader(name, leaderPid(name, paths)));
}

/** A login prompt (/bin/login on a pty inside the container). Needs a terminal. */
export async function login(name: string, paths: StatePaths): Promise<number> {
  return loginIn(name, requireLeader(name, leaderPid(name, paths)));
}

/** Live switch of a running container from oldToplevel to c.toplevel (switch-to-configuration test). */
export async function switchContainer(c: ContainerRef, oldToplevel: string | undefined): Promise<SwitchReport> {
  const leader = requireLeader(c.name, leaderPid(c.name, c.paths));
  if (oldToplevel !== undefined && usrLayers(oldToplevel).join('\n') !== usrLayers(c.toplevel).join('\n')) {
    // The /usr overlay (host /usr + package layers) is mounted when the container boots, so a
    // system that adds or removes packages the host lacks only works after a reboot.
    await stopContainer(c.name, c.paths);
    await startContainer(c);
    return { stopped: [], restarted: [], reloaded: [], started: [], skipped: [], rebooted: true };
  }
  return switchLive(c, leader, oldToplevel);
}

/** Removes veth links and other network leftovers of a container that is not running. */
export function removeNetworkLeftovers(name: string): void {
  removeLinks(name);
}

/** For destroy: removes runDir/NAME (console log, records). Refuses while the container runs. */
export function removeRuntimeState(name: string, paths: StatePaths): void {
  if (leaderPid(name, paths) !== undefined) throw new RuntimeError(`container '${name}' is running; stop it first`);
  fs.rmSync(runDirOf(paths, name), { recursive: true, force: true });
}
