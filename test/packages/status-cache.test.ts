// The parsed dpkg status is cached per status file size and mtime: same answer as parsing,
// and a changed status file is parsed again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseStatus, parseStatusCached } from '../../src/packages/archive-index';

const stanza = (name: string, version: string) =>
  `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\nDescription: ${name} for tests\n\n`;

test('parseStatusCached agrees with parseStatus and notices a changed status file', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-status-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const status = path.join(dir, 'status');
  const cache = path.join(dir, 'cache');
  fs.writeFileSync(status, stanza('alpha', '1.0') + stanza('beta', '2.0'));

  const first = parseStatusCached(status, 'amd64', cache);
  assert.deepEqual(first, parseStatus(status, 'amd64'));
  assert.ok(fs.existsSync(path.join(cache, 'dpkg-status.json')));
  assert.deepEqual(parseStatusCached(status, 'amd64', cache), first);

  fs.writeFileSync(status, stanza('alpha', '1.1'));
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(status, later, later);
  const changed = parseStatusCached(status, 'amd64', cache);
  assert.deepEqual([...changed.keys()], ['alpha']);
  assert.equal(changed.get('alpha')?.version, '1.1');
});
