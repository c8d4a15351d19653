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

function activate(rootDir: string, toplevel: string): { status: number | null; out: string } {
  const script = [
    'set -e',
    `mkdir -p ${rootDir}/usr ${rootDir}${tmp.paths.storeDir} ${rootDir}/run ${rootDir}/etc ${rootDir}/dev`,
    `for l in bin sbin lib lib64; do [ -L ${rootDir}/$l ] || ln -s usr/$l ${rootDir}/$l; done`,
    `mount --bind -o ro /usr ${rootDir}/usr`,
    `mount --bind ${tmp.paths.storeDir} ${rootDir}${tmp.paths.storeDir}`,
    `mount -t tmpfs tmpfs ${rootDir}/run`,
    `touch ${rootDir}/dev/null && mount --bind /dev/null ${rootDir}/dev/null`,
    `chroot ${rootDir} ${toplevel}/activate`,
  ].join('\n');
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}${r.error ? r.error.message : ''}` };
}

test('activation populates /etc, accounts and homes; a new generation cleans up', (t) => {
  if (process.getuid && process.getuid() !== 0) return t.skip('needs root (mount namespace and chroot)');
  const probe = spawnSync('unshare', ['--mount', '--', 'true']);
  if (probe.status !== 0) return t.skip('unshare --mount is not permitted here');
  const rootDir = path.join(tmp.root, 'container');
  fs.mkdirSync(rootDir, { recursive: true });

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
