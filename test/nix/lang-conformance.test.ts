// Runs the upstream Nix language test-suite (../shared/nix-lang-tests) against our
// evaluator with the protocol described in its README:
//  - eval-okay tests listed in nix-2.8-passing.txt: stdout must match X.exp / X.exp.xml
//  - parse-okay: must parse; parse-fail / eval-fail: must fail cleanly (exit 1, no crash)
// Tests run in-process (fast); one that overflows the JS stack is re-run through the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { evalInProcess } from '../../src/cli/eval';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const origSuiteDir = path.resolve(repoRoot, '..', 'shared', 'nix-lang-tests');
const os = require('os') as typeof import('os');

// Work on a private copy: the shared copy may have lost the symlinks the readDir /
// symlink tests rely on (they then are small files holding the link target).
const LINKS = ['lang/readDir/ldir', 'lang/readDir/linked', 'lang/symlink-resolution/broken', 'lang/symlink-resolution/foo/overlays'];
function makeCopy(): string {
  if (!fs.existsSync(origSuiteDir)) return origSuiteDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nix-lang-tests-'));
  fs.cpSync(origSuiteDir, dir, { recursive: true, verbatimSymlinks: true });
  const chmodAll = (p: string) => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return;
    fs.chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) chmodAll(path.join(p, e));
  };
  chmodAll(dir);
  for (const l of LINKS) {
    const p = path.join(dir, l);
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st && st.isFile() && st.size < 200) {
      const target = fs.readFileSync(p, 'utf8').trim();
      fs.rmSync(p);
      fs.symlinkSync(target, p);
    }
  }
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const suiteDir = makeCopy();
const langDir = path.join(suiteDir, 'lang');
const cli = path.join(repoRoot, 'bin', 'nixos-container');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  crashed: string | null;
}

function run(args: string[]): Result {
  let stdout = '';
  let stderr = '';
  let code: number | 'overflow';
  try {
    code = evalInProcess(args, { out: (s) => (stdout += s), err: (s) => (stderr += s) });
  } catch (e) {
    return { code: 1, stdout, stderr, crashed: String((e as Error)?.stack ?? e) };
  }
  if (code === 'overflow') {
    const r = spawnSync(process.execPath, [cli, 'eval', ...args], { cwd: suiteDir, encoding: 'latin1', timeout: 60000, env: process.env });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr, crashed: r.status === null ? 'killed/timeout' : null };
  }
  return { code, stdout, stderr, crashed: null };
}

function readFlags(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  const text = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join(' ');
  return text.split(/\s+/).filter(Boolean);
}

const names = fs.existsSync(langDir) ? fs.readdirSync(langDir).filter((f) => f.endsWith('.nix')).map((f) => f.slice(0, -4)).sort() : [];

function setup(): void {
  process.chdir(suiteDir);
  process.env.NIX_PATH = 'lang/dir3:lang/dir4';
  process.env.HOME = '/fake-home';
  process.env.TEST_VAR = 'foo';
  process.env.NIX_STORE_DIR = '/nix/store';
  delete process.env.NIX_REMOTE;
}

test('nix language conformance: eval-okay (Nix 2.8 passing set)', (t) => {
  if (!fs.existsSync(langDir)) return t.skip(`conformance suite not found at ${suiteDir}`);
  setup();
  const passing = fs.readFileSync(path.join(suiteDir, 'nix-2.8-passing.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
  const failed: string[] = [];
  let ok = 0;
  for (const name of passing) {
    const base = path.join(langDir, name);
    let args: string[];
    let expFile: string;
    if (fs.existsSync(base + '.exp.xml')) {
      args = ['--eval', '--xml', '--no-location', '--strict', `lang/${name}.nix`];
      expFile = base + '.exp.xml';
    } else {
      const flags = readFlags(base + '.flags');
      args = [...flags, '--eval', '--strict', `lang/${name}.nix`];
      expFile = base + '.exp';
    }
    const r = run(args);
    const stdout = r.stdout.split(suiteDir).join('/pwd');
    const exp = fs.readFileSync(expFile, 'latin1');
    if (r.code === 0 && stdout === exp && !r.crashed) ok++;
    else failed.push(`${name}: exit ${r.code}${r.crashed ? ' CRASH ' + r.crashed.split('\n')[0] : ''} ${r.code === 0 ? 'stdout differs' : r.stderr.split('\n')[0]}`);
  }
  console.log(`eval-okay (nix-2.8-passing): ${ok}/${passing.length} pass`);
  for (const f of failed) console.log('  FAIL ' + f);
  assert.ok(ok / passing.length >= 0.97, `only ${ok}/${passing.length} eval-okay tests pass`);
});

test('nix language conformance: newer eval-okay tests (informational)', (t) => {
  if (!fs.existsSync(langDir)) return t.skip(`conformance suite not found at ${suiteDir}`);
  setup();
  const passing = new Set(fs.readFileSync(path.join(suiteDir, 'nix-2.8-passing.txt'), 'utf8').split('\n').map((s) => s.trim()));
  let ok = 0;
  let total = 0;
  const failed: string[] = [];
  for (const name of names.filter((n) => n.startsWith('eval-okay-') && !passing.has(n))) {
    const base = path.join(langDir, name);
    if (fs.existsSync(base + '.exp-disabled')) continue;
    const xml = fs.existsSync(base + '.exp.xml');
    const expFile = xml ? base + '.exp.xml' : base + '.exp';
    if (!fs.existsSync(expFile)) continue;
    total++;
    const args = xml ? ['--eval', '--xml', '--no-location', '--strict', `lang/${name}.nix`] : [...readFlags(base + '.flags'), '--eval', '--strict', `lang/${name}.nix`];
    const r = run(args);
    const stdout = r.stdout.split(suiteDir).join('/pwd');
    if (r.code === 0 && stdout === fs.readFileSync(expFile, 'latin1')) ok++;
    else failed.push(name);
  }
  console.log(`eval-okay (not passing in Nix 2.8): ${ok}/${total} pass; failing: ${failed.join(' ')}`);
  assert.ok(total > 0);
});

test('nix language conformance: parse-okay tests parse', (t) => {
  if (!fs.existsSync(langDir)) return t.skip(`conformance suite not found at ${suiteDir}`);
  setup();
  const list = names.filter((n) => n.startsWith('parse-okay-'));
  const failed: string[] = [];
  for (const name of list) {
    const r = run(['--parse', `lang/${name}.nix`]);
    if (r.code !== 0 || r.crashed) failed.push(`${name}: ${r.crashed ?? r.stderr.split('\n')[0]}`);
  }
  console.log(`parse-okay: ${list.length - failed.length}/${list.length} parse`);
  for (const f of failed) console.log('  FAIL ' + f);
  assert.equal(failed.length, 0);
});

test('nix language conformance: parse-fail tests are rejected', (t) => {
  if (!fs.existsSync(langDir)) return t.skip(`conformance suite not found at ${suiteDir}`);
  setup();
  const list = names.filter((n) => n.startsWith('parse-fail-'));
  const failed: string[] = [];
  for (const name of list) {
    const r = run(['--parse', `lang/${name}.nix`]);
    if (r.code !== 1 || r.crashed || !r.stderr.startsWith('error: ')) failed.push(`${name}: exit ${r.code} ${r.crashed ?? ''}`);
  }
  console.log(`parse-fail: ${list.length - failed.length}/${list.length} rejected`);
  for (const f of failed) console.log('  FAIL ' + f);
  assert.equal(failed.length, 0);
});

test('nix language conformance: eval-fail tests fail cleanly', (t) => {
  if (!fs.existsSync(langDir)) return t.skip(`conformance suite not found at ${suiteDir}`);
  setup();
  const list = names.filter((n) => n.startsWith('eval-fail-'));
  const failed: string[] = [];
  for (const name of list) {
    const flagsFile = path.join(langDir, name + '.flags');
    const flags = fs.existsSync(flagsFile) ? readFlags(flagsFile) : ['--eval', '--strict', '--show-trace'];
    const r = run([...flags, `lang/${name}.nix`]);
    if (r.code !== 1 || r.crashed || !r.stderr.includes('error: ')) failed.push(`${name}: exit ${r.code} ${r.crashed ? 'CRASH ' + r.crashed.split('\n')[0] : ''}`);
  }
  console.log(`eval-fail: ${list.length - failed.length}/${list.length} fail as required`);
  for (const f of failed) console.log('  FAIL ' + f);
  assert.equal(failed.length, 0);
});
