import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { currentSystem as profileSystem, listGenerations, setGeneration as setProfileGeneration, switchGeneration } from '../../src/system/profiles';
import { tempRoot } from './helpers';

test('profiles: numbered generations, no new one for the same toplevel, rollback', () => {
  const { paths, cleanup } = tempRoot();
  try {
    const a = path.join(paths.storeDir, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-a');
    const b = path.join(paths.storeDir, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-b');
    fs.mkdirSync(a, { recursive: true });
    fs.mkdirSync(b, { recursive: true });
    assert.equal(profileSystem(paths, 'web'), undefined);
    assert.equal(setProfileGeneration(paths, 'web', a), 1);
    assert.equal(setProfileGeneration(paths, 'web', a), 1, 'unchanged toplevel: same generation');
    assert.equal(setProfileGeneration(paths, 'web', b), 2);
    const dir = path.join(paths.profilesDir, 'web');
    assert.equal(fs.readlinkSync(path.join(dir, 'system')), 'system-2-link');
    assert.equal(fs.readlinkSync(path.join(dir, 'system-1-link')), a);
    assert.equal(profileSystem(paths, 'web'), b);
    assert.deepEqual(listGenerations(paths, 'web').map((g) => [g.number, g.current]), [[1, false], [2, true]]);
    assert.equal(switchGeneration(paths, 'web', 1), a);
    assert.equal(profileSystem(paths, 'web'), a);
    assert.equal(setProfileGeneration(paths, 'web', b), 3, 'going forward again is a new generation');
    assert.equal(profileSystem(paths, 'other'), undefined);
  } finally {
    cleanup();
  }
});
