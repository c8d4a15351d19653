// Public API of the runtime layer: running containers with systemd-nspawn.
// The runtime knows nothing about the Nix language: it boots a built toplevel (see the
// contract in src/system/index.ts) on a container root, and reads NAME.conf key/values.
import type { StatePaths } from '../state/paths';

/** Key/values of NAME.conf (PRIVATE_NETWORK, HOST_ADDRESS, LOCAL_ADDRESS, HOST_PORT, ...). */
export type ContainerConfig = Record<string, string>;

export interface ContainerRef {
  name: string;
  paths: StatePaths;
  conf: ContainerConfig;
  /** Store path of the system toplevel to boot (the profile's current generation). */
  toplevel: string;
}

export type ContainerState = 'up' | 'down';

function notYet(): never {
  throw new Error('the runtime is not implemented yet');
}

export async function startContainer(_c: ContainerRef): Promise<void> { notYet(); }
export async function stopContainer(_name: string, _paths: StatePaths): Promise<void> { notYet(); }
export async function terminateContainer(_name: string, _paths: StatePaths): Promise<void> { notYet(); }
export function containerStatus(_name: string, _paths: StatePaths): ContainerState { notYet(); }
export function leaderPid(_name: string, _paths: StatePaths): number | undefined { notYet(); }
/** Runs argv as root in the container with a login environment; resolves to its exit code. */
export async function runInContainer(_name: string, _paths: StatePaths, _argv: string[]): Promise<number> { notYet(); }
export async function rootLogin(_name: string, _paths: StatePaths): Promise<number> { notYet(); }
export async function login(_name: string, _paths: StatePaths): Promise<number> { notYet(); }
/** Live switch of a running container from oldToplevel to c.toplevel (switch-to-configuration test). */
export async function switchContainer(_c: ContainerRef, _oldToplevel: string | undefined): Promise<void> { notYet(); }
/** Removes veth links and other network leftovers of a container that is not running. */
export function removeNetworkLeftovers(_name: string): void { notYet(); }
