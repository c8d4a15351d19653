// applyHostNetwork: the host side of a container's veth, configured in one `ip -batch`,
// idempotent (a second run finds everything in place), failures named by command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { applyHostNetwork, linkExists } from '../../src/runtime/network';

const A = 'nc-hn-test0';
const B = 'nc-hn-test1';

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create a veth pair';
  if (spawnSync('ip', ['-V']).status !== 0) return 'iproute2 (ip) is not installed';
  return undefined;
}

test('host network: one batch, idempotent, IPv4 and IPv6, errors name the command', (t) => {
  const skip = skipReason();
  if (skip) return t.skip(skip);
  spawnSync('ip', ['link', 'delete', 'dev', A]);
  assert.equal(spawnSync('ip', ['link', 'add', A, 'type', 'veth', 'peer', 'name', B]).status, 0);
  try {
    const cmds = [
      ['ip', 'link', 'set', 'dev', A, 'up'],
      ['ip', 'addr', 'add', '10.251.7.1', 'dev', A],
      ['ip', '-6', 'addr', 'add', 'fd42:7::1', 'dev', A, 'nodad'],
      ['ip', 'route', 'add', '10.251.7.2', 'dev', A],
      ['ip', '-6', 'route', 'add', 'fd42:7::2', 'dev', A],
    ];
    assert.deepEqual(applyHostNetwork(cmds), []);
    const addrs = spawnSync('ip', ['addr', 'show', 'dev', A], { encoding: 'utf8' }).stdout;
    assert.match(addrs, /inet 10\.251\.7\.1\/32/);
    assert.match(addrs, /inet6 fd42:7::1\/128/);
    assert.match(spawnSync('ip', ['route', 'show', 'dev', A], { encoding: 'utf8' }).stdout, /^10\.251\.7\.2 /m);
    assert.match(spawnSync('ip', ['-6', 'route', 'show', 'dev', A], { encoding: 'utf8' }).stdout, /^fd42:7::2 /m);
    // Everything already in place: nothing to report.
    assert.deepEqual(applyHostNetwork(cmds), []);
    const errors = applyHostNetwork([...cmds, ['ip', 'route', 'add', '10.251.7.3', 'dev', 'nc-hn-absent']]);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^ip route add 10\.251\.7\.3 dev nc-hn-absent: .*nc-hn-absent/);
  } finally {
    spawnSync('ip', ['link', 'delete', 'dev', A]);
  }
  assert.equal(linkExists(A), false);
});
