// Entering a running container: run / root-login / login (upstream §3.8), via nsenter into
// all of the leader's namespaces. Instead of re-quoting argv into a `su -c` string, the
// arguments are passed as positional parameters to a fixed wrapper, so spaces, quotes, `$`,
// globs and empty strings reach the program unchanged. The environment is a fresh login
// environment (nsenter gets only HOME/USER/LOGNAME/SHELL/PATH/TERM, then root's login shell
// with -l reads /etc/profile), like `su -l`.
import { spawn } from 'child_process';
import * as fs from 'fs';

export class NotRunningError extends Error {
  constructor(readonly container: string) {
    super(`unable to get container's main PID: container '${container}' is not running`);
  }
}

const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh']);
const SU_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Root's login shell inside the container (from its /etc/passwd), if it is POSIX; else /bin/sh. */
export function rootShell(leader: number): string {
  try {
    const passwd = fs.readFileSync(`/proc/${leader}/root/etc/passwd`, 'utf8');
    const line = passwd.split('\n').find((l) => l.startsWith('root:'));
    const shell = line?.split(':')[6]?.trim();
    if (shell && POSIX_SHELLS.has(shell.split('/').pop()!) && fs.existsSync(`/proc/${leader}/root${shell}`)) return shell;
  } catch {
    /* fall through */
  }
  return '/bin/sh';
}

/** A fresh login environment (what `su -l` gives root), passed as nsenter's whole environment. */
function loginEnv(shell: string): Record<string, string> {
  const env: Record<string, string> = { HOME: '/root', USER: 'root', LOGNAME: 'root', SHELL: shell, PATH: SU_PATH };
  if (process.env.TERM) env.TERM = process.env.TERM;
  return env;
}

/**
 * Root's login shell (-l: reads /etc/profile) does `cd ~`, then execs exactly "$@": the
 * arguments are positional parameters, never re-parsed by a shell.
 */
const RUN_SCRIPT = 'cd "$HOME" 2>/dev/null || cd /; exec "$@"';

export interface EnterCommand {
  argv: string[];
  env: Record<string, string>;
}

export function nsenterArgv(leader: number, inner: string[]): string[] {
  return ['nsenter', '--all', '-t', String(leader), '--', ...inner];
}

export function runCommand(leader: number, argv: string[]): EnterCommand {
  const shell = rootShell(leader);
  return { argv: nsenterArgv(leader, [shell, '-l', '-c', RUN_SCRIPT, shell, ...argv]), env: loginEnv(shell) };
}

export function rootLoginCommand(leader: number): EnterCommand {
  const shell = rootShell(leader);
  // `cd ~` first, then the login shell reading commands from stdin (or the terminal).
  return { argv: nsenterArgv(leader, ['/bin/sh', '-c', 'cd "$HOME" 2>/dev/null || cd /; exec "$SHELL" -l']), env: loginEnv(shell) };
}

function signalNumber(sig: NodeJS.Signals): number {
  // `os` only here: loading it costs every `run` a few milliseconds otherwise.
  const n = (require('os') as typeof import('os')).constants.signals[sig];
  return typeof n === 'number' ? n : 1;
}

/**
 * Runs argv with the caller's stdio; resolves to its exit status (when it is killed by a
 * signal, so is this process). While it runs, ^C/^\ (which the terminal sends to the whole
 * foreground group, the command included) don't kill us first, and SIGTERM/SIGHUP are passed
 * on, so the caller gets the command's real status.
 */
export function execInherit(argv: string[], env?: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env: env ?? process.env });
    const ignore = () => {};
    const forward = (sig: NodeJS.Signals) => () => p.kill(sig);
    const handlers: [NodeJS.Signals, () => void][] = [
      ['SIGINT', ignore], ['SIGQUIT', ignore], ['SIGTERM', forward('SIGTERM')], ['SIGHUP', forward('SIGHUP')],
    ];
    for (const [sig, h] of handlers) process.on(sig, h);
    const done = () => {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
    };
    p.on('error', (e) => {
      done();
      reject(e);
    });
    p.on('exit', (code, signal) => {
      done();
      // Killed by a signal: end the same way (as upstream, which execs nsenter, and the
      // launcher's shell path of `run` do). A signal whose default is to be ignored falls
      // through to the shell convention, 128+N.
      if (signal) process.kill(process.pid, signal);
      resolve(code ?? 128 + signalNumber(signal ?? 'SIGTERM'));
    });
  });
}

export function requireLeader(name: string, leader: number | undefined): number {
  if (leader === undefined) throw new NotRunningError(name);
  return leader;
}

export async function runIn(leader: number, argv: string[]): Promise<number> {
  const cmd = runCommand(leader, argv);
  return execInherit(cmd.argv, cmd.env);
}

export async function rootLoginIn(leader: number): Promise<number> {
  const cmd = rootLoginCommand(leader);
  return execInherit(cmd.argv, cmd.env);
}

/**
 * A login prompt in the container (upstream: `machinectl login`, which needs machined). Here:
 * util-linux `script` allocates a pseudo-terminal from the container's own /dev/pts and runs
 * /bin/login on it, so login/PAM see a real tty. Needs a terminal on the caller's side.
 */
export async function loginIn(name: string, leader: number): Promise<number> {
  if (!process.stdin.isTTY) throw new Error(`login to container '${name}' needs a terminal (use root-login or run without one)`);
  const env = { TERM: process.env.TERM || 'vt220', PATH: SU_PATH };
  return execInherit(nsenterArgv(leader, ['/usr/bin/script', '-q', '-e', '-c', '/bin/login', '/dev/null']), env);
}
