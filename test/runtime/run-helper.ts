// Child-process entry for tests: calls the runtime's run / root-login exactly as the CLI
// would, with this process's stdio, and exits with the returned code. Lets a test capture
// stdout byte for byte.   node run-helper.js run|root-login NAME [ARGS...]
// Also `start NAME TOPLEVEL CONF-JSON`: a start in its own process, for tests that interrupt it.
// (the state root comes from NIXOS_CONTAINER_ROOT)
import { statePaths } from '../../src/state/paths';
import { rootLogin, runInContainer, startContainer } from '../../src/runtime';

async function main(): Promise<number> {
  const [mode, name, ...args] = process.argv.slice(2);
  const paths = statePaths();
  if (mode === 'run') return runInContainer(name, paths, args);
  if (mode === 'root-login') return rootLogin(name, paths);
  if (mode === 'start') {
    await startContainer({ name, paths, toplevel: args[0], conf: JSON.parse(args[1]) as Record<string, string> });
    return 0;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(1);
  },
);
