import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { addSymlinkJoin, addTextFile } from '../../src/system/store';
import { nixBase32, storeHash } from '../../src/state/store';
import { sha512crypt } from '../../src/system/sha512crypt';
import { tempRoot } from './helpers';

test('nixBase32 matches nix-hash --to-base32', (t) => {
  const digest = crypto.createHash('sha256').update('hello').digest();
  const r = spawnSync('nix-hash', ['--type', 'sha256', '--to-base32', digest.toString('hex')], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return t.skip('nix-hash (Debian nix-bin) is not installed');
  assert.equal(nixBase32(digest), r.stdout.trim());
  assert.match(storeHash('x'), /^[0-9a-df-np-sv-z]{32}$/);
});

test('sha512crypt agrees with openssl passwd -6', (t) => {
  const cases: Array<[string, string]> = [['hunter2', 'abcdefgh12345678'], ['', 'xy'], ['ünïcödé pass', 'saltsalt'], ['x'.repeat(130), 'long']];
  for (const [pw, salt] of cases) {
    const r = spawnSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: pw + '\n', encoding: 'utf8' });
    if (r.error) return t.skip('openssl is not installed');
    if (pw === '') continue; // openssl refuses empty passwords on stdin
    assert.equal(sha512crypt(pw, salt), r.stdout.trim(), `password ${JSON.stringify(pw)}`);
  }
});

test('text files are content-addressed, read-only and written once', () => {
  const { paths, cleanup } = tempRoot();
  try {
    const a = addTextFile(paths.storeDir, { name: 'hello.txt', text: 'hi\n' });
    assert.equal(fs.readFileSync(a, 'utf8'), 'hi\n');
    assert.equal(fs.statSync(a).mode & 0o777, 0o444);
    const mtime = fs.statSync(a).mtimeMs;
    const again = addTextFile(paths.storeDir, { name: 'hello.txt', text: 'hi\n' });
    assert.equal(again, a);
    assert.equal(fs.statSync(a).mtimeMs, mtime);
    const other = addTextFile(paths.storeDir, { name: 'hello.txt', text: 'ho\n' });
    assert.notEqual(other, a);
    const bin = addTextFile(paths.storeDir, { name: 'tool', text: '#!/bin/sh\necho ok\n', executable: true, destination: '/bin/tool' });
    const out = spawnSync(path.join(bin, 'bin', 'tool'), { encoding: 'utf8' });
    assert.equal(out.stdout, 'ok\n');
    assert.throws(() => addTextFile(paths.storeDir, { name: 'bad', text: '', destination: '/../x' }), /without '\.\.'/);
    // no temporary leftovers
    assert.deepEqual(fs.readdirSync(paths.storeDir).filter((e) => e.startsWith('.tmp')), []);
    const joined = addSymlinkJoin(paths.storeDir, 'env', [bin]);
    assert.equal(fs.readlinkSync(path.join(joined, 'bin', 'tool')), path.join(bin, 'bin', 'tool'));
  } finally {
    cleanup();
  }
});
