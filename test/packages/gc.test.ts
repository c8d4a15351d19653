// Garbage collection over a throw-away state root: profile generations and gcroots keep
// their closure (symlinks, file contents, usr-layers), everything else goes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { collectGarbage, collectingProgress, PackageSource } from '../../src/packages';
import { storeHash } from '../../src/state/store';
import { storeEntries, tempRoot, TempRoot } from './helpers';

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'nixos-container');

function addPath(tr: TempRoot, name: string, files: Record<string, string>, links: Record<string, string> = {}): string {
  const p = path.join(tr.paths.storeDir, `${storeHash(name)}-${name}`);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(p, rel)), { recursive: true });
    fs.writeFileSync(path.join(p, rel), text);
  }
  for (const [rel, target] of Object.entries(links)) {
    fs.mkdirSync(path.dirname(path.join(p, rel)), { recursive: true });
    fs.symlinkSync(target, path.join(p, rel));
  }
  fs.mkdirSync(p, { recursive: true });
  return p;
}

/** A store with two containers' worth of roots, and some garbage. */
function fixture(tr: TempRoot) {
  const pkg = new PackageSource(tr.paths).realize('coreutils', collectingProgress());
  const layer = addPath(tr, 'deb-fake-1.0-amd64', { 'usr/bin/fake': 'binary\n' });
  const unit = addPath(tr, 'unit-web.service', { 'web.service': '[Service]\nExecStart=/bin/true\n' });
  const top1 = addPath(
    tr,
    'nixos-system-c1-1',
    { 'usr-layers': `${layer}\n`, 'etc/motd': 'hello\n' },
    { 'sw/bin/ls': path.join(pkg.outPath, 'bin', 'ls'), 'etc/systemd/system/web.service': path.join(unit, 'web.service') },
  );
  const top0 = addPath(tr, 'nixos-system-c1-0', { 'init': `#!/bin/sh\nexec ${unit}/web.service.\n` });
  const kept = addPath(tr, 'gcrooted-thing', { 'data': 'x'.repeat(5000) });
  const deadDep = addPath(tr, 'dead-dep', { 'data': 'y'.repeat(10000) });
  const dead = addPath(tr, 'dead-top', { 'refs': `${deadDep}/data\n` });
  const unrelated = new PackageSource(tr.paths).realize('grep', collectingProgress()).outPath;

  const prof = path.join(tr.paths.profilesDir, 'c1');
  fs.mkdirSync(prof, { recursive: true });
  fs.symlinkSync(top0, path.join(prof, 'system-1-link'));
  fs.symlinkSync(top1, path.join(prof, 'system-2-link'));
  fs.symlinkSync('system-2-link', path.join(prof, 'system'));
  const roots = path.join(tr.paths.gcrootsDir, 'c2');
  fs.mkdirSync(roots, { recursive: true });
  fs.symlinkSync(path.join(kept, 'data'), path.join(roots, 'keep'));
  fs.symlinkSync(path.join(tr.paths.storeDir, 'gone-already'), path.join(roots, 'dangling'));
  return { pkg: pkg.outPath, layer, unit, top0, top1, kept, dead, deadDep, unrelated };
}

test('gc deletes what no generation or gcroot references, and keeps the closure', () => {
  const tr = tempRoot();
  try {
    const f = fixture(tr);
    const all = storeEntries(tr.paths);
    const dry = collectGarbage(tr.paths, { dryRun: true });
    assert.deepEqual(dry.dead.map((d) => d.path).sort(), [f.dead, f.deadDep, f.unrelated].sort());
    assert.deepEqual(storeEntries(tr.paths), all, 'dry run deletes nothing');
    assert.ok(dry.dead.find((d) => d.path === f.deadDep)!.bytes >= 10000, 'sizes are counted');
    assert.equal(dry.totalBytes, dry.dead.reduce((n, d) => n + d.bytes, 0));

    const res = collectGarbage(tr.paths);
    assert.deepEqual(res.dead.map((d) => d.path).sort(), [f.dead, f.deadDep, f.unrelated].sort());
    for (const p of [f.dead, f.deadDep, f.unrelated]) assert.equal(fs.existsSync(p), false, `${p} deleted`);
    for (const p of [f.pkg, f.layer, f.unit, f.top0, f.top1, f.kept]) assert.ok(fs.existsSync(p), `${p} kept`);
    assert.equal(res.live, 6);
    assert.equal(collectGarbage(tr.paths).dead.length, 0, 'a second run finds nothing');

    // Dropping the old generation frees what only it referenced... nothing here (unit is
    // shared); dropping the profile altogether frees the system, its package and its layer.
    fs.rmSync(path.join(tr.paths.profilesDir, 'c1'), { recursive: true });
    const after = collectGarbage(tr.paths);
    assert.deepEqual(after.dead.map((d) => d.path).sort(), [f.pkg, f.layer, f.unit, f.top0, f.top1].sort());
    assert.ok(fs.existsSync(f.kept));
  } finally {
    tr.cleanup();
  }
});

test('a package output keeps its usr layers alive through nix-support/usr-layers', () => {
  const tr = tempRoot();
  try {
    const layer = addPath(tr, 'deb-lib-1-amd64', { 'usr/lib/libx.so': 'elf\n' });
    const out = addPath(tr, 'tool-1', { 'nix-support/usr-layers': `${layer}\n` }, { 'bin/tool': '/usr/bin/tool' });
    const top = addPath(tr, 'nixos-system-c-1', {}, { 'sw/bin/tool': path.join(out, 'bin', 'tool') });
    fs.mkdirSync(path.join(tr.paths.profilesDir, 'c'), { recursive: true });
    fs.symlinkSync(top, path.join(tr.paths.profilesDir, 'c', 'system-1-link'));
    assert.deepEqual(collectGarbage(tr.paths).dead, []);
    assert.ok(fs.existsSync(layer));
  } finally {
    tr.cleanup();
  }
});

test('nixos-container gc prints what it frees; --dry-run only what it would', (t) => {
  if (!fs.existsSync(BIN)) return t.skip(`${BIN} is missing`);
  const tr = tempRoot();
  try {
    const f = fixture(tr);
    const env = { ...process.env, NIXOS_CONTAINER_ROOT: tr.root };
    const dry = spawnSync(process.execPath, ['--stack-size=6000', BIN, 'gc', '--dry-run'], { env, encoding: 'utf8' });
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`^would delete '${f.dead}' \\(`, 'm'));
    assert.match(dry.stdout, /^3 store paths would be deleted, [\d.]+ KiB would be freed$/m);
    assert.ok(fs.existsSync(f.dead));
    const real = spawnSync(process.execPath, ['--stack-size=6000', BIN, 'gc'], { env, encoding: 'utf8' });
    assert.equal(real.status, 0, real.stderr);
    assert.match(real.stdout, new RegExp(`^deleting '${f.deadDep}' \\(`, 'm'));
    assert.match(real.stdout, /^3 store paths deleted, [\d.]+ KiB freed$/m);
    assert.equal(fs.existsSync(f.dead), false);
    const json = spawnSync(process.execPath, ['--stack-size=6000', BIN, 'gc', '--json'], { env, encoding: 'utf8' });
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).deleted, []);
    const bad = spawnSync(process.execPath, ['--stack-size=6000', BIN, 'gc', '--bogus'], { env, encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /unknown option '--bogus'/);
  } finally {
    tr.cleanup();
  }
});
