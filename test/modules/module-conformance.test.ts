// nixpkgs module-system conformance: runs the checks of nixpkgs' lib/tests/modules.sh
// (shared/nixpkgs-module-tests/checks.tsv) against OUR lib (nixpkgs/lib), with the
// evaluator chosen by NIX_EVAL_CMD (see eval-cmd.ts). Protocol and judging rules:
// shared/nixpkgs-module-tests/README.md. Gate: >= 95% of the checks Nix 2.8 passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  LIB_DIR, REPO, evaluatorEnv, evaluatorUnavailable, mapConcurrent, resolveEvaluator, runEvaluator, tempDir,
  type Evaluator, type EvalResult,
} from './eval-cmd';

const CORPUS = process.env.NIX_MODULE_TESTS_DIR ?? path.resolve(REPO, '..', 'shared', 'nixpkgs-module-tests');
const CONCURRENCY = Number(process.env.CONFORMANCE_JOBS ?? '4');
const GATE = 0.95;

interface Check {
  id: number;
  kind: 'config-output' | 'config-error' | 'other';
  expected: string;
  attr: string;
  modules: string[];
  env: string[];
}

function readChecks(): Check[] {
  const lines = fs.readFileSync(path.join(CORPUS, 'checks.tsv'), 'utf8').split('\n').filter((l) => l !== '');
  const header = lines[0].split('\t');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`checks.tsv: no column ${name}`);
    return i;
  };
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    return {
      id: Number(f[col('id')]),
      kind: f[col('kind')] as Check['kind'],
      expected: f[col('expected')],
      attr: f[col('attr')],
      modules: f[col('modules')].split(' ').filter((m) => m !== ''),
      env: f[col('env')].split(' ').filter((e) => e !== ''),
    };
  });
}

/** ids whose Nix 2.8 result is `pass` (the denominator). */
function referencePasses(): Set<number> {
  const lines = fs.readFileSync(path.join(CORPUS, 'nix-2.8-results.tsv'), 'utf8').split('\n').filter((l) => l !== '');
  const header = lines[0].split('\t');
  const idCol = header.indexOf('id');
  const resCol = header.indexOf('result');
  const ids = new Set<number>();
  for (const l of lines.slice(1)) {
    const f = l.split('\t');
    if (f[resCol] === 'pass') ids.add(Number(f[idCol]));
  }
  return ids;
}

/** Copy of the fixtures at <root>/lib/tests/modules, with <root>/lib/default.nix = our lib. */
function buildRoot(root: string): string {
  const libDir = path.join(root, 'lib');
  const modulesDir = path.join(libDir, 'tests', 'modules');
  fs.mkdirSync(modulesDir, { recursive: true });
  fs.writeFileSync(path.join(libDir, 'default.nix'), `import ${LIB_DIR}\n`);
  fs.cpSync(path.join(CORPUS, 'modules'), modulesDir, { recursive: true });
  return modulesDir;
}

// JS RegExp stands in for grep -E (stdout, line by line) and grep -zP (whole stderr).
function outputMatches(regex: string, stdout: string): boolean {
  return new RegExp(regex, 'm').test(stdout);
}
function errorMatches(regex: string, stderr: string): boolean {
  return new RegExp(regex).test(stderr);
}

const HINT = /if you get an infinite recursion here/i;

interface Verdict { id: number; pass: boolean; why: string }

function argsFor(ev: Evaluator, c: Check): { args: string[]; env: Record<string, string> } {
  const base = ['--eval', '--json', '--strict', '--show-trace', '--read-write-mode'];
  const env: Record<string, string> = {};
  const extra: string[] = [];
  if (c.env.includes('ABORT_ON_WARN=1')) {
    extra.push('--option', 'abort-on-warn', 'true');
    env.NIX_ABORT_ON_WARN = '1';
  }
  let args: string[];
  if (c.kind === 'other') {
    args = ['--eval', '--strict', '--show-trace', '--read-write-mode', c.modules[0]];
  } else {
    const expr = `import ./default.nix { modules = [ ${c.modules.map((m) => './' + m).join(' ')} ];}`;
    args = [...base, ...extra, '-E', expr, '-A', c.attr];
  }
  // our own `eval` verb is already an evaluation: it takes the rest without --eval
  if (!ev.isReference) args = args.filter((a) => a !== '--eval');
  return { args, env };
}

function judge(c: Check, r: EvalResult): Verdict {
  if (r.timedOut) return { id: c.id, pass: false, why: 'timeout' };
  if (c.kind === 'other') {
    return { id: c.id, pass: r.status === 0, why: r.status === 0 ? '' : `exit ${r.status}: ${firstLine(r.stderr)}` };
  }
  if (c.kind === 'config-output') {
    if (r.status !== 0) return { id: c.id, pass: false, why: `eval failed: ${firstErrorLine(r.stderr)}` };
    const ok = outputMatches(c.expected, r.stdout);
    return { id: c.id, pass: ok, why: ok ? '' : `output ${r.stdout.trim().slice(0, 120)}` };
  }
  if (r.status === 0) return { id: c.id, pass: false, why: 'unexpected success' };
  const needHint = c.env.includes('REQUIRE_INFINITE_RECURSION_HINT=1');
  if (HINT.test(r.stderr) !== needHint) {
    return { id: c.id, pass: false, why: needHint ? 'missing infinite-recursion hint' : `unexpected infinite-recursion hint: ${firstErrorLine(r.stderr)}` };
  }
  const ok = errorMatches(c.expected, r.stderr);
  return { id: c.id, pass: ok, why: ok ? '' : `stderr did not match: ${firstErrorLine(r.stderr)}` };
}

function firstLine(s: string): string {
  return (s.trim().split('\n')[0] ?? '').slice(0, 200);
}
function firstErrorLine(s: string): string {
  const l = s.split('\n').find((x) => x.startsWith('error:'));
  return (l ?? firstLine(s)).slice(0, 200);
}

test('nixpkgs module-system conformance (lib/tests/modules.sh checks)', { timeout: 3_600_000 }, async (t) => {
  if (!fs.existsSync(path.join(CORPUS, 'checks.tsv'))) {
    t.skip(`conformance corpus not found at ${CORPUS}`);
    return;
  }
  const ev = resolveEvaluator();
  console.log(`evaluator: ${ev.name}`);
  const broken = evaluatorUnavailable(ev);
  if (broken !== null) {
    if (ev.isDefault) {
      console.log(`skipping: ${broken}; set NIX_EVAL_CMD=nix-instantiate to use the reference`);
      t.skip(broken);
      return;
    }
    assert.fail(`NIX_EVAL_CMD is set but unusable: ${broken}`);
  }
  const only = process.env.CONFORMANCE_ONLY ? new Set(process.env.CONFORMANCE_ONLY.split(',').map(Number)) : null;
  const checks = readChecks().filter((c) => only === null || only.has(c.id));
  const denominatorIds = referencePasses();
  const tmp = tempDir('nix-module-conformance-');
  try {
    const cwd = buildRoot(tmp.dir);
    const storeRoot = path.join(tmp.dir, 'store-root');
    fs.mkdirSync(storeRoot);
    const started = Date.now();
    const verdicts = await mapConcurrent(checks, CONCURRENCY, async (c) => {
      const { args, env } = argsFor(ev, c);
      const r = await runEvaluator(ev, args, { cwd, env: evaluatorEnv(ev, storeRoot, env), timeoutMs: 120_000 });
      return judge(c, r);
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const counted = verdicts.filter((v) => denominatorIds.has(v.id));
    const passed = counted.filter((v) => v.pass);
    const failing = counted.filter((v) => !v.pass);
    const extraPasses = verdicts.filter((v) => !denominatorIds.has(v.id) && v.pass).map((v) => v.id);
    console.log(`conformance: ${passed.length}/${counted.length} of the checks Nix 2.8 passes (${verdicts.filter((v) => v.pass).length}/${verdicts.length} overall) in ${seconds}s with ${ev.name}`);
    if (extraPasses.length > 0) console.log(`also passing (Nix 2.8 fails these): ${extraPasses.join(',')}`);
    if (failing.length > 0) {
      console.log(`failing ids: ${failing.map((v) => v.id).join(',')}`);
      for (const v of failing) console.log(`  #${v.id}: ${v.why}`);
    }
    if (only === null) {
      const ratio = counted.length === 0 ? 0 : passed.length / counted.length;
      assert.ok(ratio >= GATE, `conformance ${passed.length}/${counted.length} = ${(ratio * 100).toFixed(1)}% is below the ${GATE * 100}% gate`);
    } else {
      assert.ok(counted.length > 0 || verdicts.length > 0, 'CONFORMANCE_ONLY selected no checks');
    }
  } finally {
    tmp.cleanup();
  }
});
