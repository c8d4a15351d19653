// run / root-login / login: commands inside a running container. The exit status is the
// command's (or the shell's).
import type { StatePaths } from '../state/paths';
import { login, rootLogin, runInContainer } from '../runtime/index';
import { requireLeader } from './lifecycle';

export async function runVerb(paths: StatePaths, name: string, argv: string[]): Promise<number> {
  requireLeader(paths, name);
  // Upstream runs `exec` with no words through the login shell: nothing happens, status 0.
  if (argv.length === 0) return 0;
  return runInContainer(name, paths, argv);
}

export async function rootLoginVerb(paths: StatePaths, name: string): Promise<number> {
  requireLeader(paths, name);
  return rootLogin(name, paths);
}

export async function loginVerb(paths: StatePaths, name: string): Promise<number> {
  requireLeader(paths, name);
  return login(name, paths);
}
