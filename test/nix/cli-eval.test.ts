// `nixos-container eval` end to end (spawns bin/nixos-container): output formats, flags,
// autoargs, errors and exit codes, deep recursion handled by the big-stack worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repoRoot, 'bin', 'nixos-container');

function run(args: string[], input?: string, cwd?: string) {
  const r = spawnSync(process.execPath, [cli, 'eval', ...args], { encoding: 'utf8', input, cwd, timeout: 120000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('eval -E prints like nix-instantiate --eval', () => {
  assert.deepEqual(run(['-E', '1 + 2']), { code: 0, stdout: '3\n', stderr: '' });
  assert.equal(run(['--strict', '-E', '{ b = [ 1 "x" ]; a = null; }']).stdout, '{ a = null; b = [ 1 "x" ]; }\n');
  assert.equal(run(['--eval', '--strict', '--json', '-E', '{ b = [ 1 2.5 ]; a = "é"; }']).stdout, '{"a":"é","b":[1,2.5]}'); // nix-instantiate 2.8 ends JSON without a newline
  const xml = run(['--xml', '--no-location', '--strict', '-E', '{ a = 1; }']).stdout;
  assert.equal(xml, `<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <attrs>\n    <attr name="a">\n      <int value="1" />\n    </attr>\n  </attrs>\n</expr>\n`);
  assert.equal(run(['-'], '[ 1 2 ]\n').stdout, '[ 1 2 ]\n');
});

test('eval FILE with -A, --arg, --argstr and autoargs', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixcli-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'f.nix'), '{ x ? 1, y, s ? "d" }: { sum = x + y; inherit s; list = [ 10 20 ]; }');
  const f = path.join(dir, 'f.nix');
  assert.equal(run([f, '--arg', 'y', '41', '-A', 'sum']).stdout, '42\n');
  assert.equal(run([f, '--arg', 'y', '1', '--argstr', 's', 'hi', '-A', 's']).stdout, '"hi"\n');
  assert.equal(run([f, '--arg', 'y', '1', '-A', 'list.1']).stdout, '20\n');
  // quoted components stay whole, as in nix-instantiate
  assert.equal(run(['-E', '{ hosts."example.com".port = 80; }', '-A', 'hosts."example.com".port']).stdout, '80\n');
  assert.equal(run(['-E', '{ a.b = 1; }', '-A', 'a.']).stdout, '{ b = 1; }\n'); // a trailing dot adds nothing, as in Nix
  assert.match(run(['-E', '{ a.b = 1; }', '-A', 'a..b']).stderr, /empty attribute name in selection path 'a\.\.b'/);
  const unclosed = run(['-E', '{ a = 1; }', '-A', 'a"']);
  assert.equal(unclosed.code, 1);
  assert.match(unclosed.stderr, /missing closing quote in selection path 'a"'/);
  // as nix-instantiate 2.8: without automatic arguments the file's function is not called;
  // on the way along -A it is, and a missing argument is an error at its formal
  assert.deepEqual(run([f]), { code: 0, stdout: '<LAMBDA>\n', stderr: '' });
  const missing = run([f, '-A', 'sum']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot evaluate a function that has an argument without a value \('y'\)\n\n {7}Nix attempted to evaluate a function as a top level expression; in\n/);
  assert.match(missing.stderr, /at .*f\.nix:1:10:/);
  const typo = run([f, '--arg', 'y', '1', '-A', 'sun']);
  assert.equal(typo.code, 1);
  assert.equal(typo.stderr, "error: attribute 'sun' in selection path 'sun' not found\n       Did you mean one of sum or s?\n");
  assert.match(run([f, '--arg', 'y', '1', '-A', 's.0']).stderr, /selection path 's\.0' should be a list but is a string/);
  assert.equal(run(['default.nix'], undefined, dir).code, 1);
});

test('eval without --strict shows unevaluated parts as nix-instantiate 2.8 does', () => {
  assert.equal(run(['-E', 'let x = 1 + 1; in { a = x; b = [ 1 (x: x) ]; c = rec { d = 1; e = d; }; }']).stdout, '{ a = <CODE>; b = <CODE>; c = <CODE>; }\n');
  assert.equal(run(['-E', 'let x = 1 + 1; in builtins.seq x { a = x; b = [ 1 ({ }) ]; }', '-A', 'b']).stdout, '[ 1 <CODE> ]\n');
  assert.equal(run(['-E', 'rec { d = 1; e = d; f = builtins.add; }']).stdout, '{ d = 1; e = 1; f = <CODE>; }\n');
  assert.match(run(['--xml', '-E', '[ (1 + 1) ]']).stdout, /<list>\n    <unevaluated \/>\n  <\/list>/);
  assert.equal(run(['-E', 'builtins.unsafeGetAttrPos "a" { a = 1; }']).stdout, '{ column = 33; file = "builtins.unsafeGetAttrPos \\"a\\" { a = 1; }"; line = 1; }\n');
});

test('errors: message, position, exit code 1', () => {
  const r = run(['-E', 'let a = { foo = 1; }; in a.fo']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error: attribute 'fo' missing\n\n {7}at /);
  assert.match(r.stderr, /\n {7}Did you mean foo\?\n$/);
  assert.match(r.stderr, /at «string»:1:26:/);
  const p = run(['--parse', '-E', '{ a = ; }']);
  assert.equal(p.code, 1);
  assert.match(p.stderr, /syntax error/);
  assert.equal(run(['--parse', '-E', 'x: x + 1']).code, 0);
  assert.equal(run(['--bogus-flag']).code, 1);
});

test('deep recursion runs (big-stack worker) instead of crashing', () => {
  const r = run(['-E', 'let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 100000']);
  assert.equal(r.stdout, '100000\n');
  assert.equal(r.code, 0);
});

test('trace goes to stderr', () => {
  const r = run(['-E', 'builtins.trace "hello" 1']);
  assert.equal(r.stdout, '1\n');
  assert.equal(r.stderr, 'trace: hello\n');
});

test('--read-write-mode makes toFile write into the store; without it only the path is computed', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixcli-store-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const runIn = (store: string, args: string[]) => spawnSync(process.execPath, [cli, 'eval', ...args], {
    encoding: 'utf8', env: { ...process.env, NIX_STORE_DIR: store },
  });
  const expr = 'import "${builtins.toFile "drv" "{ x = 1; }"}"';
  const rw = runIn(path.join(dir, 'rw'), ['--read-write-mode', '--strict', '-E', expr]);
  assert.equal(rw.stdout, '{ x = 1; }\n', rw.stderr);
  assert.equal(fs.readdirSync(path.join(dir, 'rw')).length, 1);
  const ro = runIn(path.join(dir, 'ro'), ['-E', 'builtins.toFile "drv" "{}"']);
  assert.match(ro.stdout, new RegExp(`^"${path.join(dir, 'ro')}/[0-9a-df-np-sv-z]{32}-drv"\\n$`));
  assert.equal(fs.existsSync(path.join(dir, 'ro')), false);
});

test('the launcher starts Node with its V8 flags and malloc setting, which nothing Node starts inherits', () => {
  // Node's own command line and initial environment, as the process sees them
  const self = (launch: string[], env: NodeJS.ProcessEnv) => {
    const out = (file: string) => {
      const r = spawnSync(launch[0], [...launch.slice(1), 'eval', '--json', '-E', `builtins.readFile /proc/self/${file}`], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout) as string).split('\0');
    };
    const getEnv = spawnSync(launch[0], [...launch.slice(1), 'eval', '-E', 'builtins.getEnv "GLIBC_TUNABLES"'], { encoding: 'utf8', env });
    return { argv: out('cmdline'), environ: out('environ'), childSees: getEnv.stdout };
  };
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.GLIBC_TUNABLES;
  // through the shell part (the shebang), and as `node bin/nixos-container` (which re-runs Node)
  for (const launch of [[cli], [process.execPath, cli]]) {
    const s = self(launch, env);
    assert.ok(s.argv.includes('--max-semi-space-size=2') && s.argv.includes('--stack-size=6000'), s.argv.join(' '));
    assert.ok(s.environ.includes('GLIBC_TUNABLES=glibc.malloc.arena_max=1'), launch.join(' '));
    assert.equal(s.childSees, '""\n'); // removed from process.env: children (nspawn, containers) never get it
    // a caller's own GLIBC_TUNABLES is left as it is, and passed on
    const own = self(launch, { ...env, GLIBC_TUNABLES: 'glibc.malloc.check=0' });
    assert.ok(own.environ.includes('GLIBC_TUNABLES=glibc.malloc.check=0'));
    assert.equal(own.childSees, '"glibc.malloc.check=0"\n');
  }
});
