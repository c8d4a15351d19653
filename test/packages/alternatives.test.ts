// update-alternatives links, read from maintainer scripts (which never run here).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseAlternatives } from '../../src/packages/alternatives';
import { PackageSource, collectingProgress } from '../../src/packages';
import { aptUnavailable, hostHas, tempRoot } from './helpers';

test('alternatives are parsed from literal update-alternatives commands, best first', () => {
  const script = [
    '#!/bin/sh',
    'set -e',
    'if [ "$1" = "configure" ]; then',
    '  update-alternatives --quiet --install /usr/bin/editor editor /usr/bin/nano 40 \\',
    '    --slave /usr/share/man/man1/editor.1.gz editor.1.gz /usr/share/man/man1/nano.1.gz',
    '  update-alternatives --install /usr/sbin/iptables iptables /usr/sbin/iptables-legacy 10',
    '  update-alternatives --install /usr/sbin/iptables iptables /usr/sbin/iptables-nft 20; echo done',
    '  update-alternatives --install "$LINK" x "$TARGET" 99',
    '  update-alternatives --remove editor /usr/bin/old',
    'fi',
  ].join('\n');
  assert.deepEqual(parseAlternatives(script), [
    { link: '/usr/bin/editor', path: '/usr/bin/nano', priority: 40 },
    { link: '/usr/share/man/man1/editor.1.gz', path: '/usr/share/man/man1/nano.1.gz', priority: 40 },
    { link: '/usr/sbin/iptables', path: '/usr/sbin/iptables-nft', priority: 20 },
    { link: '/usr/sbin/iptables', path: '/usr/sbin/iptables-legacy', priority: 10 },
  ]);
  assert.deepEqual(parseAlternatives('#!/bin/sh\nexit 0\n'), []);
});

test('a host package gets its alternatives links (vim -> vim.basic)', (t) => {
  if (!hostHas('vim')) return t.skip('vim is not installed on this host');
  const tr = tempRoot();
  try {
    const r = new PackageSource(tr.paths).realize('vim', collectingProgress());
    const target = fs.readlinkSync(path.join(r.outPath, 'bin', 'vim'));
    assert.match(target, /^\/usr\/bin\/vim\.\w+$/);
    assert.ok(fs.existsSync(target));
    assert.equal(fs.readlinkSync(path.join(r.outPath, 'bin', 'editor')), target);
  } finally {
    tr.cleanup();
  }
});

test('a package the host lacks gets its alternatives links too (nano -> editor)', (t) => {
  const why = aptUnavailable();
  if (why) return t.skip(why);
  if (hostHas('nano')) return t.skip('nano is installed on this host');
  const tr = tempRoot();
  try {
    const r = new PackageSource(tr.paths).realize('nano', collectingProgress());
    assert.equal(fs.readlinkSync(path.join(r.outPath, 'bin', 'nano')), '/usr/bin/nano');
    assert.equal(fs.readlinkSync(path.join(r.outPath, 'bin', 'editor')), '/usr/bin/nano');
    const layer = r.usrLayers.find((l) => /-deb-nano-/.test(l))!;
    assert.match(fs.readFileSync(path.join(layer, 'nix-support', 'alternatives'), 'utf8'), /^\/usr\/bin\/editor \/(usr\/)?bin\/nano \d+$/m);
  } finally {
    tr.cleanup();
  }
});
