// pkgs' trivial builders write into the store during evaluation (content-addressed), runCommand
// runs on the host without network, and `import <nixpkgs/nixos> {...}).system` is the toplevel.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { build, evaluatorProblem, hostProvider, system, tempRoot, FIXTURES, NIXPKGS } from './helpers';

const problem = evaluatorProblem();
const tmp = tempRoot();
after(() => tmp.cleanup());
const CONFIG = path.join(FIXTURES, 'builders.nix');

test('writeText, writeShellScriptBin, runCommand, symlinkJoin, writeTextDir, formats', (t) => {
  if (problem) return t.skip(problem);
  const { toplevel } = build(tmp.paths, CONFIG);
  const etc = (p: string) => path.join(toplevel, 'etc', p);
  const greeting = fs.readlinkSync(etc('greeting'));
  assert.match(path.basename(greeting), /^[0-9a-z]{32}-greeting\.txt$/);
  assert.equal(fs.readFileSync(greeting, 'utf8'), 'hi\n');
  const generated = fs.readlinkSync(etc('generated'));
  assert.equal(fs.readFileSync(path.join(generated, 'share/word'), 'utf8'), 'built\n');
  assert.equal(fs.readFileSync(path.join(generated, 'share/greeting'), 'utf8'), 'hi\n');
  assert.equal(fs.readFileSync(path.join(generated, 'share/interfaces'), 'utf8'), 'lo\n', 'runCommand has no network');
  assert.equal(fs.statSync(generated).mode & 0o222, 0, 'store paths are read-only');
  assert.equal(fs.readFileSync(etc('readme'), 'utf8'), 'read me\n');
  assert.deepEqual(JSON.parse(fs.readFileSync(etc('formats.json'), 'utf8')), { a: 1 });
  const sayHello = path.join(toplevel, 'sw', 'bin', 'say-hello');
  const r = spawnSync(sayHello, { encoding: 'utf8' });
  assert.equal(r.stdout, 'hello from builders\n');
  assert.ok(fs.existsSync(path.join(toplevel, 'sw', 'share', 'word')), 'symlinkJoin merged into sw');
});

test('the `system` attribute of <nixpkgs/nixos> is the built toplevel', (t) => {
  if (problem) return t.skip(problem);
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const nix = require('../../src/nix');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { evaluateConfig } = require('../../src/system/evaluate');
  const { ev, nixos } = evaluateConfig({ configFile: CONFIG, paths: tmp.paths, packages: hostProvider, searchPath: [`nixpkgs=${NIXPKGS}`] });
  const top = nix.forceString(null, nix.getAttr(nixos, 'system'));
  assert.equal(top, system().buildSystem({ configFile: CONFIG, paths: tmp.paths, packages: hostProvider, searchPath: [`nixpkgs=${NIXPKGS}`] }).toplevel);
  assert.ok(ev);
});
