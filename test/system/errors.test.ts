// Bad configurations fail with the messages NixOS gives, and nothing lands in the store.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { build, evaluatorProblem, system, tempRoot, FIXTURES } from './helpers';

const problem = evaluatorProblem();
const tmp = tempRoot();
after(() => tmp.cleanup());
const bad = (f: string) => path.join(FIXTURES, 'bad', f);

function failure(file: string): string {
  try {
    build(tmp.paths, file);
  } catch (e) {
    assert.ok(e instanceof system().BuildError, `a BuildError, got ${(e as Error).constructor.name}: ${(e as Error).message}`);
    return (e as Error).message;
  }
  assert.fail(`${file} built`);
}

function noToplevel(): void {
  const entries = fs.existsSync(tmp.paths.storeDir) ? fs.readdirSync(tmp.paths.storeDir) : [];
  assert.deepEqual(entries.filter((e) => e.includes('nixos-system') || e.startsWith('.tmp')), []);
}

test('syntax error: file, line and column', (t) => {
  if (problem) return t.skip(problem);
  const msg = failure(bad('syntax-error.nix'));
  assert.match(msg, /^error: syntax error/);
  assert.match(msg, new RegExp(`at ${bad('syntax-error.nix').replace(/[.]/g, '\\.')}:3:\\d+`));
  noToplevel();
});

test('unknown option names the option and the file', (t) => {
  if (problem) return t.skip(problem);
  const msg = failure(bad('unknown-option.nix'));
  assert.match(msg, /The option `services\.nginx\.enabel' does not exist\./);
  assert.match(msg, /unknown-option\.nix/);
  noToplevel();
});

test('wrong type names the option, the value and the type', (t) => {
  if (problem) return t.skip(problem);
  const msg = failure(bad('wrong-type.nix'));
  assert.match(msg, /networking\.firewall\.allowedTCPPorts/);
  assert.match(msg, /is not of type `16 bit unsigned integer/);
  noToplevel();
});

test('conflicting definitions list both files', (t) => {
  if (problem) return t.skip(problem);
  const msg = failure(bad('conflict.nix'));
  assert.match(msg, /The option `networking\.hostName' has conflicting definition values:/);
  assert.match(msg, /conflict-part\.nix': "two"/);
  assert.match(msg, /conflict\.nix': "one"/);
  noToplevel();
});

test('failed assertions stop the build with NixOS wording', (t) => {
  if (problem) return t.skip(problem);
  const msg = failure(bad('failed-assertion.nix'));
  assert.match(msg, /Failed assertions:\n\s*- Exactly one of users\.users\.eve\.isSystemUser and users\.users\.eve\.isNormalUser must be set\./);
  const msg2 = failure(bad('user-without-kind.nix'));
  assert.match(msg2, /- users\.users\.frank\.group is unset\./);
  noToplevel();
});

test('a missing configuration file is reported', (t) => {
  if (problem) return t.skip(problem);
  const msg = failure(path.join(tmp.root, 'nope.nix'));
  assert.match(msg, /^error: configuration file '.*nope\.nix' does not exist/);
});
