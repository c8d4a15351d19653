// Public API of the runtime layer: running containers with systemd-nspawn.
// The runtime knows nothing about the Nix language: it boots a built toplevel (see the
// contract in src/system/index.ts) on a container root, and reads NAME.conf key/values.
//
// Two back ends with the same behaviour:
//  - hosts without systemd as PID 1 (containers, CI): a detached supervisor per container
//    (supervisor.ts, lifecycle.ts) recording pids under paths.runDir/NAME/;
//  - hosts with systemd: a transient unit container@NAME.service (systemd-unit.ts).
export type { ContainerConfig, ContainerRef, ContainerState } from './types';
export type { StartOptions, StopOptions } from './lifecycle';
export type { SwitchReport } from './switch';
export { RuntimeError } from './lifecycle';
export { NotRunningError } from './enter';
export {
  startContainer, stopContainer, terminateContainer, containerStatus, leaderPid, runInContainer, rootLogin, login,
  switchContainer, removeNetworkLeftovers, removeRuntimeState,
} from './ops';
export { autoStartUnitText, unitName } from './systemd-unit';
export { hostHasSystemd } from './host';
export { startAll, readConfFile } from './autostart';
export type { StartAllResult } from './autostart';
export { consoleLog, consoleTail } from './state';
export { containerRoot } from './rootfs';
export { vethName } from './nspawn-args';
