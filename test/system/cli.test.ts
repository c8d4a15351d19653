// The `build` and `option` verbs, through the real command (bin/nixos-container), with
// NIXOS_CONTAINER_ROOT in a temporary directory.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { evaluatorProblem, tempRoot, FIXTURES, REPO } from './helpers';

const problem = evaluatorProblem();
const tmp = tempRoot();
after(() => tmp.cleanup());
const BIN = path.join(REPO, 'bin', 'nixos-container');

function run(args: string[]) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, NIXOS_CONTAINER_ROOT: tmp.root } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Package-free configurations, so that no test downloads from the archive.
const NO_PKGS = path.join(FIXTURES, 'plain-attrset.nix');

test('build --config-file prints the toplevel path; building again gives the same', (t) => {
  if (problem) return t.skip(problem);
  const r = run(['build', '--config-file', NO_PKGS]);
  assert.equal(r.status, 0, r.stderr);
  const top = r.stdout.trim();
  assert.match(top, new RegExp(`^${tmp.paths.storeDir}/[0-9a-z]{32}-nixos-system-plain-`));
  assert.ok(fs.existsSync(path.join(top, 'init')));
  assert.equal(run(['build', '--config-file', NO_PKGS]).stdout.trim(), top);
});

test('build NAME uses ROOT/etc/nixos/configuration.nix; --config wraps attributes', (t) => {
  if (problem) return t.skip(problem);
  const dir = path.join(tmp.paths.containersDir, 'demo', 'etc', 'nixos');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'configuration.nix'), '{ ... }: { networking.hostName = "demo"; networking.firewall.enable = false; }\n');
  const r = run(['build', 'demo']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), /-nixos-system-demo-/);
  const c = run(['build', '--config', 'networking.domain = "inline.test"; networking.firewall.enable = false;', '--json']);
  assert.equal(c.status, 0, c.stderr);
  const j = JSON.parse(c.stdout);
  assert.match(j.toplevel, /-nixos-system-container-/);
  assert.match(fs.readFileSync(path.join(j.toplevel, 'etc', 'hosts'), 'utf8'), /container\.inline\.test/);
  assert.deepEqual(j.warnings, []);
  const missing = run(['build', 'nosuch']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /container 'nosuch' does not exist/);
});

test('build of a bad configuration fails with the Nix error and status 1', (t) => {
  if (problem) return t.skip(problem);
  const r = run(['build', '--config-file', path.join(FIXTURES, 'bad', 'unknown-option.nix')]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error: The option `services\.nginx\.enabel' does not exist\./);
});

test('option shows value, default, type, description, declarations and definitions', (t) => {
  if (problem) return t.skip(problem);
  const r = run(['option', '--config-file', NO_PKGS, 'networking.hostName']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Value:\n"plain"\n\nDefault:\n"nixos"\n\nType:\n"string matching the pattern/);
  assert.match(r.stdout, /Description:\nThe name of the machine\./);
  assert.match(r.stdout, /Declared by:\n {2}".*nixpkgs\/nixos\/modules\/config\/networking\.nix"/);
  assert.match(r.stdout, /Defined by:\n(.*\n)*? {2}".*plain-attrset\.nix"/);
  const j = run(['option', '--config-file', NO_PKGS, 'services.resolved.enable', '--json']);
  assert.equal(j.status, 0, j.stderr);
  const info = JSON.parse(j.stdout);
  assert.equal(info.valueJSON, true);
  assert.equal(info.type, 'boolean');
  assert.equal(info.default, 'false');
  const set = run(['option', '--config-file', NO_PKGS, 'services.openssh.settings']);
  assert.equal(set.status, 0, set.stderr);
  const sub = run(['option', '--config-file', NO_PKGS, 'services']);
  assert.match(sub.stdout, /^This attribute set contains:\n(.*\n)*nginx\n/);
  const bad = run(['option', '--config-file', NO_PKGS, 'services.nope.enable']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^error: the option `services\.nope\.enable' does not exist\./);
});
