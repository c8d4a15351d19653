// Runs Nix expressions through a configurable evaluator command, for the lib and
// module-system tests. NIX_EVAL_CMD selects it: unset means the project's own
// `bin/nixos-container eval`; `nix-instantiate` means the reference Nix 2.8.
// The command receives nix-instantiate-style arguments
// (`--eval --json --strict --show-trace -E EXPR -A ATTR`, or a file path).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const LIB_DIR = path.join(REPO, 'nixpkgs', 'lib');
const OWN_CLI = path.join(REPO, 'bin', 'nixos-container');

export interface Evaluator {
  /** Human-readable name printed by the tests. */
  name: string;
  /** argv[0] and fixed leading arguments. */
  argv: string[];
  isReference: boolean;
  isDefault: boolean;
}

export interface EvalResult { status: number; stdout: string; stderr: string; timedOut: boolean }

export function resolveEvaluator(): Evaluator {
  const raw = (process.env.NIX_EVAL_CMD ?? '').trim();
  if (raw === '') {
    return { name: `${OWN_CLI} eval (default)`, argv: [process.execPath, OWN_CLI, 'eval'], isReference: false, isDefault: true };
  }
  const words = raw.split(/\s+/);
  if (words[0] === 'bin/nixos-container' || words[0] === './bin/nixos-container') {
    words.splice(0, 1, process.execPath, OWN_CLI);
  }
  const isReference = path.basename(words[0]) === 'nix-instantiate';
  return { name: raw, argv: words, isReference, isDefault: false };
}

/** Extra environment for the evaluator: a private writable store for the real Nix. */
export function evaluatorEnv(ev: Evaluator, storeRoot: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (ev.isReference && !process.env.NIX_REMOTE) {
    env.NIX_REMOTE = `local?root=${storeRoot}`;
    env.NIX_STATE_DIR = path.join(storeRoot, 'nix', 'var', 'nix');
    env.NIX_LOG_DIR = path.join(storeRoot, 'nix', 'var', 'log', 'nix');
    env.HOME = storeRoot;
  }
  return env;
}

/** Why the evaluator cannot be used here, or null when it works. */
export function evaluatorUnavailable(ev: Evaluator): string | null {
  const args = ev.isReference ? ['--eval', '-E', '1'] : ['-E', '1'];
  const r = spawnSync(ev.argv[0], [...ev.argv.slice(1), ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `${ev.name}: cannot run (${r.error.message})`;
  if (r.status !== 0 || r.stdout.trim() !== '1') {
    const why = (r.stderr || r.stdout || '').trim().split('\n')[0];
    return `${ev.name} does not evaluate \`1\` yet (exit ${r.status}: ${why})`;
  }
  return null;
}

export function runEvaluator(ev: Evaluator, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<EvalResult> {
  return new Promise((resolve) => {
    const child = spawn(ev.argv[0], [...ev.argv.slice(1), ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ status: -1, stdout: '', stderr: String(e), timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        status: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** Run `fn` over `items` with at most `limit` in flight. */
export async function mapConcurrent<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A temporary directory removed by the returned cleanup function. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    cleanup: () => {
      // a private Nix store makes read-only directories; make them writable first
      spawnSync('chmod', ['-R', 'u+w', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Evaluate a Nix expression that may use `lib` (bound to the project's lib) and
 * return the parsed JSON value, or the error text.
 */
export class LibEvaluator {
  private readonly tmp = tempDir('nix-lib-test-');
  constructor(readonly ev: Evaluator) {}

  async eval(expr: string): Promise<{ ok: true; value: unknown } | { ok: false; stderr: string }> {
    const full = `let lib = import ${LIB_DIR}; in ${expr}`;
    const args = ['--eval', '--json', '--strict', '--show-trace', '-E', full];
    const r = await runEvaluator(this.ev, this.ev.isReference ? args : args.slice(1), {
      cwd: this.tmp.dir,
      env: evaluatorEnv(this.ev, this.tmp.dir),
    });
    if (r.status !== 0) return { ok: false, stderr: r.stderr };
    return { ok: true, value: JSON.parse(r.stdout) };
  }

  cleanup(): void { this.tmp.cleanup(); }
}
