// The upstream verbs end to end on a real container: create --system-path (a hand-built
// toplevel from the runtime's test fixture), start, status, run, root-login, stop,
// terminate, start --all, destroy of a running container. Needs root and systemd-nspawn.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, Sandbox, containerForTests, exists, fixtureBootSkipReason } from './helpers';
import { statePaths } from '../../src/state/paths';
import { buildFixtureToplevel } from '../runtime/fixture-toplevel';

const skip = fixtureBootSkipReason();
if (skip) process.stdout.write(`# skipping CLI lifecycle tests: ${skip}\n`);

const sb = new Sandbox();
const { name: NAME, n: N } = containerForTests(sb, 'cl');

describe('a container through the CLI', { skip }, () => {
  const paths = statePaths({ NIXOS_CONTAINER_ROOT: sb.root });

  it('create --system-path', () => {
    const top = buildFixtureToplevel(paths, { hostname: NAME, greeting: 'hello-from-cli' });
    const r = sb.run(['create', NAME, '--system-path', top, '--auto-start',
      '--host-address', `10.233.${N}.1`, '--local-address', `10.233.${N}.2`]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, `host IP is 10.233.${N}.1, container IP is 10.233.${N}.2\n`);
  });

  it('start, status up, start again is a no-op', () => {
    const r = sb.run(['start', NAME]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sb.run(['status', NAME]).stdout, 'up\n');
    { const s = sb.run(['start', NAME]); assert.equal(s.status, 0, s.stderr); }
    const list = JSON.parse(sb.run(['list', '--json']).stdout) as { name: string; status: string }[];
    assert.deepEqual(list.map((c) => [c.name, c.status]), [[NAME, 'up']]);
  });

  it('run: exact stdout, arguments unchanged, exit status passed through', () => {
    assert.deepEqual(sb.run(['run', NAME, '--', 'cat', '/etc/greeting']), { status: 0, stdout: 'hello-from-cli\n', stderr: '' });
    assert.equal(sb.run(['run', NAME, 'cat', '/etc/greeting']).stdout, 'hello-from-cli\n');
    assert.equal(sb.run(['run', NAME, '--', 'echo', "it's a test", '$HOME', '*']).stdout, "it's a test $HOME *\n");
    assert.equal(sb.run(['run', NAME, '--', 'sh', '-c', 'exit 7']).status, 7);
    assert.deepEqual(sb.run(['run', NAME]), { status: 0, stdout: '', stderr: '' });
    // Three ways in, one behaviour: `run NAME -- CMD` through BIN's shell part (nsenter without
    // Node), the same through Node's fast path (run-fast.ts), and `run NAME CMD` through the
    // general path: same login environment, working directory and umask.
    const viaFast = sb.run(['run', NAME, '--', 'sh', '-c', 'env | sort; pwd']);
    assert.equal(viaFast.status, 0);
    assert.match(viaFast.stdout, /^HOME=\/root$/m);
    const sorted = (r: { stdout: string }) => r.stdout.split('\n').sort().join('\n');
    const viaShell = sb.run(['run', NAME, '--', 'sh', '-c', 'env; pwd; umask']);
    assert.equal(viaShell.status, 0, viaShell.stderr);
    const viaNode = sb.runNode(['run', NAME, '--', 'sh', '-c', 'env; pwd; umask']);
    assert.equal(viaNode.status, 0, viaNode.stderr);
    assert.deepEqual(sorted(viaNode), sorted(viaShell));
    // (without `--`, `-c` would be read as nixos-container's own option: the script goes on stdin)
    assert.deepEqual(sorted(sb.run(['run', NAME, 'sh'], 'env; pwd; umask\n')), sorted(viaShell));
    assert.match(viaShell.stdout, /^\/root\n0022\n$/m);
    assert.equal(sb.run(['run', NAME, 'pwd']).stdout, '/root\n');
    assert.equal(sb.run(['run', NAME, '--', 'cat'], 'piped stdin\n').stdout, 'piped stdin\n');
    assert.equal(sb.runNode(['run', NAME, '--', 'cat'], 'piped stdin\n').stdout, 'piped stdin\n');
    assert.equal(sb.runNode(['run', NAME, '--', 'echo', "it's a test", '$HOME', '*', '']).stdout, "it's a test $HOME * \n");
    assert.equal(sb.runNode(['run', NAME, '--', 'sh', '-c', 'exit 7']).status, 7);
    assert.equal(sb.run(['run', NAME, '--', 'echo', '']).stdout, '\n');
    // A command killed by a signal: `run` ends by the same signal, whichever path ran it (as
    // upstream, which execs nsenter).
    const killed = (argv: string[], input = '') => spawnSync(argv[0], argv.slice(1), { env: sb.env, input, encoding: 'utf8' });
    assert.equal(killed([BIN, 'run', NAME, '--', 'sh', '-c', 'kill -TERM $$']).signal, 'SIGTERM');
    assert.equal(killed([process.execPath, '--stack-size=6000', BIN, 'run', NAME, '--', 'sh', '-c', 'kill -TERM $$']).signal, 'SIGTERM');
    assert.equal(killed([BIN, 'run', NAME, 'sh'], 'kill -HUP $$\n').signal, 'SIGHUP');
  });

  it('root-login reads commands from stdin', () => {
    const r = sb.run(['root-login', NAME], 'echo $((6*7)); hostname\n');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `42\n${NAME}\n`);
  });

  it('stop, then start --all starts it again (AUTO_START=1)', () => {
    { const s = sb.run(['stop', NAME]); assert.equal(s.status, 0, s.stderr); }
    assert.equal(sb.run(['status', NAME]).stdout, 'down\n');
    const r = sb.run(['start', '--all']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sb.run(['status', NAME]).stdout, 'up\n');
  });

  it('restart and terminate', () => {
    { const s = sb.run(['restart', NAME]); assert.equal(s.status, 0, s.stderr); }
    assert.equal(sb.run(['status', NAME]).stdout, 'up\n');
    { const s = sb.run(['terminate', NAME]); assert.equal(s.status, 0, s.stderr); }
    assert.equal(sb.run(['status', NAME]).stdout, 'down\n');
    { const s = sb.run(['start', NAME]); assert.equal(s.status, 0, s.stderr); }
  });

  it('destroy a running container removes everything', () => {
    const r = sb.run(['destroy', NAME]);
    assert.deepEqual(r, { status: 0, stdout: '', stderr: '' });
    for (const p of [sb.conf(NAME), sb.containerRoot(NAME), sb.profile(NAME), sb.gcroots(NAME)]) {
      assert.equal(exists(p), false, p);
    }
    assert.notEqual(spawnSync('ip', ['link', 'show', `ve-${NAME}`], { stdio: 'ignore' }).status, 0, 've- link removed');
    assert.equal(sb.run(['status', NAME]).stdout, 'gone\n');
  });
});

describe('a container built from --config, updated live', { skip }, () => {
  const NAME2 = `cb${Math.random().toString(36).slice(2, 7)}`;
  const N2 = 100 + ((N - 100 + 75) % 150);
  const config = (greeting: string) =>
    `networking.firewall.enable = false; environment.etc."greeting".text = "${greeting}";`;
  after(() => {
    sb.run(['destroy', NAME2]);
    spawnSync('ip', ['link', 'del', `ve-${NAME2}`], { stdio: 'ignore' });
  });

  it('create --config, start, run', () => {
    const r = sb.run(['create', NAME2, '--config', config('first'),
      '--host-address', `10.233.${N2}.1`, '--local-address', `10.233.${N2}.2`]);
    assert.equal(r.status, 0, r.stderr);
    const s = sb.run(['start', NAME2]);
    assert.equal(s.status, 0, s.stderr);
    assert.equal(sb.run(['run', NAME2, '--', 'cat', '/etc/greeting']).stdout, 'first');
  });

  it('update --config switches the running container', () => {
    const r = sb.run(['update', NAME2, '--config', config('second')]);
    assert.match(r.stderr, /^reloading container\.\.\.\n/);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(sb.run(['run', NAME2, '--', 'cat', '/etc/greeting']).stdout, 'second');
    assert.equal(sb.run(['status', NAME2]).stdout, 'up\n');
  });

  it('a failing update leaves the running container and its files alone', () => {
    const cfg = path.join(sb.containerRoot(NAME2), 'etc', 'nixos', 'configuration.nix');
    const before = fs.readFileSync(cfg, 'utf8');
    const gen = fs.readlinkSync(path.join(sb.profile(NAME2), 'system'));
    const r = sb.run(['update', NAME2, '--config', 'environment.etc."greeting".text = 42;']);
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stderr, /reloading/);
    assert.equal(fs.readFileSync(cfg, 'utf8'), before);
    assert.equal(fs.readlinkSync(path.join(sb.profile(NAME2), 'system')), gen);
    assert.equal(sb.run(['run', NAME2, '--', 'cat', '/etc/greeting']).stdout, 'second');
  });

  it('after the live update, a stop and a start boot the new system from the plan', () => {
    { const s = sb.run(['stop', NAME2]); assert.equal(s.status, 0, s.stderr); }
    { const s = sb.run(['start', NAME2]); assert.equal(s.status, 0, s.stderr); }
    if (!fs.existsSync('/run/systemd/system')) {
      const log = fs.readFileSync(path.join(sb.p('run', 'nixos-containers', NAME2), 'console.log'), 'utf8');
      assert.equal(log.split('\n')[0], 'nixos-container: started from the plan of the last start');
    }
    assert.equal(sb.run(['run', NAME2, '--', 'cat', '/etc/greeting']).stdout, 'second');
  });

  it('destroy', () => {
    assert.deepEqual(sb.run(['destroy', NAME2]), { status: 0, stdout: '', stderr: '' });
    assert.equal(exists(sb.containerRoot(NAME2)), false);
  });
});
