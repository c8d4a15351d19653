import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { groupText, parseIds, passwdText, resolveIds } from '../../src/system/users';
import type { UserEntry } from '../../src/system/manifest';
import { tempRoot } from './helpers';

const u = (name: string, extra: Partial<UserEntry> = {}): UserEntry => ({
  name, uid: null, group: 'users', extraGroups: [], description: '', home: `/home/${name}`, homeMode: '700', createHome: true,
  isSystemUser: false, isNormalUser: true, shell: '/bin/bash', hashedPassword: null, password: null, initialPassword: null,
  initialHashedPassword: null, hashedPasswordFile: null, ...extra,
});
const groups = [{ name: 'users', gid: 100, members: [] }, { name: 'svc', gid: null, members: [] }, { name: 'other', gid: null, members: [] }];

test('ids: explicit kept, normal users from 1000 up, system from 999 down, in name order', () => {
  const { users, groups: gs } = resolveIds(
    [u('zed'), u('amy'), u('bob', { uid: 1000 }), u('svc', { isNormalUser: false, isSystemUser: true, group: 'svc' })],
    groups,
  );
  const ids = Object.fromEntries(users.map((x) => [x.name, x.uid]));
  assert.deepEqual(ids, { amy: 1001, bob: 1000, svc: 999, zed: 1002 });
  assert.deepEqual(Object.fromEntries(gs.map((g) => [g.name, g.gid])), { other: 999, svc: 998, users: 100 });
  assert.match(passwdText(users), /^svc:x:999:998:/m);
  assert.match(groupText(gs), /^users:x:100:$/m);
});

test('ids a container already uses stay with their accounts when others are added', () => {
  const before = resolveIds([u('carol')], groups);
  const previous = { uids: parseIds(passwdText(before.users)), gids: parseIds(groupText(before.groups)) };
  // "aaron" sorts before "carol": without the previous ids carol would move to 1001.
  const after = resolveIds([u('carol'), u('aaron')], groups, previous);
  const ids = Object.fromEntries(after.users.map((x) => [x.name, x.uid]));
  assert.deepEqual(ids, { aaron: 1001, carol: 1000 });
});

test('a container build reuses the live ids of ROOT/etc/passwd', () => {
  const { paths, cleanup } = tempRoot();
  try {
    const dir = path.join(paths.containersDir, 'c1', 'etc', 'nixos');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(paths.containersDir, 'c1', 'etc', 'passwd'), 'root:x:0:0::/root:/bin/bash\ncarol:x:1000:100::/home/carol:/bin/bash\n');
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { previousIdsFor } = require('../../src/system/index');
    const prev = previousIdsFor({ configFile: path.join(dir, 'configuration.nix'), paths });
    assert.equal(prev.uids.get('carol'), 1000);
    assert.equal(previousIdsFor({ configFile: '/elsewhere/configuration.nix', paths }), undefined);
  } finally {
    cleanup();
  }
});
