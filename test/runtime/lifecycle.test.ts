// Real systemd-nspawn: boots a hand-built toplevel (fixture-toplevel.ts) in a temporary state
// root and exercises the runtime API end to end. Needs root and systemd-nspawn.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StatePaths, statePaths } from '../../src/state/paths';
import * as rt from '../../src/runtime';
import { inspect } from '../../src/runtime/status';
import { procStartTime, sleep } from '../../src/runtime/proc';
import { buildFixtureToplevel } from './fixture-toplevel';
import { localGetRetry } from '../local-http';

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (systemd-nspawn, veth links)';
  if (spawnSync('systemd-nspawn', ['--version']).status !== 0) return 'systemd-nspawn is not installed';
  if (spawnSync('nsenter', ['--version']).status !== 0) return 'nsenter is not installed';
  if (!fs.existsSync('/usr/bin/python3')) return '/usr/bin/python3 (the fixture service) is missing';
  return undefined;
}
const skip = skipReason();
if (skip) process.stdout.write(`# skipping runtime lifecycle tests: ${skip}\n`);

const suffix = Math.random().toString(36).slice(2, 6);
const NAME = `rt${suffix}`;
const N = 100 + Math.floor(Math.random() * 150);
const HOST4 = `10.233.${N}.1`;
const LOCAL4 = `10.233.${N}.2`;
const HOST6 = `fc00:${N.toString(16)}::1`;
const LOCAL6 = `fc00:${N.toString(16)}::2`;

let tmp = '';
let paths: StatePaths;
let T1 = '';
let T2 = '';
const conf = (): rt.ContainerConfig => ({
  PRIVATE_NETWORK: '1', HOST_ADDRESS: HOST4, LOCAL_ADDRESS: LOCAL4, HOST_ADDRESS6: HOST6, LOCAL_ADDRESS6: LOCAL6,
  HOST_BRIDGE: '', HOST_PORT: '', AUTO_START: '0',
});
const ref = (toplevel = T1): rt.ContainerRef => ({ name: NAME, paths, conf: conf(), toplevel });

/** The body of a GET to the fixture's HTTP service, sent only over the container's veth. */
async function httpGetRetry(host: string): Promise<string> {
  return (await localGetRetry(host, 8080, `ve-${NAME}`)).body.trim();
}

function helper(mode: string, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'run-helper.js'), mode, NAME, ...args], {
    env: { ...process.env, NIXOS_CONTAINER_ROOT: tmp, NIXOS_CONTAINER_SUPERVISOR: '1' },
    input: input ?? '',
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function leftovers(): string[] {
  const found: string[] = [];
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
  if (links.includes(`ve-${NAME}`)) found.push(`link ve-${NAME}`);
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes(tmp) && Number(p) !== process.pid) found.push(`process ${p}: ${cmd.replace(/\0/g, ' ').slice(0, 120)}`);
    } catch {
      /* gone */
    }
  }
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(tmp));
  found.push(...mounts.map((m) => `mount ${m}`));
  return found;
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(25);
  }
  return true;
}

describe('runtime with real systemd-nspawn', { skip }, () => {
  before(() => {
    process.env.NIXOS_CONTAINER_SUPERVISOR = '1';
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-runtime-'));
    paths = statePaths({ NIXOS_CONTAINER_ROOT: tmp });
    fs.mkdirSync(paths.storeDir, { recursive: true });
    T1 = buildFixtureToplevel(paths, {
      hostname: NAME,
      greeting: 'hello-one',
      units: {
        'old.service': { wanted: true, text: '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' },
      },
    });
    T2 = buildFixtureToplevel(paths, {
      hostname: NAME,
      greeting: 'hello-two',
      units: {
        'extra.service': { wanted: true, text: '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' },
      },
    });
  });

  after(async () => {
    try {
      await rt.terminateContainer(NAME, paths);
      await rt.terminateContainer(`${NAME}x`, paths);
    } finally {
      rt.removeNetworkLeftovers(NAME);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reports a stopped container as down, and run fails naming it', () => {
    assert.equal(rt.containerStatus(NAME, paths), 'down');
    assert.equal(rt.leaderPid(NAME, paths), undefined);
    const r = helper('run', ['true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unable to get container's main PID/);
    assert.match(r.stderr, new RegExp(NAME));
  });

  it('fails to start a system without init, naming the container', async () => {
    const bad = path.join(paths.storeDir, 'zzzz-nixos-system-broken');
    fs.mkdirSync(bad, { recursive: true });
    await assert.rejects(rt.startContainer({ ...ref(bad), name: `${NAME}x` }), (e: Error) => {
      assert.match(e.message, new RegExp(`container '${NAME}x'`));
      assert.match(e.message, /no executable init/);
      return true;
    });
  });

  it('reports an init that dies during boot with the tail of the console', async () => {
    const bad = path.join(paths.storeDir, 'yyyy-nixos-system-dies');
    fs.mkdirSync(bad, { recursive: true });
    fs.writeFileSync(path.join(bad, 'init'), '#!/bin/sh\necho "activation exploded" >&2\nexit 3\n', { mode: 0o755 });
    await assert.rejects(rt.startContainer({ ...ref(bad), name: `${NAME}x` }), (e: Error) => {
      assert.match(e.message, new RegExp(`failed to start container '${NAME}x'`));
      assert.match(e.message, /activation exploded/);
      return true;
    });
    assert.equal(rt.containerStatus(`${NAME}x`, paths), 'down');
  });

  it('boots the container and returns once it is up', async () => {
    await rt.startContainer(ref());
    assert.equal(rt.containerStatus(NAME, paths), 'up');
    const leader = rt.leaderPid(NAME, paths)!;
    assert.ok(leader > 0);
    assert.equal(fs.readFileSync(`/proc/${leader}/comm`, 'utf8').trim(), 'systemd');
    const log = fs.readFileSync(rt.consoleLog(paths, NAME), 'utf8');
    assert.ok(log.includes('multi-user'), log);
  });

  it('start of a running container changes nothing', async () => {
    const leader = rt.leaderPid(NAME, paths)!;
    const start = procStartTime(leader);
    await rt.startContainer(ref());
    assert.equal(rt.leaderPid(NAME, paths), leader);
    assert.equal(procStartTime(leader), start);
  });

  it('answers the host on LOCAL_ADDRESS and LOCAL_ADDRESS6', async () => {
    assert.match(await httpGetRetry(LOCAL4), /^hello-one pid=\d+$/);
    assert.match(await httpGetRetry(LOCAL6), /^hello-one pid=\d+$/);
  });

  it('has its hostname, /etc file, user and eth0 inside', () => {
    const r = helper('run', ['sh', '-c', 'hostname; cat /etc/greeting; id -u alice; ip -o addr show dev eth0 | grep -c inet']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), [NAME, 'hello-one', '1000', '3', '']);
  });

  it('run passes awkward arguments through exactly and returns the exit code', () => {
    const args = ['a b', "it's", '"q"', '$HOME', '*', '', '\\n', '-la', '--', 'é'];
    const r = helper('run', ['printf', '[%s]\\n', ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, args.map((a) => `[${a}]\n`).join(''));
    const exit42 = helper('run', ['sh', '-c', 'exit 42']);
    assert.equal(exit42.code, 42, exit42.stderr);
    const no = helper('run', ['false']);
    assert.equal(no.code, 1, no.stderr);
    const empty = helper('run', []);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, '');
    const env = helper('run', ['sh', '-c', 'echo "$HOME|$USER|$NC_PROFILE_SOURCED|$(pwd)|$(id -u)"']);
    assert.equal(env.stdout, '/root|root|1|/root|0\n', env.stderr);
    const cat = spawnSync(process.execPath, [path.join(__dirname, 'run-helper.js'), 'run', NAME, 'cat'], {
      env: { ...process.env, NIXOS_CONTAINER_ROOT: tmp }, input: 'from stdin\n', encoding: 'utf8',
    });
    assert.equal(cat.stdout, 'from stdin\n', cat.stderr);
  });

  it('root-login reads commands from stdin and returns the shell status', () => {
    const r = helper('root-login', [], 'echo "$((6 * 7)) $(id -un)"\nexit 3\n');
    assert.equal(r.stdout, '42 root\n');
    assert.equal(r.code, 3);
  });

  it('switches live: changed service restarted, new started, removed stopped, PID 1 kept', async () => {
    const leader = rt.leaderPid(NAME, paths)!;
    const pid1Start = procStartTime(leader);
    const before = await httpGetRetry(LOCAL4);
    assert.equal(helper('run', ['systemctl', 'is-active', 'old.service']).stdout.trim(), 'active');
    const report = await rt.switchContainer(ref(T2), T1);
    assert.deepEqual(report.restarted, ['hello.service']);
    assert.deepEqual(report.started, ['extra.service']);
    assert.deepEqual(report.stopped, ['old.service']);
    const afterSwitch = await httpGetRetry(LOCAL4);
    assert.match(afterSwitch, /^hello-two pid=\d+$/);
    assert.notEqual(afterSwitch.split('pid=')[1], before.split('pid=')[1]);
    assert.equal(helper('run', ['cat', '/etc/greeting']).stdout, 'hello-two\n');
    assert.equal(helper('run', ['systemctl', 'is-active', 'extra.service']).stdout.trim(), 'active');
    assert.notEqual(helper('run', ['systemctl', 'is-active', 'old.service']).stdout.trim(), 'active');
    assert.equal(rt.leaderPid(NAME, paths), leader);
    assert.equal(procStartTime(leader), pid1Start);
  });

  it('a reboot inside the container boots it again, with the switched-to system', async () => {
    const leader = rt.leaderPid(NAME, paths)!;
    helper('run', ['systemctl', 'reboot']);
    assert.ok(
      await waitFor(() => rt.containerStatus(NAME, paths) === 'up' && rt.leaderPid(NAME, paths) !== leader, 30_000),
      rt.consoleTail(paths, NAME),
    );
    assert.match(await httpGetRetry(LOCAL4), /^hello-two pid=\d+$/);
    assert.equal(helper('run', ['systemctl', 'is-active', 'extra.service']).stdout.trim(), 'active');
    // A second boot of the same root is clean too (no failed units).
    assert.equal(helper('run', ['systemctl', 'is-system-running']).stdout.trim(), 'running');
  });

  it('stops cleanly, leaving nothing behind; stop of a stopped container is a no-op', async () => {
    await rt.stopContainer(NAME, paths);
    assert.equal(rt.containerStatus(NAME, paths), 'down');
    assert.match(fs.readFileSync(rt.consoleLog(paths, NAME), 'utf8'), /Halting system|System Halt/);
    assert.deepEqual(leftovers(), []);
    await rt.stopContainer(NAME, paths);
    assert.equal(rt.containerStatus(NAME, paths), 'down');
    // No route to the container's address is left (no traffic is sent: without the veth the
    // host's default route would carry it off the machine).
    const route = spawnSync('ip', ['route', 'show', LOCAL4], { encoding: 'utf8' }).stdout;
    assert.equal(route.trim(), '');
  });

  it('a start racing a stop ends consistent', async () => {
    await Promise.allSettled([rt.startContainer(ref(T2)), sleep(300).then(() => rt.stopContainer(NAME, paths))]);
    const i = inspect(paths, NAME);
    if (rt.containerStatus(NAME, paths) === 'up') {
      assert.ok(i.nspawn && i.leader);
    } else {
      assert.ok(!i.nspawn);
      assert.ok(await waitFor(() => leftovers().length === 0, 5000), leftovers().join('\n'));
    }
    await rt.stopContainer(NAME, paths);
    assert.deepEqual(leftovers(), []);
  });

  it('terminate kills it and leaves nothing behind', async () => {
    await rt.startContainer(ref(T2));
    const leader = rt.leaderPid(NAME, paths)!;
    await rt.terminateContainer(NAME, paths);
    assert.equal(rt.containerStatus(NAME, paths), 'down');
    assert.equal(procStartTime(leader), undefined);
    assert.deepEqual(leftovers(), []);
  });

  it('status tells the truth after kill -9 of the leader', async () => {
    await rt.startContainer(ref(T2));
    process.kill(rt.leaderPid(NAME, paths)!, 'SIGKILL');
    assert.ok(await waitFor(() => rt.containerStatus(NAME, paths) === 'down', 5000));
    assert.ok(await waitFor(() => leftovers().length === 0, 5000), leftovers().join('\n'));
  });

  it('status tells the truth after kill -9 of nspawn, and the rest is cleaned up', async () => {
    await rt.startContainer(ref(T2));
    const i = inspect(paths, NAME);
    process.kill(i.rec!.nspawn!.pid, 'SIGKILL');
    assert.ok(await waitFor(() => rt.containerStatus(NAME, paths) === 'down', 2000));
    assert.ok(await waitFor(() => leftovers().length === 0, 8000), leftovers().join('\n'));
  });

  /** A start in a child process, interrupted with `signal` once it follows the boot. */
  async function interruptedStart(signal: NodeJS.Signals): Promise<void> {
    const child = spawn(process.execPath, [path.join(__dirname, 'run-helper.js'), 'start', NAME, T2, JSON.stringify(conf())], {
      env: { ...process.env, NIXOS_CONTAINER_ROOT: tmp, NIXOS_CONTAINER_SUPERVISOR: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.on('exit', r));
    assert.ok(await waitFor(() => !!inspect(paths, NAME).rec?.leader, 20_000), 'the start recorded the container init');
    assert.equal(inspect(paths, NAME).rec?.ready, undefined, 'interrupted before the end of boot');
    child.kill(signal);
    await exited;
  }

  it('a start interrupted by ^C (SIGINT) hands over: the container still comes up', async () => {
    await rt.stopContainer(NAME, paths);
    await interruptedStart('SIGINT');
    assert.ok(await waitFor(() => rt.containerStatus(NAME, paths) === 'up', 60_000), 'up after the hand-over');
    assert.match(await httpGetRetry(LOCAL4), /^hello-two/);
    await rt.stopContainer(NAME, paths);
    assert.deepEqual(leftovers(), []);
  });

  it('a start killed with -9 during boot: the next start follows that boot to the end', async () => {
    await interruptedStart('SIGKILL');
    const leader = inspect(paths, NAME).rec!.leader!;
    await rt.startContainer(ref(T2));
    assert.equal(rt.containerStatus(NAME, paths), 'up');
    assert.deepEqual(inspect(paths, NAME).rec!.leader, leader, 'the same boot, not a new one');
    await rt.stopContainer(NAME, paths);
    assert.deepEqual(leftovers(), []);
  });

  it('recovers from kill -9 of both supervisor and nspawn: status down, next start works', async () => {
    await rt.startContainer(ref(T2));
    const i = inspect(paths, NAME);
    process.kill(i.rec!.supervisor!.pid, 'SIGKILL');
    process.kill(i.rec!.nspawn!.pid, 'SIGKILL');
    assert.ok(await waitFor(() => rt.containerStatus(NAME, paths) === 'down', 2000));
    assert.equal(rt.leaderPid(NAME, paths), undefined);
    await rt.startContainer(ref(T2)); // kills the orphaned container first
    assert.equal(procStartTime(i.rec!.leader!.pid) === i.rec!.leader!.start, false);
    assert.equal(rt.containerStatus(NAME, paths), 'up');
    assert.match(await httpGetRetry(LOCAL4), /^hello-two/);
    assert.throws(() => rt.removeRuntimeState(NAME, paths), /is running/);
    await rt.stopContainer(NAME, paths);
    assert.deepEqual(leftovers(), []);
    rt.removeRuntimeState(NAME, paths);
    assert.equal(fs.existsSync(path.join(paths.runDir, NAME)), false);
  });
});
