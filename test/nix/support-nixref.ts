// Helpers for differential tests against the real nix-instantiate (when installed).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let available: boolean | null = null;

/** True when a `nix-instantiate` binary can evaluate expressions here. */
export function nixAvailable(): boolean {
  if (available === null) {
    const r = spawnSync('nix-instantiate', ['--eval', '-E', '1'], { encoding: 'utf8', env: nixEnv() });
    available = r.status === 0 && r.stdout.trim() === '1';
  }
  return available;
}

export function nixEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NIX_REMOTE: 'dummy://', NIX_STORE_DIR: '/nix/store', HOME: '/fake-home' };
}

/** Nix string literal for a byte string (one char per byte). */
export function nixStr(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (ch === '$') out += '\\$';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + '"';
}

export interface NixRun { status: number | null; stdout: string; stderr: string }

/** Evaluate a Nix expression (given as a byte string) with `nix-instantiate --eval --strict`
 *  plus extra flags; stdout/stderr are returned as byte strings (latin1). */
export function nixEval(expr: string, flags: string[] = []): NixRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixref-'));
  try {
    const f = path.join(dir, 'e.nix');
    fs.writeFileSync(f, Buffer.from(expr, 'latin1'));
    const r = spawnSync('nix-instantiate', ['--eval', '--strict', ...flags, f], { env: nixEnv(), maxBuffer: 1 << 28, timeout: 120000 });
    if (r.error) throw new Error(`nix-instantiate did not finish: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Evaluate and parse the `--json` output. Throws with Nix's stderr on failure. */
export function nixEvalJson(expr: string): unknown {
  const r = nixEval(expr, ['--json']);
  if (r.status !== 0) throw new Error('nix-instantiate failed: ' + r.stderr);
  return JSON.parse(Buffer.from(r.stdout, 'latin1').toString('utf8'));
}

/** Prints a neutral tree the way `nix-instantiate --eval --strict` prints values.
 *  Trees: null/boolean/string/bigint, {float}, arrays, {object: Map} / {table: Map},
 *  {datetime} (printed as Nix's `{ _type = "timestamp"; value = ...; }`). */
export function printNixLike(v: unknown, fmtFloat: (x: number, negNan?: boolean) => string): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return nixPrintStr(v);
  if (Array.isArray(v)) return v.length === 0 ? '[ ]' : '[ ' + v.map((x) => printNixLike(x, fmtFloat)).join(' ') + ' ]';
  const o = v as Record<string, unknown>;
  if ('float' in o) return fmtFloat(o.float as number, o.negativeNan === true);
  if ('datetime' in o) return printNixLike(new Map<string, unknown>([['_type', 'timestamp'], ['value', o.datetime]]), fmtFloat);
  const m: Map<string, unknown> = (o.object ?? o.table ?? v) as Map<string, unknown>;
  const keys = [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return '{ }';
  return '{ ' + keys.map((k) => `${/^[a-zA-Z_][a-zA-Z0-9_'-]*$/.test(k) ? k : nixPrintStr(k)} = ${printNixLike(m.get(k), fmtFloat)}; `).join('') + '}';
}

export function nixPrintStr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c === '$' && s[i + 1] === '{') out += '\\$';
    else out += c;
  }
  return out + '"';
}
