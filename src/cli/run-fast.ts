// `run NAME -- CMD...`, the common case of the verb that most wants a fast start: it loads a
// handful of leaf modules (paths, names, conf, the runtime's status/state/proc/enter) instead
// of the option parser and the whole runtime layer. Anything unusual (other argument shapes,
// an invalid or unknown name, a stopped container, a host with systemd as PID 1) returns
// undefined and the general path (upstream.ts) handles it with its own messages, so the
// behaviour is the same either way.
import * as fs from 'fs';
import { confExists } from '../state/conf';
import { nameProblem } from '../state/names';
import { statePaths } from '../state/paths';
import { runIn } from '../runtime/enter';
import { hostHasSystemd } from '../runtime/host';
import { supervisedLeader } from '../runtime/status';

/** The exit status of the command, or undefined when the general path must run instead. */
export function tryFastRun(argv: string[]): Promise<number> | undefined {
  // The parser permutes options and drops the first `--`: `run NAME -- ...` has exactly these
  // positional words whatever follows the `--`.
  if (argv.length < 3 || argv[0] !== 'run' || argv[2] !== '--') return undefined;
  const name = argv[1];
  if (name.startsWith('-') || nameProblem(name) !== undefined) return undefined;
  if (hostHasSystemd()) return undefined;
  process.umask(0o022);
  const paths = statePaths();
  fs.mkdirSync(paths.confDir, { recursive: true, mode: 0o755 });
  fs.mkdirSync(paths.containersDir, { recursive: true, mode: 0o700 });
  if (!confExists(paths, name)) return undefined;
  const leader = supervisedLeader(paths, name);
  if (leader === undefined) return undefined;
  const cmd = argv.slice(3);
  // Upstream runs `exec` with no words through the login shell: nothing happens, status 0.
  if (cmd.length === 0) return Promise.resolve(0);
  return runIn(leader, cmd).catch((e: Error) => {
    // As upstreamMain reports an unexpected error (e.g. nsenter missing).
    const { PROG } = require('./upstream-options') as typeof import('./upstream-options');
    process.stderr.write(`${PROG}: ${e?.message ?? String(e)}\n`);
    if (process.env.NIXOS_CONTAINER_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
    return 1;
  });
}
