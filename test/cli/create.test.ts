// create: NAME.conf content, address allocation, unique names, cleanup on failure, and the
// read-only verbs over what create wrote (list, show-ip, show-host-key).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox, exists } from './helpers';
import { nixPathExpr, renderConfiguration } from '../../src/cli/nixos-config';

const sb = new Sandbox();
after(() => sb.cleanup());

function leftovers(name: string): string[] {
  return [sb.conf(name), sb.containerRoot(name), sb.profile(name), sb.gcroots(name)].filter(exists);
}

describe('create: failure leaves nothing behind', () => {
  it('a configuration that does not build', () => {
    const r = sb.run(['create', 'b0rk', '--config', 'this is not nix ((']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^host IP is 10\.233\.1\.1, container IP is 10\.233\.1\.2\n/);
    assert.match(r.stderr, /nixos-container: failed to build initial container configuration\n$/);
    assert.deepEqual(leftovers('b0rk'), []);
  });
  it('a --config-file that does not exist is an error, not an empty import', () => {
    const r = sb.run(['create', 'nofile', '--config-file', sb.p('missing.nix')]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `nixos-container: cannot read config file ‘${sb.p('missing.nix')}’: No such file or directory\n`);
    assert.deepEqual(leftovers('nofile'), []);
  });
  it('a leftover root without a conf is not reused (nor deleted)', () => {
    fs.mkdirSync(path.join(sb.containerRoot('stale'), 'data'), { recursive: true });
    const r = sb.run(['create', 'stale', '--system-path', sb.fakeToplevel()]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /container root ‘.*\/stale’ already exists without stale\.conf/);
    assert.ok(exists(path.join(sb.containerRoot('stale'), 'data')));
    assert.equal(exists(sb.conf('stale')), false);
    fs.rmSync(sb.containerRoot('stale'), { recursive: true });
  });
});

describe('create --system-path: conf, addresses, names', () => {
  const top = sb.fakeToplevel();
  const created: string[] = [];
  const create = (...args: string[]) => {
    const r = sb.run(['create', ...args, '--system-path', top]);
    if (r.status === 0) created.push(args[0]);
    return r;
  };
  after(() => { for (const n of created) sb.run(['destroy', n]); });

  it('writes NAME.conf in upstream format and sets the profile', () => {
    const r = create('foo');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'host IP is 10.233.1.1, container IP is 10.233.1.2\n');
    assert.equal(fs.readFileSync(sb.conf('foo'), 'utf8'),
      'PRIVATE_NETWORK=1\nHOST_ADDRESS=10.233.1.1\nLOCAL_ADDRESS=10.233.1.2\nHOST_BRIDGE=\nHOST_PORT=\nAUTO_START=0\n');
    assert.equal(fs.statSync(sb.conf('foo')).mode & 0o777, 0o644);
    assert.equal(fs.statSync(sb.p('var', 'lib', 'nixos-containers')).mode & 0o777, 0o700);
    assert.ok(exists(sb.profile('foo')));
    assert.equal(fs.realpathSync(path.join(sb.profile('foo'), 'system')), fs.realpathSync(top));
  });
  it('writes --bridge, --port, --auto-start and explicit addresses', () => {
    const r = create('bar', '--bridge', 'br0', '--port', 'tcp:8080:80', '--auto-start',
      '--host-address', '192.168.7.1', '--local-address', '192.168.7.2/24');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, 'host IP is 192.168.7.1, container IP is 192.168.7.2/24\n');
    assert.equal(fs.readFileSync(sb.conf('bar'), 'utf8'),
      'PRIVATE_NETWORK=1\nHOST_ADDRESS=192.168.7.1\nLOCAL_ADDRESS=192.168.7.2/24\nHOST_BRIDGE=br0\nHOST_PORT=tcp:8080:80\nAUTO_START=1\n');
    assert.equal(sb.run(['show-ip', 'bar']).stdout, '192.168.7.2\n');
  });
  it('allocates addresses sequentially and skips used ones, also with /prefix or quotes', () => {
    sb.writeConf('manual1', 'HOST_ADDRESS="10.233.2.1/24"\nLOCAL_ADDRESS=10.233.2.2/24\n');
    sb.writeConf('manual2', 'LOCAL_ADDRESS=10.233.4.2\n');
    const r1 = create('seq1');
    const r2 = create('seq2');
    const r3 = create('seq3');
    assert.equal(r1.stderr, 'host IP is 10.233.3.1, container IP is 10.233.3.2\n');
    assert.equal(r2.stderr, 'host IP is 10.233.5.1, container IP is 10.233.5.2\n');
    assert.equal(r3.stderr, 'host IP is 10.233.6.1, container IP is 10.233.6.2\n');
    fs.unlinkSync(sb.conf('manual1'));
    fs.unlinkSync(sb.conf('manual2'));
  });
  it('refuses an explicit local address another container uses', () => {
    const r0 = create('own');
    const ip = sb.run(['show-ip', 'own']).stdout.trim();
    const r = create('dup', '--host-address', '10.99.0.1', '--local-address', `${ip}/24`);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `nixos-container: address ${ip} (--local-address) is already used by container ‘own’ (LOCAL_ADDRESS)\n`);
    assert.deepEqual(leftovers('dup'), []);
  });
  it('refuses an existing name', () => {
    const r0 = create('twice');
    const before = fs.readFileSync(sb.conf('twice'), 'utf8');
    const r = sb.run(['create', 'twice', '--system-path', top]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'nixos-container: container ‘twice’ already exists\n');
    assert.equal(fs.readFileSync(sb.conf('twice'), 'utf8'), before);
  });
  it('--ensure-unique-name picks NAME, NAME-0, NAME-1 and prints it', () => {
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = sb.run(['create', 'uniq', '--ensure-unique-name', '--system-path', top]);
      assert.equal(r.status, 0, r.stderr);
      names.push(r.stdout.trim());
      created.push(r.stdout.trim());
    }
    assert.deepEqual(names, ['uniq', 'uniq-0', 'uniq-1']);
    const ips = names.map((n) => sb.run(['show-ip', n]).stdout);
    assert.equal(new Set(ips).size, 3);
  });
  it('concurrent creates get distinct addresses', async () => {
    const probe = create('probe');
    const names = ['par1', 'par2', 'par3', 'par4', 'par5', 'par6'];
    const results = await Promise.all(names.map((n) => sb.runAsync(['create', n, '--system-path', top])));
    created.push(...names);
    for (const r of results) assert.equal(r.status, 0, r.stderr);
    const ips = names.map((n) => sb.run(['show-ip', n]).stdout.trim());
    assert.equal(new Set(ips).size, names.length, ips.join(' '));
    for (const ip of ips) assert.match(ip, /^10\.233\.\d+\.2$/);
  });
  it('list prints every container sorted bytewise on the file name', (t) => {
    if (!exists(sb.conf('foo'))) return t.skip('needs the containers created above');
    const names = sb.run(['list']).stdout.split('\n').filter(Boolean);
    const expected = fs.readdirSync(sb.confDir()).filter((f) => f.endsWith('.conf') && !f.startsWith('.'))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((f) => f.slice(0, -5));
    assert.deepEqual(names, expected);
    assert.ok(names.indexOf('uniq-0') < names.indexOf('uniq'), 'uniq-0 sorts before uniq, as upstream');
  });
});

describe('show-ip and show-host-key over hand-written confs', () => {
  const cases: [string, string, string | undefined][] = [
    ['v4', 'LOCAL_ADDRESS=10.1.2.3\n', '10.1.2.3'],
    ['v4pre', 'LOCAL_ADDRESS=10.1.2.3/24\nLOCAL_ADDRESS6=fc00::2\n', '10.1.2.3'],
    ['v6only', 'LOCAL_ADDRESS6=fc00::2/7\n', 'fc00::2'],
    ['v6inv4', 'LOCAL_ADDRESS=fc00::2/7\n', 'fc00::2'],
    ['quoted', 'LOCAL_ADDRESS="10.9.9.9"\n', '10.9.9.9'],
    ['none', 'PRIVATE_NETWORK=1\n', undefined],
  ];
  for (const [name, text, ip] of cases) {
    it(`show-ip ${name}`, () => {
      sb.writeConf(name, text);
      const r = sb.run(['show-ip', name]);
      if (ip === undefined) {
        assert.equal(r.status, 1);
        assert.equal(r.stderr, 'nixos-container: cannot get IP address\n');
      } else {
        assert.deepEqual(r, { status: 0, stdout: `${ip}\n`, stderr: '' });
      }
      fs.unlinkSync(sb.conf(name));
    });
  }
  it('show-host-key prints the ed25519 key, else the ecdsa one, else exits 1 silently', () => {
    sb.writeConf('keys', 'PRIVATE_NETWORK=1\n');
    const ssh = path.join(sb.containerRoot('keys'), 'etc', 'ssh');
    assert.deepEqual(sb.run(['show-host-key', 'keys']), { status: 1, stdout: '', stderr: '' });
    fs.mkdirSync(ssh, { recursive: true });
    fs.writeFileSync(path.join(ssh, 'ssh_host_ecdsa_key.pub'), 'ecdsa-sha2-nistp256 AAAA root@keys\n');
    assert.equal(sb.run(['show-host-key', 'keys']).stdout, 'ecdsa-sha2-nistp256 AAAA root@keys\n');
    fs.writeFileSync(path.join(ssh, 'ssh_host_ed25519_key.pub'), 'ssh-ed25519 BBBB root@keys\n');
    assert.deepEqual(sb.run(['show-host-key', 'keys']), { status: 0, stdout: 'ssh-ed25519 BBBB root@keys\n', stderr: '' });
    fs.unlinkSync(sb.conf('keys'));
    fs.rmSync(sb.containerRoot('keys'), { recursive: true });
  });
});

describe('the configuration.nix template', () => {
  it('is upstream\'s, byte for byte, for --config', () => {
    assert.equal(renderConfiguration('foo', { config: 'services.nginx.enable = true;' }),
      '{ config, lib, pkgs, ... }:\n\n{ boot.isContainer = true;\n  networking.hostName = lib.mkDefault "foo";\n' +
      '  networking.useDHCP = false;\n  services.nginx.enable = true;\n}\n');
    assert.equal(renderConfiguration('foo', {}),
      '{ config, lib, pkgs, ... }:\n\n{ boot.isContainer = true;\n  networking.hostName = lib.mkDefault "foo";\n' +
      '  networking.useDHCP = false;\n  \n}\n');
  });
  it('quotes --config-file paths that are not plain Nix path literals (#382133)', () => {
    assert.equal(nixPathExpr('/etc/nixos/c.nix'), '/etc/nixos/c.nix');
    assert.equal(nixPathExpr('/tmp/my config/c.nix'), '(/. + "/tmp/my config/c.nix")');
    assert.equal(nixPathExpr('/tmp/a"b$c\\d/${x}.nix'), '(/. + "/tmp/a\\"b\\$c\\\\d/\\${x}.nix")');
    assert.match(renderConfiguration('x', { configFile: '/a b/c.nix' }), /\n {2}imports = \[ \(\/\. \+ "\/a b\/c\.nix"\) \];\n/);
  });
});
