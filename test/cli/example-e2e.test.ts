// The README's main job as a test, on real systemd-nspawn with a real build: a container made
// from examples/webserver.nix (nginx, a custom service, a user, an /etc file), then updated to
// add a package the host lacks (`hello`, fetched from the Debian archive into the store and
// layered over /usr in the container, while the host's dpkg still says it is not installed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox, containerForTests, exists } from './helpers';
import { localGet } from '../local-http';

const REPO = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(REPO, 'examples', 'webserver.nix');
const PACKAGE = 'hello';

function hostHas(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (systemd-nspawn, veth links)';
  if (spawnSync('systemd-nspawn', ['--version']).status !== 0) return 'systemd-nspawn is not installed';
  if (hostHas(PACKAGE)) return `the host has '${PACKAGE}' installed, so it cannot stand for a package the host lacks`;
  return undefined;
}
const skip = skipReason();
if (skip) process.stdout.write(`# skipping the example end-to-end test: ${skip}\n`);

const sb = new Sandbox();
const { name: NAME, n: N } = containerForTests(sb, 'ex');
const LOCAL = `10.233.${N}.2`;

describe('the example web server, with a package the host lacks', { skip }, () => {
  it('create builds the configuration (downloading what the host lacks)', () => {
    const r = sb.run(['create', NAME, '--config-file', EXAMPLE, '--host-address', `10.233.${N}.1`, '--local-address', LOCAL]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(exists(path.join(sb.containerRoot(NAME), 'etc', 'nixos', 'configuration.nix')));
  });

  it('start boots it; nginx serves the page on the container address', async () => {
    const r = sb.run(['start', NAME]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sb.run(['status', NAME]).stdout, 'up\n');
    const page = await localGet(LOCAL, 80, `ve-${NAME}`, '/', 10_000);
    assert.equal(page.status, 200);
    assert.match(page.body, /Hello from a NixOS-style container/);
    assert.match(page.body, new RegExp(`Hello from ${NAME}`));
  });

  it('the custom service, the user and the /etc file are there', () => {
    const motd = sb.run(['run', NAME, '--', 'cat', '/etc/motd']);
    assert.equal(motd.status, 0, motd.stderr);
    assert.equal(motd.stdout, 'Welcome to the example web server.\n');
    const user = sb.run(['run', NAME, '--', 'id', '-un', 'webmaster']);
    assert.equal(user.stdout, 'webmaster\n', user.stderr);
    const svc = sb.run(['run', NAME, '--', 'systemctl', 'show', '-p', 'Result', 'status-writer.service']);
    assert.equal(svc.stdout, 'Result=success\n', svc.stderr);
    // The host's /usr comes with the host's update-alternatives links (bound read-only).
    if (fs.existsSync('/etc/alternatives/awk')) {
      const awk = sb.run(['run', NAME, '--', 'readlink', '/etc/alternatives/awk']);
      assert.equal(awk.stdout, `${fs.readlinkSync('/etc/alternatives/awk')}\n`, awk.stderr);
      assert.equal(sb.run(['run', NAME, '--', 'awk', 'BEGIN { print 6 * 7 }']).stdout, '42\n');
    }
  });

  it(`update adding '${PACKAGE}' (which the host lacks) restarts it with the new /usr layer`, async () => {
    const config = sb.p('config.nix');
    fs.writeFileSync(config, `{ pkgs, ... }: {\n  imports = [ ${JSON.stringify(EXAMPLE)} ];\n  environment.systemPackages = [ pkgs.${PACKAGE} ];\n}\n`);
    const u = sb.run(['update', NAME, '--config-file', config]);
    assert.equal(u.status, 0, u.stderr);
    assert.match(u.stderr, /reloading container\.\.\./);
    assert.match(u.stderr, /packages layered over \/usr changed: container ‘[^’]+’ was restarted/);
    assert.equal(sb.run(['status', NAME]).stdout, 'up\n');
    const page = await localGet(LOCAL, 80, `ve-${NAME}`, '/', 10_000);
    assert.equal(page.status, 200);
  });

  it(`'${PACKAGE}' runs inside the container while the host still lacks it`, () => {
    const r = sb.run(['run', NAME, '--', PACKAGE]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'Hello, world!\n');
    assert.equal(hostHas(PACKAGE), false, `dpkg on the host must still say '${PACKAGE}' is not installed`);
  });

  it('destroy removes it and leaves no link behind', () => {
    const r = sb.run(['destroy', NAME]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(exists(sb.conf(NAME)), false);
    assert.equal(exists(sb.containerRoot(NAME)), false);
    assert.equal(spawnSync('ip', ['link', 'show', `ve-${NAME}`], { stdio: 'ignore' }).status === 0, false);
  });
});
