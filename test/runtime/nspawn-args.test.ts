// The nspawn command line built from NAME.conf, and conf value parsing. Pure: no root needed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { statePaths } from '../../src/state/paths';
import { confValue, splitWords } from '../../src/runtime/conf';
import { hostNetworkCommands, nspawnCommand, PRE_INIT } from '../../src/runtime/nspawn-args';
import type { ContainerRef } from '../../src/runtime';
import { systemdRunArgv, unitName } from '../../src/runtime/systemd-unit';
import { HOST_ALTERNATIVES, alternativesStandIn, bindsHostAlternatives, containerRoot, prepareRoot } from '../../src/runtime/rootfs';

const paths = statePaths({ NIXOS_CONTAINER_ROOT: '/srv/nc root' });
const ref = (conf: Record<string, string>, toplevel = '/srv/nc root/nix/store/abc-nixos-system-web'): ContainerRef => ({
  name: 'web', paths, conf, toplevel,
});
const argvOf = (conf: Record<string, string>) => nspawnCommand(ref(conf), { noRegister: true }).argv;

describe('splitWords', () => {
  it('splits like a shell without expansions', () => {
    assert.deepEqual(splitWords(` --bind-ro="/srv/my data":/data  --bind='/a b':/b c\\ d "" ''`), [
      '--bind-ro=/srv/my data:/data', '--bind=/a b:/b', 'c d', '', '',
    ]);
    assert.deepEqual(splitWords('"say \\"hi\\" \\$x" \'$y\''), ['say "hi" $x', '$y']);
    assert.deepEqual(splitWords('   '), []);
    assert.throws(() => splitWords('"open', 'EXTRA_NSPAWN_FLAGS'), /unterminated double quote in EXTRA_NSPAWN_FLAGS/);
  });
  it('strips one pair of surrounding quotes from conf values, like systemd', () => {
    assert.equal(confValue({ A: '"eth1 eth2"' }, 'A'), 'eth1 eth2');
    assert.equal(confValue({ A: "'x'" }, 'A'), 'x');
    assert.equal(confValue({}, 'A'), '');
  });
});

describe('nspawnCommand', () => {
  it('routed veth: private network, veth, port forwards, store and profile binds, init last', () => {
    const argv = argvOf({ PRIVATE_NETWORK: '1', HOST_ADDRESS: '10.233.1.1', LOCAL_ADDRESS: '10.233.1.2', HOST_PORT: 'tcp:8080:80, 2222' });
    assert.equal(argv[0], 'systemd-nspawn');
    for (const f of ['--keep-unit', '--register=no', '--private-network', '--network-veth', '--port=tcp:8080:80', '--port=2222',
      '--notify-ready=yes', '--kill-signal=SIGRTMIN+3', '--bind-ro=/usr',
      '--bind-ro=/srv/nc root/nix/store:/srv/nc root/nix/store',
      '--bind=/srv/nc root/nix/var/nix/profiles/per-container/web:/nix/var/nix/profiles',
      '--setenv=LOCAL_ADDRESS=10.233.1.2', '--setenv=NC_VETH=1']) {
      assert.ok(argv.includes(f), `missing ${f} in ${argv.join(' ')}`);
    }
    assert.deepEqual(argv.slice(argv.indexOf('-D'), argv.indexOf('-D') + 2), ['-D', '/srv/nc root/var/lib/nixos-containers/web']);
    assert.deepEqual(argv.slice(-5), ['/bin/sh', '-c', PRE_INIT, 'container-init', '/srv/nc root/nix/store/abc-nixos-system-web/init']);
    assert.deepEqual(hostNetworkCommands(ref({ PRIVATE_NETWORK: '1', HOST_ADDRESS: '10.233.1.1', LOCAL_ADDRESS: '10.233.1.2', LOCAL_ADDRESS6: 'fc00::2' })), [
      ['ip', 'link', 'set', 'dev', 've-web', 'up'],
      ['ip', 'addr', 'add', '10.233.1.1', 'dev', 've-web'],
      ['ip', 'route', 'add', '10.233.1.2', 'dev', 've-web'],
      ['ip', '-6', 'route', 'add', 'fc00::2', 'dev', 've-web'],
    ]);
  });
  it('host network when PRIVATE_NETWORK is off: no network flags even with addresses', () => {
    const argv = argvOf({ PRIVATE_NETWORK: '0', HOST_ADDRESS: '10.233.1.1', LOCAL_ADDRESS: '10.233.1.2', HOST_PORT: '80' });
    assert.ok(!argv.some((a) => /^--(private-network|network-|port=)/.test(a)), argv.join(' '));
    assert.ok(argv.includes('--setenv=NC_VETH='));
    assert.deepEqual(hostNetworkCommands(ref({ PRIVATE_NETWORK: '0', HOST_ADDRESS: '10.233.1.1' })), []);
  });
  it('bridge: --network-bridge, no host-side addressing', () => {
    const argv = argvOf({ PRIVATE_NETWORK: '1', HOST_BRIDGE: 'br0', LOCAL_ADDRESS: '192.168.0.100/24' });
    assert.ok(argv.includes('--network-bridge=br0'));
    assert.ok(!argv.includes('--network-veth'));
    assert.deepEqual(hostNetworkCommands(ref({ PRIVATE_NETWORK: '1', HOST_BRIDGE: 'br0', LOCAL_ADDRESS: '192.168.0.100/24' })), []);
  });
  it('EXTRA_NSPAWN_FLAGS, INTERFACES and MACVLANS keep quoted words whole, before the init', () => {
    const argv = argvOf({
      EXTRA_NSPAWN_FLAGS: `" --bind-ro='/srv/my data':/data --tmpfs=/var/cache --capability=CAP_NET_ADMIN"`,
      INTERFACES: '"eth1 eth2"', MACVLANS: '"eth3"', PRIVATE_USERS: 'no',
    });
    const i = argv.indexOf('--bind-ro=/srv/my data:/data');
    assert.ok(i > 0, argv.join(' | '));
    assert.deepEqual(argv.slice(i, i + 3), ['--bind-ro=/srv/my data:/data', '--tmpfs=/var/cache', '--capability=CAP_NET_ADMIN']);
    assert.ok(i < argv.indexOf('/bin/sh'));
    for (const f of ['--network-interface=eth1', '--network-interface=eth2', '--network-macvlan=eth3']) assert.ok(argv.includes(f));
    assert.ok(!argv.some((a) => a.startsWith('--private-users')));
  });
  it('usr-layers: host /usr lowest, layers on top in order, mounted at /usr', () => {
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-layers-'));
    try {
      const l1 = path.join(store, 'l1-pkg');
      const l2 = path.join(store, 'l2-pkg');
      fs.mkdirSync(path.join(l1, 'usr/bin'), { recursive: true });
      fs.mkdirSync(path.join(l2, 'usr/bin'), { recursive: true });
      const T = path.join(store, 'T');
      fs.mkdirSync(T);
      fs.writeFileSync(path.join(T, 'usr-layers'), `${l1}\n\n${l2}\n${path.join(store, 'missing')}\n`);
      const argv = nspawnCommand(ref({}, T), { noRegister: false }).argv;
      assert.ok(argv.includes(`--overlay-ro=/usr:${l1}/usr:${l2}/usr:/usr`), argv.join(' '));
      assert.ok(!argv.includes('--bind-ro=/usr'));
      assert.ok(!argv.includes('--register=no'));
    } finally {
      fs.rmSync(store, { recursive: true, force: true });
    }
  });
});

describe("the host's /etc/alternatives", () => {
  const hostHas = fs.existsSync(HOST_ALTERNATIVES) && fs.statSync(HOST_ALTERNATIVES).isDirectory();
  it('is bound read-only where the host has it, unless the configuration manages files there', () => {
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-alts-'));
    try {
      const T = path.join(store, 'T');
      fs.mkdirSync(T);
      fs.writeFileSync(path.join(T, 'etc-targets'), 'hostname\nsystemd/system\n');
      assert.equal(bindsHostAlternatives(T), hostHas);
      assert.equal(nspawnCommand(ref({}, T), { noRegister: true }).argv.includes(`--bind-ro=${HOST_ALTERNATIVES}`), hostHas);
      fs.writeFileSync(path.join(T, 'etc-targets'), 'hostname\nalternatives/editor\n');
      assert.equal(bindsHostAlternatives(T), false);
      assert.ok(!nspawnCommand(ref({}, T), { noRegister: true }).argv.includes(`--bind-ro=${HOST_ALTERNATIVES}`));
    } finally {
      fs.rmSync(store, { recursive: true, force: true });
    }
  });
  it("a live switch from an older build's link gets a stand-in directory of the host's links", (t) => {
    if (!hostHas) return t.skip('the host has no /etc/alternatives');
    const store = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-alts-live-'));
    try {
      const T = path.join(store, 'T');
      fs.mkdirSync(T);
      fs.writeFileSync(path.join(T, 'etc-targets'), 'hostname\n');
      const root = path.join(store, 'root');
      fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
      fs.symlinkSync('/etc/static/alternatives', path.join(root, 'etc/alternatives'));
      alternativesStandIn(root, T);
      const alt = path.join(root, 'etc/alternatives');
      assert.ok(fs.lstatSync(alt).isDirectory());
      const links = fs.readdirSync(HOST_ALTERNATIVES).filter((n) => fs.lstatSync(path.join(HOST_ALTERNATIVES, n)).isSymbolicLink());
      assert.ok(links.length > 0);
      for (const n of links) assert.equal(fs.readlinkSync(path.join(alt, n)), fs.readlinkSync(path.join(HOST_ALTERNATIVES, n)));
      alternativesStandIn(root, T); // a directory already: left alone
      assert.ok(fs.lstatSync(alt).isDirectory());
    } finally {
      fs.rmSync(store, { recursive: true, force: true });
    }
  });
  it("prepareRoot turns an older build's /etc/alternatives link into the mount point", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-alts-root-'));
    try {
      const p = statePaths({ NIXOS_CONTAINER_ROOT: root });
      const etc = path.join(containerRoot(p, 'web'), 'etc');
      fs.mkdirSync(etc, { recursive: true });
      fs.symlinkSync('/etc/static/alternatives', path.join(etc, 'alternatives'));
      prepareRoot(p, 'web', { alternativesMount: true });
      assert.ok(fs.lstatSync(path.join(etc, 'alternatives')).isDirectory());
      prepareRoot(p, 'web', { alternativesMount: true }); // idempotent
      assert.ok(fs.lstatSync(path.join(etc, 'alternatives')).isDirectory());
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('systemd host back end (command line only: this machine has no systemd PID 1)', () => {
  it('a transient notify unit container@NAME.service around nspawn, registering with machined', () => {
    const argv = systemdRunArgv(ref({ PRIVATE_NETWORK: '1', HOST_ADDRESS: '10.233.1.1', LOCAL_ADDRESS: '10.233.1.2' }), 60);
    assert.equal(argv[0], 'systemd-run');
    for (const f of ['--unit=container@web.service', '--service-type=notify', 'NotifyAccess=all', 'KillMode=mixed', 'RestartForceExitStatus=133']) {
      assert.ok(argv.includes(f), `missing ${f}`);
    }
    assert.ok(argv.some((a) => /^ExecStartPost=-\S+\/ip addr add 10\.233\.1\.1 dev ve-web$/.test(a)), argv.join(' '));
    const nspawn = argv.indexOf('/usr/bin/systemd-nspawn');
    assert.ok(nspawn > argv.indexOf('--'));
    assert.ok(!argv.includes('--register=no'));
    assert.equal(unitName('web'), 'container@web.service');
  });
});
