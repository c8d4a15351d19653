// Each option module: a configuration built with the project evaluator, and the files it
// generates checked (units, nginx.conf, sshd_config, passwd/group/shadow, /etc files).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { build, evaluatorProblem, readEtc, tempRoot, unitSection, FIXTURES, REPO } from './helpers';
import { sha512crypt } from '../../src/system/sha512crypt';

const problem = evaluatorProblem();
const tmp = tempRoot();
after(() => tmp.cleanup());

const cache = new Map<string, { toplevel: string; warnings: string[] }>();
function built(file: string) {
  let r = cache.get(file);
  if (!r) {
    r = build(tmp.paths, file);
    cache.set(file, r);
  }
  return r;
}

function unit(toplevel: string, name: string): string {
  return fs.readFileSync(path.join(toplevel, 'etc', 'systemd', 'system', name), 'utf8');
}

const WEB = path.join(REPO, 'examples', 'webserver.nix');
const MULTI = path.join(FIXTURES, 'multi-module', 'configuration.nix');
const TIMERS = path.join(FIXTURES, 'timers-and-targets.nix');
const PLAIN = path.join(FIXTURES, 'plain-attrset.nix');

before(() => {
  if (problem) process.stdout.write(`# skipping: ${problem}\n`);
});

test('toplevel layout follows the contract', (t) => {
  if (problem) return t.skip(problem);
  const { toplevel } = built(WEB);
  assert.match(path.basename(toplevel), /^[0-9a-z]{32}-nixos-system-nixos-24\.05\.container$/);
  for (const f of ['init', 'activate']) assert.ok(fs.statSync(path.join(toplevel, f)).mode & 0o111, `${f} is executable`);
  for (const d of ['etc', 'sw', 'sw/bin']) assert.ok(fs.statSync(path.join(toplevel, d)).isDirectory(), d);
  assert.equal(fs.readFileSync(path.join(toplevel, 'system'), 'utf8'), 'x86_64-linux');
  assert.match(fs.readFileSync(path.join(toplevel, 'nixos-version'), 'utf8'), /^24\.05/);
  assert.equal(typeof JSON.parse(fs.readFileSync(path.join(toplevel, 'configuration.json'), 'utf8')).networking, 'object');
  assert.equal(fs.readFileSync(path.join(toplevel, 'usr-layers'), 'utf8'), '');
  assert.match(fs.readFileSync(path.join(toplevel, 'init'), 'utf8'), /exec \/lib\/systemd\/systemd/);
  assert.equal(fs.readlinkSync(path.join(toplevel, 'etc/systemd/system/default.target')), '/usr/lib/systemd/system/multi-user.target');
  for (const masked of ['systemd-firstboot.service', 'systemd-networkd-wait-online.service']) {
    assert.equal(fs.readlinkSync(path.join(toplevel, 'etc/systemd/system', masked)), '/dev/null');
  }
});

test('the same configuration builds to the same path without work', (t) => {
  if (problem) return t.skip(problem);
  const a = built(WEB).toplevel;
  const mtime = fs.statSync(a).mtimeMs;
  const b = build(tmp.paths, WEB).toplevel;
  assert.equal(b, a);
  assert.equal(fs.statSync(a).mtimeMs, mtime);
  assert.deepEqual(fs.readdirSync(tmp.paths.storeDir).filter((e) => e.startsWith('.')), []);
});

test('services.nginx: nginx.conf, mime.types, unit, user', (t) => {
  if (problem) return t.skip(problem);
  const { toplevel } = built(WEB);
  const conf = readEtc(toplevel, 'nginx/nginx.conf');
  assert.match(conf, /^daemon off;$/m);
  assert.match(conf, /^user nginx nginx;$/m);
  assert.match(conf, /include \/etc\/nginx\/mime\.types;/);
  assert.match(conf, /listen 0\.0\.0\.0:80 default_server;/);
  assert.match(conf, /server_name default;/);
  const root = /root (\S+);/.exec(conf)![1];
  assert.ok(root.startsWith(tmp.paths.storeDir + '/'), 'the site root is a store path');
  assert.match(fs.readFileSync(path.join(root, 'index.html'), 'utf8'), /Hello from nixos/);
  assert.match(conf, /location \/status\.txt \{\n\s+alias \/var\/lib\/status\/status\.txt;\n\s+\}/);
  assert.equal((conf.match(/\{/g) ?? []).length, (conf.match(/\}/g) ?? []).length, 'balanced braces');
  assert.match(readEtc(toplevel, 'nginx/mime.types'), /text\/html html htm shtml;/);
  const svc = unitSection(unit(toplevel, 'nginx.service'), 'Service');
  assert.deepEqual(svc.ExecStart, ['/usr/sbin/nginx -c /etc/nginx/nginx.conf']);
  assert.deepEqual(svc['X-StopIfChanged'], ['false']);
  assert.ok(fs.existsSync(path.join(toplevel, 'etc/systemd/system/multi-user.target.wants/nginx.service')));
  assert.match(readEtc(toplevel, 'passwd'), /^nginx:x:60:60:/m);
});

test('systemd.services: script, environment, path, startAt timer, hints', (t) => {
  if (problem) return t.skip(problem);
  const { toplevel } = built(WEB);
  const text = unit(toplevel, 'status-writer.service');
  const svc = unitSection(text, 'Service');
  assert.equal(unitSection(text, 'Unit').Description[0], "Writes the container's status for the web page");
  const start = svc.ExecStart[0];
  assert.match(start, /-unit-script-status-writer-start\/bin\/status-writer-start$/);
  const script = fs.readFileSync(start, 'utf8');
  assert.match(script, /^#!\/bin\/bash -e\n/);
  assert.match(script, /status\.txt/);
  assert.ok(svc.Environment.some((e) => /^"PATH=.*\/usr\/bin/.test(e)));
  assert.deepEqual(svc.Type, ['oneshot']);
  const timer = unitSection(unit(toplevel, 'status-writer.timer'), 'Timer');
  assert.deepEqual(timer.OnCalendar, ['minutely']);
  assert.deepEqual(timer.Unit, ['status-writer.service']);
  assert.ok(fs.existsSync(path.join(toplevel, 'etc/systemd/system/timers.target.wants/status-writer.timer')));

  const m = built(MULTI).toplevel;
  const app = unit(m, 'myapp.service');
  const appSvc = unitSection(app, 'Service');
  assert.ok(appSvc.Environment.includes('"MYAPP_PORT=8080"'));
  assert.deepEqual(appSvc['X-RestartIfChanged'], ['false']);
  assert.deepEqual(appSvc.User, ['myapp']);
  assert.deepEqual(unitSection(app, 'Unit').After, ['network.target']);

  const tt = built(TIMERS).toplevel;
  const backup = unitSection(unit(tt, 'backup.service'), 'Service');
  assert.deepEqual(backup['X-ReloadIfChanged'], ['true']);
  assert.deepEqual(backup['X-StopIfChanged'], ['false']);
  assert.deepEqual(unitSection(unit(tt, 'backup.timer'), 'Timer').OnCalendar, ['*-*-* 03:00:00']);
  assert.equal(fs.readlinkSync(path.join(tt, 'etc/systemd/system/disabled-one.service')), '/dev/null');
  assert.ok(fs.existsSync(path.join(tt, 'etc/systemd/system/multi-user.target.wants/app.target')));
  assert.deepEqual(unitSection(unit(tt, 'cleanup.timer'), 'Timer').OnBootSec, ['5min']);
  const cleanup = unit(tt, 'cleanup.service');
  assert.deepEqual(unitSection(cleanup, 'Unit').ConditionPathExists, ['/tmp']);
  assert.deepEqual(unitSection(cleanup, 'Unit').PartOf, ['app.target']);
});

test('users and groups: ids, passwd, group, shadow, homes', (t) => {
  if (problem) return t.skip(problem);
  const { toplevel } = built(MULTI);
  const passwd = readEtc(toplevel, 'passwd');
  assert.match(passwd, /^root:x:0:0:System administrator:\/root:\/bin\/bash$/m);
  assert.match(passwd, /^admin:x:1000:100::\/home\/admin:\/bin\/bash$/m);
  assert.match(passwd, /^carol:x:1500:100::\/home\/carol:\/bin\/bash$/m);
  assert.match(passwd, /^myapp:x:999:999::\/var\/lib\/myapp:\/usr\/sbin\/nologin$/m);
  for (const sys of ['messagebus', 'systemd-network', 'systemd-resolve', 'systemd-timesync', 'sshd', 'nobody', 'www-data']) {
    assert.match(passwd, new RegExp(`^${sys}:x:`, 'm'), sys);
  }
  const group = readEtc(toplevel, 'group');
  assert.match(group, /^wheel:x:1:admin,carol$/m);
  assert.match(group, /^myapp:x:999:$/m);
  assert.match(group, /^users:x:100:$/m);
  const shadow = readEtc(toplevel, 'shadow');
  assert.match(shadow, /^admin:\$6\$abcdefgh12345678\$va\.5Cu4V3VVDTTqGxBFLJLe96seoR7t27vdfZXImlG605uxgrHTyzCgabN4Vc\/Y7Qs3Z1NzMmGGkjXsRvwVIt1:1::::::$/m);
  assert.match(shadow, /^carol:!:1::::::$/m);
  const activate = fs.readFileSync(path.join(toplevel, 'activate'), 'utf8');
  assert.match(activate, /mkdir -p '\/home\/carol'; chown 1500:100/);
  assert.match(activate, /mkdir -p '\/var\/lib\/myapp'; chown 999:999/);

  const tt = built(TIMERS).toplevel;
  const dave = /^dave:([^:]*):/m.exec(readEtc(tt, 'shadow'))![1];
  const salt = dave.split('$')[2];
  assert.equal(sha512crypt('secret', salt), dave, 'password is hashed with SHA-512 crypt');
  assert.match(readEtc(tt, 'group'), /^extra:x:\d+:dave$/m);
  assert.match(readEtc(tt, 'group'), /^svc:x:998:$/m);
  // mutableUsers = false: no account keeps a live password
  assert.match(fs.readFileSync(path.join(tt, 'activate'), 'utf8'), /^mutable=''$/m);
});

test('services.openssh: sshd_config, keygen unit, authorized keys', (t) => {
  if (problem) return t.skip(problem);
  const { toplevel } = built(MULTI);
  const cfg = readEtc(toplevel, 'ssh/sshd_config');
  assert.match(cfg, /^Port 22$/m);
  assert.match(cfg, /^PermitRootLogin no$/m);
  assert.match(cfg, /^PasswordAuthentication no$/m);
  assert.match(cfg, /^UsePAM no$/m);
  assert.match(cfg, /^AuthorizedKeysFile %h\/\.ssh\/authorized_keys \/etc\/ssh\/authorized_keys\.d\/%u$/m);
  assert.match(cfg, /^HostKey \/etc\/ssh\/ssh_host_ed25519_key$/m);
  assert.equal(readEtc(toplevel, 'ssh/authorized_keys.d/admin'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests admin@example\n');
  const activate = fs.readFileSync(path.join(toplevel, 'activate'), 'utf8');
  assert.match(activate, /^copy 'ssh\/authorized_keys\.d\/admin' '0444' '0' '0'$/m);
  const sshd = unitSection(unit(toplevel, 'sshd.service'), 'Service');
  assert.deepEqual(sshd.ExecStart, ['/usr/sbin/sshd -D -f /etc/ssh/sshd_config']);
  assert.deepEqual(sshd.RuntimeDirectory, ['sshd']);
  const keygen = unit(toplevel, 'sshd-keygen.service');
  const script = fs.readFileSync(unitSection(keygen, 'Service').ExecStart[0], 'utf8');
  assert.match(script, /ssh-keygen -q -t ed25519 -N "" -f \/etc\/ssh\/ssh_host_ed25519_key/);
  assert.ok(fs.existsSync(path.join(toplevel, 'etc/systemd/system/sshd.service.wants/sshd-keygen.service')));
});

test('networking: hostname, hosts, resolv.conf, interfaces, gateway, firewall', (t) => {
  if (problem) return t.skip(problem);
  const { toplevel } = built(MULTI);
  assert.equal(readEtc(toplevel, 'hostname'), 'app1\n');
  assert.match(readEtc(toplevel, 'hosts'), /^127\.0\.0\.2 app1\.example\.test app1$/m);
  assert.equal(readEtc(toplevel, 'resolv.conf'), 'nameserver 10.231.0.1\nsearch example.test\noptions edns0\n');
  const addr = unit(toplevel, 'network-addresses-eth0.service');
  const script = fs.readFileSync(unitSection(addr, 'Service').ExecStart[0], 'utf8');
  assert.match(script, /\/usr\/sbin\/ip addr replace 10\.231\.0\.2\/24 dev eth0/);
  const setup = fs.readFileSync(unitSection(unit(toplevel, 'network-setup.service'), 'Service').ExecStart[0], 'utf8');
  assert.match(setup, /\/usr\/sbin\/ip {2}route replace default via 10\.231\.0\.1|\/usr\/sbin\/ip route replace default via 10\.231\.0\.1/);
  const fw = readEtc(toplevel, 'nftables/nixos-fw.nft');
  assert.match(fw, /tcp dport \{ 22, 8080 \} accept/);
  assert.match(fw, /policy drop;/);
  const fwUnit = unit(toplevel, 'firewall.service');
  assert.deepEqual(unitSection(fwUnit, 'Unit').ConditionCapability, ['CAP_NET_ADMIN']);
  assert.deepEqual(unitSection(fwUnit, 'Service').ExecStart, ['/usr/sbin/nft -f /etc/nftables/nixos-fw.nft']);

  const plain = built(PLAIN).toplevel;
  assert.ok(!fs.existsSync(path.join(plain, 'etc/nftables/nixos-fw.nft')), 'firewall disabled');
  assert.equal(fs.readlinkSync(path.join(plain, 'etc/resolv.conf')), '/run/systemd/resolve/stub-resolv.conf');
  assert.equal(
    fs.readlinkSync(path.join(plain, 'etc/systemd/system/multi-user.target.wants/systemd-resolved.service')),
    '/usr/lib/systemd/system/systemd-resolved.service',
  );
  assert.match(readEtc(plain, 'nsswitch.conf'), /^hosts:\s+files resolve/m);
  // useHostResolvConf (the container default): no resolv.conf of ours
  assert.ok(!fs.existsSync(path.join(built(WEB).toplevel, 'etc/resolv.conf')));
});

test('environment: etc files, variables, aliases, time zone, locale, tmpfiles', (t) => {
  if (problem) return t.skip(problem);
  const web = built(WEB).toplevel;
  assert.equal(readEtc(web, 'motd'), 'Welcome to the example web server.\n');
  const { toplevel } = built(MULTI);
  // common.nix's plain definition wins over configuration.nix's mkDefault
  assert.equal(fs.readlinkSync(path.join(toplevel, 'etc/localtime')), '/usr/share/zoneinfo/Europe/Berlin');
  assert.equal(readEtc(toplevel, 'timezone'), 'Europe/Berlin\n');
  assert.deepEqual(JSON.parse(readEtc(toplevel, 'myapp/config.json')), { greeting: 'hello from app1', port: 8080 });
  assert.match(readEtc(toplevel, 'profile'), /^export EDITOR=vim$/m);
  assert.match(readEtc(toplevel, 'bash.bashrc'), /^alias -- gs='git status'$/m);
  assert.match(readEtc(toplevel, 'tmpfiles.d/00-nixos.conf'), /^d \/srv 0755 root root -$/m);
  assert.match(readEtc(toplevel, 'locale.conf'), /^LANG=en_US\.UTF-8$/m);
  assert.match(readEtc(built(PLAIN).toplevel, 'locale.conf'), /^LANG=C\.UTF-8$/m);

  const tt = built(TIMERS).toplevel;
  assert.equal(readEtc(tt, 'app/copied.txt'), 'copied content\n');
  const activate = fs.readFileSync(path.join(tt, 'activate'), 'utf8');
  assert.match(activate, /^copy 'app\/settings\.ini' '0640' 'svc' 'svc'$/m);
  assert.ok(activate.indexOf('mkdir -p /var/lib\n') < activate.indexOf('mkdir -p /var/lib/marker'), 'activation snippets follow deps');
});

test('warnings are returned, not printed', (t) => {
  if (problem) return t.skip(problem);
  const { warnings } = built(TIMERS);
  assert.ok(warnings.some((w) => /users\.users\.dave has a clear-text password/.test(w)), warnings.join('\n'));
});

test('less common options: hosts, nftables, firewall ranges, etc target/enable, shells, upstreams', (t) => {
  if (problem) return t.skip(problem);
  const { toplevel } = built(path.join(FIXTURES, 'misc-options.nix'));
  const hosts = readEtc(toplevel, 'hosts');
  assert.match(hosts, /^10\.0\.0\.5 db\.internal db$/m);
  assert.match(hosts, /^10\.0\.0\.6 cache$/m);
  assert.match(readEtc(toplevel, 'nftables/nixos.nft'), /table inet filter \{\nchain output/);
  assert.ok(fs.existsSync(path.join(toplevel, 'etc/systemd/system/multi-user.target.wants/nftables.service')));
  const fw = readEtc(toplevel, 'nftables/nixos-fw.nft');
  assert.match(fw, /udp dport 60000-60010 accept/);
  assert.match(fw, /iifname "eth0" tcp dport 5432 accept/);
  assert.doesNotMatch(fw, /2222/, 'openFirewall = false');
  assert.equal(readEtc(toplevel, 'other/name.conf'), 'x\n');
  assert.ok(!fs.existsSync(path.join(toplevel, 'etc/renamed')));
  assert.ok(!fs.existsSync(path.join(toplevel, 'etc/skipped')));
  assert.match(readEtc(toplevel, 'environment'), /^FOO=a:b$/m);
  assert.match(readEtc(toplevel, 'passwd'), /^erin:x:1000:100:Erin E\.:\/srv\/erin:\/usr\/bin\/bash$/m);
  assert.match(readEtc(toplevel, 'group'), /^devs:x:2000:erin$/m);
  const ssh = readEtc(toplevel, 'ssh/sshd_config');
  assert.match(ssh, /^Port 2222$/m);
  assert.match(ssh, /^PermitRootLogin yes$/m);
  const nginx = readEtc(toplevel, 'nginx/nginx.conf');
  assert.match(nginx, /upstream app \{\n\s+server 127\.0\.0\.1:3000;\n\s*\}/);
  assert.match(nginx, /listen 127\.0\.0\.1:8081;/);
  assert.doesNotMatch(nginx, /listen 0\.0\.0\.0:80/);
  assert.equal(readEtc(toplevel, 'sysctl.d/60-nixos.conf'), 'net.ipv4.ip_forward=1\n');
});
