// The container a verb acts on, as the runtime layer wants it: name, state paths, conf values
// and the toplevel it boots.
import * as fs from 'fs';
import * as path from 'path';
import { unquote, type ConfValues } from '../state/conf';
import type { StatePaths } from '../state/paths';
import type { ContainerRef } from '../runtime/types';
import { dieProg } from './cli-error';

/** Upstream's layout PROFILE/system -> system-N-link -> toplevel, read directly. */
function profileLinkTarget(paths: StatePaths, name: string): string | undefined {
  try {
    return fs.realpathSync(path.join(paths.profilesDir, name, 'system'));
  } catch {
    return undefined;
  }
}

/** The toplevel a container boots: SYSTEM_PATH (declarative) or its profile's generation. */
export function containerRef(paths: StatePaths, name: string, conf: ConfValues): ContainerRef {
  const systemPath = unquote(conf.SYSTEM_PATH);
  // The profile is read with system/profiles alone (not the whole system layer: the evaluator
  // and builder cost tens of milliseconds to load and start/restart don't need them).
  const { currentSystem } = require('../system/profiles') as typeof import('../system/profiles');
  const toplevel = systemPath || currentSystem(paths, name) || profileLinkTarget(paths, name);
  if (!toplevel) {
    dieProg(`container ‘${name}’ has no system to boot (its profile is empty); ` +
      `build one with ‘nixos-container update ${name} --config-file FILE’`);
  }
  return { name, paths, conf, toplevel };
}
