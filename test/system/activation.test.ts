// $toplevel/activate run for real, in a private mount namespace chrooted into a container-like
// root (host /usr bound read-only, the store bound at its path): /etc is populated, stale
// entries are removed on the next generation, passwords survive with mutableUsers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildToplevel } from '../../src/system/toplevel';
import type { Manifest } from '../../src/system/manifest';
import { tempRoot } from './helpers';

const tmp = tempRoot();
after(() => tmp.cleanup());

function manifest(over: Partial<Manifest>): Manifest {
  return {
    formatVersion: 1, name: 'nixos-system-act-test', nixosVersion: '24.05.test', system: 'x86_64-linux', stateVersion: '24.05',
    etc: [], units: {}, maskedUnits: [], defaultUnit: 'multi-user.target',
    users: [], groups: [{ name: 'root', gid: 0, members: [] }, { name: 'users', gid: 100, members: [] }, { name: 'shadow', gid: 42, members: [] }],
    mutableUsers: true, systemPackages: [], requiredPackages: [], activationScripts: [], tmpfilesRules: [], warnings: [], configuration: {},
    ...over,
  };
}
const user = (name: string, uid: number | null, extra: Record<string, unknown> = {}) => ({
  name, uid, group: 'users', extraGroups: [], description: '', home: `/home/${name}`, homeMode: '700', createHome: true,
  isSystemUser: false, isNormalUser: true, shell: '/bin/sh', hashedPassword: null, password: null, initialPassword: null,
  initialHashedPassword: null, hashedPasswordFile: null, ...extra,
});
const root = user('root', 0, { group: 'root', home: '/root', createHome: false, isNormalUser: false });
const etcText = (target: string, text: string, mode = 'symlink') => ({ target, text, source: null, mode, user: '+0', group: '+0' });

/** Reads a file of the container root, following absolute links as the container would. */
function readIn(rootDir: string, rel: string): string {
  let p = path.join(rootDir, rel);
  for (let i = 0; i < 8; i++) {
    const st = fs.lstatSync(p);
    if (!st.isSymbolicLink()) break;
    const l = fs.readlinkSync(p);
    p = l.startsWith(tmp.paths.storeDir) ? l : l.startsWith('/') ? path.join(rootDir, l) : path.join(path.dirname(p), l);
  }
  return fs.readFileSync(p, 'utf8');
}

function skipReason(): string | undefined {
  if (process.getuid && process.getuid() !== 0) return 'needs root (mount namespace and chroot)';
  if (spawnSync('unshare', ['--mount', '--', 'true']).status !== 0) return 'unshare --mount is not permitted here';
  return undefined;
}
const skip = skipReason();
if (skip) process.stdout.write(`# skipping activation tests: ${skip}\n`);

/** A fresh container-like root directory under the test's temporary root. */
function containerDir(name: string): string {
  const d = path.join(tmp.root, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/** Runs `toplevel/activate` in the root; `boot` as the container's init does (NC_BOOT=1). */
function activate(rootDir: string, toplevel: string, boot = false): { status: number | null; out: string } {
  const script = [
    'set -e',
    `mkdir -p ${rootDir}/usr ${rootDir}${tmp.paths.storeDir} ${rootDir}/run ${rootDir}/etc ${rootDir}/dev`,
    `for l in bin sbin lib lib64; do [ -L ${rootDir}/$l ] || ln -s usr/$l ${rootDir}/$l; done`,
    `mount --bind -o ro /usr ${rootDir}/usr`,
    `mount --bind ${tmp.paths.storeDir} ${rootDir}${tmp.paths.storeDir}`,
    `mount -t tmpfs tmpfs ${rootDir}/run`,
    `touch ${rootDir}/dev/null && mount --bind /dev/null ${rootDir}/dev/null`,
    `${boot ? 'NC_BOOT=1 ' : ''}chroot ${rootDir} ${toplevel}/activate`,
  ].join('\n');
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}${r.error ? r.error.message : ''}` };
}

test('activation populates /etc, accounts and homes; a new generation cleans up', { skip }, () => {
  const rootDir = containerDir('container');

  const gen1 = buildToplevel({
    storeDir: tmp.paths.storeDir,
    manifest: manifest({
      etc: [etcText('hostname', 'one\n'), etcText('app/conf', 'x=1\n'), etcText('secret', 's3\n', '0600')],
      users: [root, user('alice', null, { initialPassword: 'pw1' })],
      activationScripts: [{ name: 'marker', text: 'echo marked > /var/lib/marker' }],
    }),
  });
  let r = activate(rootDir, gen1);
  assert.equal(r.status, 0, r.out);
  assert.equal(fs.readlinkSync(path.join(rootDir, 'etc/static')), path.join(gen1, 'etc'));
  assert.equal(readIn(rootDir, 'etc/hostname'), 'one\n');
  assert.equal(fs.readlinkSync(path.join(rootDir, 'etc/app/conf')), '/etc/static/app/conf');
  const secret = fs.lstatSync(path.join(rootDir, 'etc/secret'));
  assert.ok(secret.isFile() && (secret.mode & 0o777) === 0o600, 'copied with its mode');
  assert.match(fs.readFileSync(path.join(rootDir, 'etc/passwd'), 'utf8'), /^alice:x:1000:100::\/home\/alice:\/bin\/sh$/m);
  const home = fs.statSync(path.join(rootDir, 'home/alice'));
  assert.equal(home.uid, 1000);
  assert.equal(home.mode & 0o777, 0o700);
  assert.equal(fs.readFileSync(path.join(rootDir, 'var/lib/marker'), 'utf8'), 'marked\n');
  assert.ok(fs.lstatSync(path.join(rootDir, 'etc/systemd/system')).isSymbolicLink());
  const hash1 = /^alice:([^:]*):/m.exec(fs.readFileSync(path.join(rootDir, 'etc/shadow'), 'utf8'))![1];
  assert.match(hash1, /^\$6\$/);

  // The user changes the password inside the container (mutableUsers keeps it).
  const shadowFile = path.join(rootDir, 'etc/shadow');
  fs.writeFileSync(shadowFile, fs.readFileSync(shadowFile, 'utf8').replace(hash1, '$6$changed$byuser'));

  const gen2 = buildToplevel({
    storeDir: tmp.paths.storeDir,
    manifest: manifest({
      etc: [etcText('hostname', 'two\n')],
      users: [root, user('alice', null, { initialPassword: 'pw2' }), user('bob', null, { hashedPassword: '$6$x$fixed' })],
    }),
  });
  assert.notEqual(gen2, gen1);
  r = activate(rootDir, gen2);
  assert.equal(r.status, 0, r.out);
  assert.equal(readIn(rootDir, 'etc/hostname'), 'two\n');
  assert.ok(!fs.existsSync(path.join(rootDir, 'etc/app/conf')), 'entry of the old generation removed');
  assert.ok(!fs.existsSync(path.join(rootDir, 'etc/secret')), 'copied entry of the old generation removed');
  const shadow = fs.readFileSync(shadowFile, 'utf8');
  assert.match(shadow, /^alice:\$6\$changed\$byuser:/m);
  assert.match(shadow, /^bob:\$6\$x\$fixed:/m);
  assert.match(fs.readFileSync(path.join(rootDir, 'etc/passwd'), 'utf8'), /^bob:x:1001:/m);
});

test('a boot of the last activated generation redoes only what changed since', { skip }, () => {
  const rootDir = containerDir('container-boot');
  const etc = (f: string) => path.join(rootDir, 'etc', f);
  const ino = (f: string) => fs.lstatSync(etc(f)).ino;
  const later = (f: string) => {
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(etc(f), future, future); // modified after the activation, whatever the clock's tick
  };
  const gen1 = buildToplevel({
    storeDir: tmp.paths.storeDir,
    manifest: manifest({
      etc: [etcText('hostname', 'one\n'), etcText('secret', 's3\n', '0600'), etcText('other', 'o\n', '0644')],
      users: [root, user('carol', null, { hashedPassword: '$6$x$carol' })],
      activationScripts: [{ name: 'count', text: 'echo run >> /var/lib/boots' }],
    }),
  });
  let r = activate(rootDir, gen1); // a live activation of a new generation: all of it
  assert.equal(r.status, 0, r.out);
  assert.equal(fs.readFileSync(etc('.activated'), 'utf8'), `${gen1}\n`);
  const files = ['passwd', 'group', 'shadow', 'secret', 'other', '.clean'];
  const before = Object.fromEntries(files.map((f) => [f, ino(f)]));

  // Boot, nothing changed: no file is rewritten (each rewrite is a new inode), snippets still run.
  r = activate(rootDir, gen1, true);
  assert.equal(r.status, 0, r.out);
  for (const f of files) assert.equal(ino(f), before[f], `${f} left as it was`);
  assert.equal(fs.readFileSync(path.join(rootDir, 'var/lib/boots'), 'utf8'), 'run\nrun\n');

  // Changed since: an account added by hand, carol's hash edited, a copied file removed,
  // another edited, a link replaced by a file. Boot restores all of them, and only them.
  fs.appendFileSync(etc('passwd'), 'mallory:x:0:0::/root:/bin/sh\n');
  later('passwd');
  fs.writeFileSync(etc('shadow'), fs.readFileSync(etc('shadow'), 'utf8').replace('$6$x$carol', '$6$y$edited'));
  later('shadow');
  fs.rmSync(etc('secret'));
  fs.writeFileSync(etc('other'), 'edited\n');
  later('other');
  fs.rmSync(etc('hostname'));
  fs.writeFileSync(etc('hostname'), 'stray\n');
  r = activate(rootDir, gen1, true);
  assert.equal(r.status, 0, r.out);
  assert.doesNotMatch(fs.readFileSync(etc('passwd'), 'utf8'), /mallory/);
  assert.match(fs.readFileSync(etc('shadow'), 'utf8'), /^carol:\$6\$x\$carol:/m);
  assert.equal(fs.readFileSync(etc('secret'), 'utf8'), 's3\n');
  assert.equal(fs.lstatSync(etc('secret')).mode & 0o777, 0o600);
  assert.equal(fs.readFileSync(etc('other'), 'utf8'), 'o\n');
  assert.equal(fs.readlinkSync(etc('hostname')), '/etc/static/hostname');
  assert.equal(ino('group'), before.group, 'group was not modified, so not rewritten');
  assert.equal(ino('.clean'), before['.clean']);

  // A boot of another generation (an update made while the container was stopped) does it all.
  const gen2 = buildToplevel({
    storeDir: tmp.paths.storeDir,
    manifest: manifest({ etc: [etcText('hostname', 'two\n')], users: [root] }),
  });
  r = activate(rootDir, gen2, true);
  assert.equal(r.status, 0, r.out);
  assert.ok(!fs.existsSync(etc('secret')), 'entry of the old generation removed');
  assert.doesNotMatch(fs.readFileSync(etc('passwd'), 'utf8'), /carol/);
  assert.equal(fs.readFileSync(etc('.activated'), 'utf8'), `${gen2}\n`);
});
