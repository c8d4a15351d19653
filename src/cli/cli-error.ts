// Errors the upstream verbs report: the message is printed as is on stderr (it already
// carries upstream's `nixos-container: ` prefix where upstream has one) and the exit status
// is 1. Upstream's Perl `die` appends " at <script> line N." to messages without a trailing
// newline; that is a Perl artefact and is not reproduced.
import { PROG } from './upstream-options';

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function die(message: string): never {
  throw new CliError(message);
}

/** `nixos-container: MESSAGE`. */
export function dieProg(message: string): never {
  throw new CliError(`${PROG}: ${message}`);
}

/** The message of an error from another layer, for printing before our own line. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export function printError(e: unknown): void {
  const t = errorText(e).replace(/\n+$/, '');
  if (t) process.stderr.write(t + '\n');
}

/** Awaits `f`; if it fails, prints its error and dies with upstream's `nixos-container: MESSAGE`. */
export async function orDie<T>(message: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    printError(e);
    return dieProg(message);
  }
}

/**
 * Runs an upstream verb with umask 022 and upstream's way out: a CliError prints its message
 * and exits with its status, any other error prints `nixos-container: MESSAGE` (with the stack
 * when NIXOS_CONTAINER_DEBUG is set) and exits 1.
 */
export async function runUpstreamVerb(verb: () => Promise<number>): Promise<number> {
  process.umask(0o022);
  try {
    return await verb();
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(e.message + '\n');
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`${PROG}: ${err?.message ?? String(e)}\n`);
    if (process.env.NIXOS_CONTAINER_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    return 1;
  }
}
