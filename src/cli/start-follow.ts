// `start NAME` continued in Node after the launcher's shell began it from the plan of the last
// start (bin/nixos-container, src/runtime/start-plan.ts): the shell holds the lock in this
// process's name, has started the watcher and written the record; this follows the boot until
// the container is ready, with `start`'s messages. It loads only what following needs (the
// container's conf and profile, the runtime's lifecycle), not the option parser or the rest of
// the runtime layer: its CPU time is taken from the booting container's.
import { readConf } from '../state/conf';
import { statePaths } from '../state/paths';
import { adoptedStart } from '../runtime/lifecycle';
import { dieProg, orDie, runUpstreamVerb } from './cli-error';
import { containerRef } from './container-ref';

/** Internal verb `__start-follow NAME` (only the launcher runs it), with `start`'s messages and exit statuses. */
export function startFollowVerb(args: string[]): Promise<number> {
  return runUpstreamVerb(async () => {
    const name = args[0];
    if (args.length !== 1 || !name) dieProg('__start-follow is run by the launcher only');
    const paths = statePaths();
    const ref = containerRef(paths, name, readConf(paths, name));
    await orDie('failed to start container', () => adoptedStart(ref));
    return 0;
  });
}
