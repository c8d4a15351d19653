// destroy: removes CONF, ROOT, PROFILE and GCROOTS, never what bind mounts expose, and
// refuses declarative containers. Also status/start --all over stopped containers.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox, exists } from './helpers';
import { safeRemoveTree } from '../../src/state/remove';

const sb = new Sandbox();
after(() => sb.cleanup());

/** A container's state as create + a first start would leave it, written by hand. */
function fakeContainer(name: string, confText = 'PRIVATE_NETWORK=1\nHOST_ADDRESS=10.233.9.1\nLOCAL_ADDRESS=10.233.9.2\n'): void {
  sb.writeConf(name, confText);
  const root = sb.containerRoot(name);
  fs.mkdirSync(path.join(root, 'etc', 'nixos'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc', 'nixos', 'configuration.nix'), '{ ... }: { }\n');
  fs.mkdirSync(path.join(root, 'var', 'lib', 'private'), { recursive: true });
  fs.symlinkSync('/etc/passwd', path.join(root, 'etc', 'link-to-host'));
  fs.mkdirSync(sb.profile(name), { recursive: true });
  const top = sb.fakeToplevel(name);
  fs.symlinkSync(top, path.join(sb.profile(name), 'system-1-link'));
  fs.symlinkSync('system-1-link', path.join(sb.profile(name), 'system'));
  fs.mkdirSync(sb.gcroots(name), { recursive: true });
}

function canBindMount(): boolean {
  const a = sb.p('probe-a');
  const b = sb.p('probe-b');
  fs.mkdirSync(a, { recursive: true });
  fs.mkdirSync(b, { recursive: true });
  const ok = spawnSync('mount', ['--bind', a, b]).status === 0;
  if (ok) spawnSync('umount', [b]);
  fs.rmSync(a, { recursive: true });
  fs.rmSync(b, { recursive: true });
  return ok;
}

describe('destroy', () => {
  it('removes conf, root, profile and gcroots, and not what symlinks point to', () => {
    fakeContainer('gone1');
    const r = sb.run(['destroy', 'gone1']);
    assert.deepEqual(r, { status: 0, stdout: '', stderr: '' });
    for (const p of [sb.conf('gone1'), sb.containerRoot('gone1'), sb.profile('gone1'), sb.gcroots('gone1')]) {
      assert.equal(exists(p), false, p);
    }
    assert.ok(exists('/etc/passwd'));
    assert.ok(exists(sb.fakeToplevel('gone1')), 'the toplevel the profile pointed to is the store\'s, not removed');
    assert.equal(sb.run(['status', 'gone1']).stdout, 'gone\n');
    assert.deepEqual(sb.run(['destroy', 'gone1']), { status: 0, stdout: '', stderr: '' });
  });
  for (const [label, setup] of [
    ['DECLARATIVE=1', () => sb.writeConf('decl', 'DECLARATIVE=1\nSYSTEM_PATH=/x\n')],
    ['a read-only conf', () => sb.writeConf('decl', 'SYSTEM_PATH=/x\n', 0o444)],
    ['a conf symlinked into a store', () => {
      const target = sb.p('store-conf');
      fs.writeFileSync(target, 'SYSTEM_PATH=/x\n');
      fs.mkdirSync(sb.confDir(), { recursive: true });
      fs.symlinkSync(target, sb.conf('decl'));
    }],
  ] as [string, () => void][]) {
    it(`refuses a declarative container (${label})`, () => {
      setup();
      fs.mkdirSync(sb.containerRoot('decl'), { recursive: true });
      const r = sb.run(['destroy', 'decl']);
      assert.equal(r.status, 1);
      assert.equal(r.stderr, 'nixos-container: cannot destroy declarative container (remove it from your configuration.nix instead)\n');
      assert.ok(exists(sb.conf('decl')));
      assert.ok(exists(sb.containerRoot('decl')));
      const u = sb.run(['update', 'decl']);
      assert.equal(u.status, 1);
      assert.match(u.stderr, /cannot update declarative container ‘decl’/);
      fs.unlinkSync(sb.conf('decl'));
      fs.rmdirSync(sb.containerRoot('decl'));
    });
  }
  it('keeps data bind-mounted inside the root, and removes a root that is itself a bind mount', (t) => {
    if (!canBindMount()) return t.skip('mount --bind is not permitted here');
    const data = sb.p('important-data');
    fs.mkdirSync(data, { recursive: true });
    fs.writeFileSync(path.join(data, 'precious'), 'keep me');
    // nested bind mount of host data
    fakeContainer('bm1');
    const mnt = path.join(sb.containerRoot('bm1'), 'very', 'important', 'data');
    fs.mkdirSync(mnt, { recursive: true });
    assert.equal(spawnSync('mount', ['--bind', data, mnt]).status, 0);
    // a root that is a bind mount of a moved root, with the same nested data mount
    fakeContainer('bm2');
    const moved = sb.p('moved-root');
    fs.renameSync(sb.containerRoot('bm2'), moved);
    fs.mkdirSync(sb.containerRoot('bm2'));
    assert.equal(spawnSync('mount', ['--bind', moved, sb.containerRoot('bm2')]).status, 0);
    const mnt2 = path.join(sb.containerRoot('bm2'), 'very', 'important', 'data');
    fs.mkdirSync(mnt2, { recursive: true });
    assert.equal(spawnSync('mount', ['--bind', data, mnt2]).status, 0);

    assert.deepEqual(sb.run(['destroy', 'bm1']), { status: 0, stdout: '', stderr: '' });
    assert.deepEqual(sb.run(['destroy', 'bm2']), { status: 0, stdout: '', stderr: '' });
    assert.equal(fs.readFileSync(path.join(data, 'precious'), 'utf8'), 'keep me');
    assert.equal(exists(sb.containerRoot('bm1')), false);
    assert.equal(exists(sb.containerRoot('bm2')), false);
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    assert.doesNotMatch(mounts, new RegExp(sb.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '/var'));
  });
});

describe('safeRemoveTree', () => {
  it('removes files, symlinks and nested directories without following links', () => {
    const top = sb.p('tree');
    fs.mkdirSync(path.join(top, 'a', 'b', 'c'), { recursive: true });
    fs.writeFileSync(path.join(top, 'a', 'b', 'c', 'f'), 'x');
    const outside = sb.p('outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'keep'), 'k');
    fs.symlinkSync(outside, path.join(top, 'a', 'dirlink'));
    safeRemoveTree(top);
    assert.equal(exists(top), false);
    assert.equal(fs.readFileSync(path.join(outside, 'keep'), 'utf8'), 'k');
    safeRemoveTree(top); // absent: no-op
  });
});

describe('status and start --all on stopped containers', () => {
  it('status prints down', () => {
    fakeContainer('st1');
    assert.deepEqual(sb.run(['status', 'st1']), { status: 0, stdout: 'down\n', stderr: '' });
    assert.deepEqual(JSON.parse(sb.run(['status', 'st1', '--json']).stdout), { name: 'st1', status: 'down' });
    const list = JSON.parse(sb.run(['list', '--json']).stdout) as { name: string; status: string; localAddress: string }[];
    const me = list.find((c) => c.name === 'st1');
    assert.equal(me?.status, 'down');
    assert.equal(me?.localAddress, '10.233.9.2');
    sb.run(['destroy', 'st1']);
  });
  it('run/root-login/terminate need a running container', () => {
    fakeContainer('st2');
    for (const verb of ['run', 'root-login', 'terminate']) {
      const r = sb.run([verb, 'st2', '--', 'true']);
      assert.equal(r.status, 1, verb);
      assert.equal(r.stderr, "unable to get container's main PID\n");
    }
    sb.run(['destroy', 'st2']);
  });
  it('start --all with no AUTO_START=1 container does nothing', () => {
    fakeContainer('st3', 'PRIVATE_NETWORK=1\nAUTO_START=0\n');
    assert.deepEqual(sb.run(['start', '--all']), { status: 0, stdout: '', stderr: '' });
    assert.equal(sb.run(['status', 'st3']).stdout, 'down\n');
    sb.run(['destroy', 'st3']);
  });
  it('start --all reports an AUTO_START=1 container it cannot start', () => {
    sb.writeConf('st4', 'PRIVATE_NETWORK=1\nAUTO_START=1\n');
    const r = sb.run(['start', '--all']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /container ‘st4’ has no system to boot/);
    assert.match(r.stderr, /nixos-container: failed to start container ‘st4’\n$/);
    sb.run(['destroy', 'st4']);
  });
});
