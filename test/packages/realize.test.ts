// Realizing packages into a throw-away store: one the host has (in place, zero download) and
// one it lacks (fetched by apt with its missing dependencies, unpacked into usr layers),
// proving the host's dpkg database and /usr stay untouched and the binary runs over an
// overlay of /usr in a private mount namespace.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { PackageSource, collectingProgress, PackageError } from '../../src/packages';
import { fetchDebs } from '../../src/packages/apt';
import { unpackDebLayer } from '../../src/packages/deb-layer';
import { DEFAULT_HOST } from '../../src/packages/archive-index';
import { aptUnavailable, hostHas, storeEntries, tempRoot } from './helpers';

const tr = tempRoot();
test.after(() => tr.cleanup());
const debDir = path.join(tr.paths.cacheDir, 'debs');

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function isReadOnlyTree(p: string): boolean {
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) return true;
  if ((st.mode & 0o222) !== 0) return false;
  return !st.isDirectory() || fs.readdirSync(p).every((e) => isReadOnlyTree(path.join(p, e)));
}

test('a host-installed package is used in place: zero download, symlinks into /usr', () => {
  const lines: string[] = [];
  const src = new PackageSource(tr.paths);
  const r = src.realize('coreutils', collectingProgress(lines));
  assert.equal(r.info.installedOnHost, true);
  assert.deepEqual(r.usrLayers, []);
  assert.deepEqual(lines.filter((l) => /fetch|Get:/.test(l)), [], 'nothing fetched');
  assert.equal(fs.existsSync(debDir), false, 'no .deb cache was needed');
  assert.equal(path.dirname(r.outPath), tr.paths.storeDir);
  assert.match(path.basename(r.outPath), /^[0-9a-z]{32}-coreutils-[0-9]/);
  assert.equal(fs.readlinkSync(path.join(r.outPath, 'bin', 'ls')), '/usr/bin/ls');
  assert.ok(fs.statSync(path.join(r.outPath, 'bin', 'ls')).mode & 0o111, 'bin/ls resolves to an executable');
  assert.ok(fs.existsSync(path.join(r.outPath, 'share', 'man')) || fs.existsSync(path.join(r.outPath, 'share', 'doc')));
  assert.ok(isReadOnlyTree(r.outPath), 'store path is read-only');
  // Idempotent, also for a fresh source (the realize cache) and without it.
  assert.equal(new PackageSource(tr.paths).realize('coreutils', collectingProgress()).outPath, r.outPath);
  fs.rmSync(path.join(tr.paths.cacheDir, 'realized'), { recursive: true, force: true });
  assert.equal(new PackageSource(tr.paths).realize('coreutils', collectingProgress()).outPath, r.outPath);
});

test('sbin programs appear in bin/ and sbin/; /bin and /sbin ones point into /usr', (t) => {
  if (!hostHas('iproute2')) return t.skip('iproute2 is not installed on this host');
  const merged = fs.lstatSync('/sbin').isSymbolicLink();
  const r = new PackageSource(tr.paths).realize('iproute2', collectingProgress());
  // dpkg lists /sbin/tc (and no /usr/bin/tc): the program is reachable both ways.
  const tc = merged ? '/usr/sbin/tc' : '/sbin/tc';
  assert.equal(fs.readlinkSync(path.join(r.outPath, 'sbin', 'tc')), tc);
  assert.equal(fs.readlinkSync(path.join(r.outPath, 'bin', 'tc')), tc);
  assert.equal(fs.readlinkSync(path.join(r.outPath, 'bin', 'ip')), merged ? '/usr/bin/ip' : '/bin/ip');
  const ip = spawnSync(path.join(r.outPath, 'bin', 'ip'), ['-V'], { encoding: 'utf8' });
  assert.equal(ip.status, 0);
  assert.match(ip.stdout, /iproute2/);
});

// The package the host lacks: the first of these that dpkg says is not installed.
const CANDIDATES: Array<{ name: string; argv: string[]; expect: RegExp }> = [
  { name: 'hello', argv: ['hello'], expect: /^Hello, world!$/m },
  { name: 'jq', argv: ['jq', '--version'], expect: /^jq-1/m },
  { name: 'cowsay', argv: ['cowsay', 'moo'], expect: /moo/ },
];

test('a package the host lacks is fetched into usr layers; the host stays untouched', (t) => {
  const why = aptUnavailable();
  if (why) return t.skip(why);
  const pick = CANDIDATES.find((c) => !hostHas(c.name));
  if (!pick) return t.skip(`every candidate (${CANDIDATES.map((c) => c.name).join(', ')}) is installed on this host`);
  const statusBefore = sha(DEFAULT_HOST.statusFile);
  const src = new PackageSource(tr.paths);
  assert.equal(src.lookup(pick.name)?.installedOnHost, false);

  const lines: string[] = [];
  const r = src.realize(pick.name, collectingProgress(lines));
  assert.ok(lines.some((l) => l.startsWith('fetching ')), `download reported: ${lines.join(' | ')}`);
  assert.ok(lines.some((l) => /^unpack \[\d+\/\d+\] /.test(l)), 'unpack progress reported');
  assert.ok(r.usrLayers.length >= 1);
  const own = r.usrLayers.find((l) => path.basename(l).includes(`-deb-${pick.name}-`));
  assert.ok(own, `a layer of ${pick.name} among ${r.usrLayers}`);
  assert.match(path.basename(own), new RegExp(`^[0-9a-z]{32}-deb-${pick.name}-.+-(amd64|all|\\w+)$`));
  const bin = pick.argv[0];
  assert.ok(fs.statSync(path.join(own, 'usr', 'bin', bin)).isFile(), 'the layer holds usr/bin/<program>');
  assert.equal(fs.readlinkSync(path.join(r.outPath, 'bin', bin)), `/usr/bin/${bin}`);
  for (const l of r.usrLayers) assert.ok(isReadOnlyTree(l), `${l} is read-only`);
  assert.equal(
    fs.readFileSync(path.join(r.outPath, 'nix-support', 'usr-layers'), 'utf8'),
    r.usrLayers.map((l) => `${l}\n`).join(''),
    'the output names its layers (so gc keeps them)',
  );

  // The host: dpkg still does not know it, /usr has no such file, dpkg's status is the same.
  assert.equal(hostHas(pick.name), false);
  assert.notEqual(spawnSync('dpkg', ['-s', pick.name]).status, 0, 'dpkg -s says not installed');
  assert.equal(fs.existsSync(`/usr/bin/${bin}`), false);
  assert.equal(sha(DEFAULT_HOST.statusFile), statusBefore);
  assert.deepEqual(storeEntries(tr.paths).filter((e) => e.startsWith('.')), [], 'no temporaries left');

  // Cached: same paths, nothing fetched, also after the package output itself is deleted.
  const again: string[] = [];
  assert.deepEqual(new PackageSource(tr.paths).realize(pick.name, collectingProgress(again)), r);
  assert.deepEqual(again, []);
  fs.rmSync(path.join(tr.paths.cacheDir, 'realized'), { recursive: true, force: true });
  const third: string[] = [];
  const r3 = new PackageSource(tr.paths).realize(pick.name, collectingProgress(third));
  assert.equal(r3.outPath, r.outPath);
  assert.deepEqual(r3.usrLayers, r.usrLayers);
  assert.deepEqual(third.filter((l) => /fetch|Get:/.test(l)), [], 'the .deb cache serves the second time');

  // It runs: /usr overlaid with the layers in a private mount namespace.
  const lower = [...r.usrLayers].reverse().map((l) => path.join(l, 'usr')).join(':');
  const run = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c',
      'mount -t overlay overlay -o "lowerdir=$1:/usr" /usr || exit 97; shift; exec "$@"',
      'sh', lower, path.join(r.outPath, 'bin', bin), ...pick.argv.slice(1)],
    { encoding: 'utf8' },
  );
  if (run.status === 97) return t.skip(`cannot mount an overlay over /usr here: ${run.stderr.trim()}`);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, pick.expect);
  assert.equal(fs.existsSync(`/usr/bin/${bin}`), false, 'the overlay stayed in its namespace');
});

test('realizeAll keeps the order, reuses what exists, and fetches in one go', (t) => {
  const why = aptUnavailable();
  if (why) return t.skip(why);
  const pick = CANDIDATES.find((c) => !hostHas(c.name));
  if (!pick) return t.skip('every candidate package is installed on this host');
  const src = new PackageSource(tr.paths);
  const single = src.realize(pick.name, collectingProgress());
  const all = src.realizeAll(['coreutils', pick.name, 'gnugrep'], collectingProgress());
  assert.deepEqual(all.map((r) => r.info.attr), ['coreutils', pick.name, 'gnugrep']);
  assert.deepEqual(all[1], single);
  assert.equal(fs.readlinkSync(path.join(all[2].outPath, 'bin', 'grep')), '/usr/bin/grep');
  assert.throws(() => src.realizeAll(['coreutils', 'jqq']), /package 'jqq' does not exist/);

  // From scratch: one download for everything the batch lacks.
  for (const d of [tr.paths.storeDir, path.join(tr.paths.cacheDir, 'realized'), debDir]) fs.rmSync(d, { recursive: true, force: true });
  const lines: string[] = [];
  const again = new PackageSource(tr.paths).realizeAll([pick.name, 'openssh'], collectingProgress(lines));
  assert.equal(lines.filter((l) => l.startsWith('fetching ')).length, 1, lines.join('\n'));
  assert.equal(again[0].outPath, single.outPath, 'same content, same store path');
  const sshd = path.join(again[1].outPath, 'sbin', 'sshd');
  assert.equal(fs.readlinkSync(sshd), '/usr/sbin/sshd');
  assert.ok(fs.existsSync(path.join(again[1].outPath, 'bin', 'ssh')), 'the extra Debian package (client) joins the output');
  if (!hostHas('openssh-server')) {
    assert.ok(again[1].usrLayers.some((l) => /-deb-openssh-server-/.test(l) && fs.existsSync(path.join(l, 'usr', 'sbin', 'sshd'))));
  }
  assert.doesNotMatch(again[1].outPath, /-openssh-\d+:/, 'no epoch in store names');
});

test('a download that fails (missing file, wrong checksum) leaves no store path and no temporary', (t) => {
  const why = aptUnavailable();
  if (why) return t.skip(why);
  const src = new PackageSource(tr.paths);
  const hello = src.lookup('hello');
  if (!hello) return t.skip('hello is not in the archive');
  const before = storeEntries(tr.paths);
  const pool = 'http://deb.debian.org/debian/pool/main/h/hello';
  const zeros = '0'.repeat(64);
  const missing = { name: 'hello', version: '0.0-does-not-exist', arch: 'amd64', uri: `${pool}/hello_0.0-does-not-exist_amd64.deb`, hash: `SHA256:${zeros}` };
  const tampered = { name: 'hello', version: '0.0-tampered', arch: 'amd64', uri: `${pool}/hello_2.10-3_amd64.deb`, hash: `SHA256:${zeros}` };
  for (const ref of [missing, tampered]) {
    assert.throws(
      () => fetchDebs([ref], debDir, DEFAULT_HOST, collectingProgress(), () => undefined),
      (e: Error) => e instanceof PackageError && /downloading hello failed/.test(e.message),
    );
    assert.equal(fs.existsSync(path.join(debDir, `hello_${ref.version}_amd64.deb`)), false);
  }
  assert.deepEqual(storeEntries(tr.paths), before);
  assert.deepEqual(fs.readdirSync(debDir).filter((e) => e.startsWith('.')), [], 'no partial download dir');
});

test('a .deb that cannot be unpacked leaves no store path', () => {
  const bad = path.join(tr.root, 'broken_1.0_amd64.deb');
  fs.writeFileSync(bad, 'this is not an ar archive\n');
  const before = storeEntries(tr.paths);
  assert.throws(
    () => unpackDebLayer(tr.paths.storeDir, bad, { name: 'broken', version: '1.0', arch: 'amd64' }, sha(bad)),
    (e: Error) => e instanceof PackageError && /cannot unpack broken_1.0_amd64.deb/.test(e.message),
  );
  assert.deepEqual(storeEntries(tr.paths), before);
});
