// Which back end runs containers on this host (a leaf module: the `run` fast path needs it).
import * as fs from 'fs';

/** sd_booted(): systemd is PID 1. NIXOS_CONTAINER_SUPERVISOR=1 forces the supervisor path. */
export function hostHasSystemd(): boolean {
  if (process.env.NIXOS_CONTAINER_SUPERVISOR === '1') return false;
  return fs.existsSync('/run/systemd/system');
}
