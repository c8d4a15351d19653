// Every fixture configuration (and the README example) builds, and the manifest our evaluator
// produces equals the one real Nix (nix-instantiate 2.8) produces from the same modules,
// store paths aside.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { build, evaluatorProblem, hostProvider, system, tempRoot, FIXTURES, NIXPKGS, REPO } from './helpers';

const problem = evaluatorProblem();
const tmp = tempRoot();
after(() => tmp.cleanup());

const CONFIGS = [
  path.join(FIXTURES, 'minimal.nix'),
  path.join(FIXTURES, 'builders.nix'),
  path.join(FIXTURES, 'misc-options.nix'),
  path.join(FIXTURES, 'plain-attrset.nix'),
  path.join(FIXTURES, 'timers-and-targets.nix'),
  path.join(FIXTURES, 'multi-module', 'configuration.nix'),
  path.join(REPO, 'examples', 'webserver.nix'),
  path.join(REPO, 'bench', 'fixtures', 'typical.nix'),
];

/** Store paths differ between the two (other store, stand-in builders): compare their names. */
function normalize(x: unknown): unknown {
  // Trigger hashes cover store paths too.
  return JSON.parse(
    JSON.stringify(x)
      .replace(/(\/[^\s"'=:]*)?\/[0-9a-df-np-sv-z]{32}-/g, '<store>/')
      .replace(/(X-(Restart|Reload)-Triggers=)[0-9a-f]{64}/g, '$1<hash>'),
  );
}

for (const file of CONFIGS) {
  const rel = path.relative(REPO, file);
  test(`${rel} builds`, (t) => {
    if (problem) return t.skip(problem);
    const r = build(tmp.paths, file);
    assert.ok(fs.existsSync(path.join(r.toplevel, 'activate')));
    assert.ok(fs.readFileSync(path.join(r.toplevel, 'etc', 'passwd'), 'utf8').startsWith('root:x:0:0:'));
  });

  test(`${rel}: same manifest as nix-instantiate`, (t) => {
    if (problem) return t.skip(problem);
    const nix = spawnSync(
      'nix-instantiate',
      ['--eval', '--strict', '--json', '-I', `nixpkgs=${NIXPKGS}`, '-E', `(import <nixpkgs/nixos> { configuration = ${file}; }).config.system.build.manifest`],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    if (nix.error) return t.skip('nix-instantiate (Debian nix-bin) is not installed');
    assert.equal(nix.status, 0, nix.stderr);
    const ours = system().evaluateManifest({ configFile: file, paths: tmp.paths, packages: hostProvider, searchPath: [`nixpkgs=${NIXPKGS}`] }).manifest;
    assert.deepEqual(normalize(ours), normalize(JSON.parse(nix.stdout)));
  });
}
