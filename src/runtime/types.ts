// Shared types of the runtime layer (re-exported by index.ts).
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
