// Unit tests for src/nix/versions.ts. Expected values come from nix-instantiate 2.8.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, parseDrvName, splitVersion } from '../../src/nix/versions';

test('splitVersion', () => {
  assert.deepEqual(splitVersion('1.2.3a-b'), ['1', '2', '3', 'a', 'b']);
  assert.deepEqual(splitVersion('1..0'), ['1', '0']);
  assert.deepEqual(splitVersion('2.3pre1'), ['2', '3', 'pre', '1']);
  assert.deepEqual(splitVersion('nix-2.8.0pre20220101_abc'), ['nix', '2', '8', '0', 'pre', '20220101', '_abc']);
  assert.deepEqual(splitVersion(''), []);
  assert.deepEqual(splitVersion('.-.'), []);
});

test('compareVersions', () => {
  const cases: [string, string, number][] = [
    ['1.0', '2.3', -1], ['2.1', '2.3', -1], ['2.3', '2.3', 0], ['2.5', '2.3', 1], ['3.1', '2.3', 1],
    ['2.3.1', '2.3', 1], ['2.3.1', '2.3a', 1], ['2.3pre1', '2.3', -1], ['2.3pre3', '2.3pre12', -1],
    ['2.3a', '2.3c', -1], ['2.3pre1', '2.3c', -1], ['2.3pre1', '2.3q', -1], ['1.0', '1.0.0', -1],
    ['1', '1.', 0], ['2.3-1', '2.3.1', 0], ['2.3_1', '2.3.1', -1], ['', '1', -1], ['pre', '', -1],
    ['a', '', 1], ['2147483647', '1', 1], ['2147483648', '1', -1], ['2147483648', 'a', -1], ['2147483647', 'a', 1],
    ['9223372036854775807', '', 1],
  ];
  for (const [a, b, r] of cases) {
    assert.equal(compareVersions(a, b), r, `${a} vs ${b}`);
    assert.equal(compareVersions(b, a), r === 0 ? 0 : -r, `${b} vs ${a}`);
  }
});

test('parseDrvName', () => {
  assert.deepEqual(parseDrvName('hello-2.1'), { name: 'hello', version: '2.1' });
  assert.deepEqual(parseDrvName('foo-bar-1.2'), { name: 'foo-bar', version: '1.2' });
  assert.deepEqual(parseDrvName('foo-Bar'), { name: 'foo-Bar', version: '' });
  assert.deepEqual(parseDrvName('-1'), { name: '', version: '1' });
  assert.deepEqual(parseDrvName('foo-'), { name: 'foo-', version: '' });
  assert.deepEqual(parseDrvName('x-y-1z'), { name: 'x-y', version: '1z' });
  assert.deepEqual(parseDrvName('nix-2.8.0pre20220101_abc'), { name: 'nix', version: '2.8.0pre20220101_abc' });
  assert.deepEqual(parseDrvName('a-_b'), { name: 'a', version: '_b' });
});
