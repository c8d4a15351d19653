// The README's first command is `sudo bash scripts/demo.sh`: this runs that script as it is
// (create the example, start it, fetch its page, run a command in it, destroy it), in a
// temporary state root, with its set-up steps skipped (the suite runs on a host that is set
// up and built already). It caught the script asking for a unit the example does not have.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { BIN, Sandbox } from './helpers';

const REPO = path.resolve(__dirname, '..', '..', '..');

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (systemd-nspawn, veth links)';
  if (spawnSync('systemd-nspawn', ['--version']).status !== 0) return 'systemd-nspawn is not installed';
  if (spawnSync('curl', ['--version']).status !== 0) return 'curl is not installed';
  return undefined;
}
const skip = skipReason();
if (skip) process.stdout.write(`# skipping the demo script test: ${skip}\n`);

const sb = new Sandbox();
after(() => {
  spawnSync(BIN, ['destroy', 'demo'], { env: sb.env });
  spawnSync('ip', ['link', 'del', 've-demo'], { stdio: 'ignore' });
  sb.cleanup();
});

describe("the README's main job (scripts/demo.sh)", { skip }, () => {
  it('creates, starts, serves, runs and destroys the example container', () => {
    const r = spawnSync('bash', [path.join(REPO, 'scripts', 'demo.sh')], {
      cwd: REPO, env: { ...sb.env, NC_DEMO_NO_SETUP: '1' }, encoding: 'utf8', timeout: 300_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /<h1>Hello from a NixOS-style container<\/h1>/);
    assert.match(r.stdout, /^\+ nixos-container run demo -- systemctl is-active nginx\.service\nactive$/m);
    assert.match(r.stdout, /^Welcome to the example web server\.$/m);
    assert.match(r.stdout, /^demo: ok$/m);
    // destroyed: nothing of it is left in the state root
    assert.equal(spawnSync(BIN, ['status', 'demo'], { env: sb.env, encoding: 'utf8' }).stdout, 'gone\n');
  });
});
