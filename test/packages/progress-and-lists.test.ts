// Progress output (a bar on a terminal, plain lines otherwise), and a package source whose
// apt lists are missing: it runs `apt-get update` itself, saying so.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { PackageSource, collectingProgress, stderrProgress } from '../../src/packages';
import { DEFAULT_HOST } from '../../src/packages/archive-index';
import { aptUnavailable, tempRoot } from './helpers';

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  const stream = { isTTY, columns: 60, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WriteStream;
  return { out, stream };
}

test('on a terminal, progress is one redrawn bar', () => {
  const { out, stream } = fakeStream(true);
  const p = stderrProgress(stream);
  assert.equal(p.interactive, true);
  p.step('unpack', 1, 4, 'libfoo 1.0');
  p.step('unpack', 4, 4, 'libbar 2.0');
  p.finish();
  const text = out.join('');
  assert.match(text, /^\runpack \[#{6}-{18}\] 1\/4 libfoo 1\.0\x1b\[K\runpack \[#{24}\] 4\/4 libbar 2\.0\x1b\[K\n$/);
  assert.ok(out.every((s) => s.replace(/\x1b\[K|\r|\n/g, '').length < 60), 'fits the terminal width');
});

test('elsewhere, progress is plain lines', () => {
  const { out, stream } = fakeStream(false);
  const p = stderrProgress(stream);
  assert.equal(p.interactive, false);
  p.message('fetching 2 package(s)');
  p.step('unpack', 1, 2, 'a 1');
  p.step('unpack', 2, 2, 'b 1');
  p.finish();
  assert.deepEqual(out.join('').split('\n'), ['fetching 2 package(s)', 'unpack [1/2] a 1', 'unpack [2/2] b 1', '']);
});

test('with no apt lists, the package source runs apt-get update and says so', (t) => {
  const why = aptUnavailable();
  if (why) return t.skip(why);
  const tr = tempRoot();
  try {
    const lists = path.join(tr.root, 'apt-lists');
    fs.mkdirSync(lists);
    const lines: string[] = [];
    const src = new PackageSource(tr.paths, {
      host: { listsDir: lists },
      progress: collectingProgress(lines),
    });
    const info = src.lookup('hello');
    assert.ok(lines.some((l) => /apt has no package lists in .*running 'apt-get update'/.test(l)), lines.join('\n'));
    assert.ok(fs.readdirSync(lists).some((f) => /_Packages/.test(f)), 'lists were fetched');
    assert.ok(info, 'hello is known once the lists are there');
    assert.equal(info.debName, 'hello');
    // The host's own lists were not the ones updated.
    assert.notEqual(lists, DEFAULT_HOST.listsDir);
  } finally {
    tr.cleanup();
  }
});
