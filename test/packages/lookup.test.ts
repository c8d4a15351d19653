// Names, lookups, suggestions and the nixpkgs -> Debian table, against the host's real apt
// lists and dpkg status (no downloads).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PackageSource, unknownPackageMessage, NIXPKGS_TO_DEBIAN, debianNamesFor } from '../../src/packages';
import { compareDebVersions } from '../../src/packages/debversion';
import { editDistance } from '../../src/packages/suggest';
import { packageListFiles, DEFAULT_HOST } from '../../src/packages/archive-index';
import { hostHas, tempRoot } from './helpers';

const tr = tempRoot();
const src = new PackageSource(tr.paths);
test.after(() => tr.cleanup());

const haveLists = packageListFiles(DEFAULT_HOST.listsDir).length > 0;

test('Debian version ordering follows dpkg', () => {
  const ordered = ['1.0~rc1', '1.0', '1.0-1', '1.0-1+b1', '1.0-2', '1.0a', '1.1', '1.10', '2:0.1', '2:0.1-1~deb12u1', '2:0.1-1'];
  for (let i = 0; i + 1 < ordered.length; i++) {
    assert.ok(compareDebVersions(ordered[i], ordered[i + 1]) < 0, `${ordered[i]} < ${ordered[i + 1]}`);
    assert.ok(compareDebVersions(ordered[i + 1], ordered[i]) > 0, `${ordered[i + 1]} > ${ordered[i]}`);
  }
  assert.equal(compareDebVersions('0:1.2-3', '1.2-3'), 0);
  assert.equal(compareDebVersions('1.02', '1.2'), 0);
});

test('edit distance counts insertions, substitutions and transpositions', () => {
  assert.equal(editDistance('jq', 'jqq', 3), 1);
  assert.equal(editDistance('ngnix', 'nginx', 3), 1);
  assert.equal(editDistance('curl', 'wget', 10), 4);
  assert.equal(editDistance('abc', 'abcdefgh', 2), 3, 'gives up past the limit');
});

test('a package installed on the host resolves in place', () => {
  const info = src.lookup('coreutils');
  assert.ok(info, 'coreutils is found');
  assert.equal(info.debName, 'coreutils');
  assert.equal(info.installedOnHost, true);
  assert.match(info.version, /^\d/);
  assert.equal(info.description, 'GNU core utilities');
});

test('names() lists the archive, the installed packages and the aliases', (t) => {
  const names = src.names();
  const set = new Set(names);
  assert.ok(set.has('coreutils'));
  assert.ok(set.has('gnugrep'), 'nixpkgs alias');
  assert.ok(set.has('bind.dnsutils'), 'dotted nixpkgs alias');
  assert.deepEqual(names, [...names].sort(), 'sorted');
  if (!haveLists) return t.skip('apt has no package lists on this host');
  assert.ok(names.length > 50000, `the Debian archive has tens of thousands of packages (got ${names.length})`);
  assert.ok(set.has('hello'));
  assert.ok(set.has('postgresql_15'), 'systematic renaming of postgresql-15');
});

test('nixpkgs names map through the table', (t) => {
  assert.deepEqual(debianNamesFor('openssh'), ['openssh-server', 'openssh-client']);
  assert.deepEqual(debianNamesFor('gnugrep'), ['grep']);
  assert.deepEqual(debianNamesFor('gnused'), ['sed']);
  assert.deepEqual(debianNamesFor('bind.dnsutils'), ['bind9-dnsutils']);
  assert.deepEqual(debianNamesFor('postgresql_15'), ['postgresql-15']);
  assert.deepEqual(debianNamesFor('python311'), ['python3.11']);
  assert.deepEqual(debianNamesFor('python3Packages.requests'), ['python3-requests']);
  assert.deepEqual(debianNamesFor('nodejs-18_x'), ['nodejs']);
  assert.equal(debianNamesFor('curl-ish-unknown'), undefined);
  const grep = src.lookup('gnugrep');
  assert.ok(grep);
  assert.equal(grep.debName, 'grep');
  assert.equal(grep.attr, 'gnugrep');
  if (!haveLists) return t.skip('apt has no package lists on this host');
  const ssh = src.lookup('openssh');
  assert.ok(ssh);
  assert.equal(ssh.debName, 'openssh-server');
  assert.deepEqual(src.debNames('openssh'), ['openssh-server', 'openssh-client']);
  assert.equal(src.lookup('bind.dnsutils')?.debName, 'bind9-dnsutils');
});

test('every Debian package the table names exists in the archive', (t) => {
  if (!haveLists) return t.skip('apt has no package lists on this host');
  const missing: string[] = [];
  for (const [attr, debs] of Object.entries(NIXPKGS_TO_DEBIAN)) {
    for (const d of debs) if (!src.debNames(d).length) missing.push(`${attr} -> ${d}`);
  }
  assert.deepEqual(missing, []);
});

test('unknown names fail with a suggestion', () => {
  assert.equal(src.lookup('jqq'), undefined);
  assert.equal(src.has('jqq'), false);
  const sugg = src.suggest('jqq');
  assert.ok(sugg.includes('jq'), `jq among ${sugg}`);
  if (hostHas('jq')) assert.deepEqual(sugg, ['jq'], 'the installed one wins over equally close names');
  const msg = unknownPackageMessage('jqq', ['jq']);
  assert.match(msg, /^error: package 'jqq' does not exist in the host's archive \(\w+\); did you mean 'jq'\?$/);
  assert.match(unknownPackageMessage('x', ['a', 'b']), /did you mean one of 'a' or 'b'\?$/);
  assert.doesNotMatch(unknownPackageMessage('x', []), /did you mean/);
  assert.equal(src.suggest('cureutils')[0], 'coreutils');
  assert.throws(() => src.realize('jqq'), (e: Error) => /^error: package 'jqq' does not exist.*did you mean .*'jq'/.test(e.message));
  assert.deepEqual(src.suggest('zzzzqqqqxxxx'), [], 'nothing close: no suggestion');
});

test('the host used here is what dpkg says', () => {
  assert.equal(src.lookup('coreutils')?.installedOnHost, hostHas('coreutils'));
});
