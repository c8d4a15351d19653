// `start NAME` from the plan of the last start (the start fast path in bin/nixos-container's
// shell part, src/runtime/start-plan.ts), on real containers: the plan is used when nothing it
// was made from has changed, and not otherwise; a start begun from it ends like any other
// (ready, network configured, lock released); a fast start whose Node follower died is
// picked up by the next `start`. Needs root and systemd-nspawn.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, Sandbox, containerForTests, fixtureBootSkipReason } from './helpers';
import { localGetRetry } from '../local-http';
import { statePaths } from '../../src/state/paths';
import { setGeneration } from '../../src/system/profiles';
import { buildFixtureToplevel } from '../runtime/fixture-toplevel';

function skipReason(): string | undefined {
  if (fs.existsSync('/run/systemd/system')) return 'the host runs systemd: starts go through container@NAME.service, not the plan';
  return fixtureBootSkipReason();
}
const skip = skipReason();
if (skip) process.stdout.write(`# skipping start fast path tests: ${skip}\n`);

const PLAN_LINE = 'nixos-container: started from the plan of the last start';
const sb = new Sandbox();
const { name: NAME, n: N } = containerForTests(sb, 'sf');
const LOCAL = `10.233.${N}.2`;

describe('start from the plan of the last start', { skip }, () => {
  const paths = statePaths({ NIXOS_CONTAINER_ROOT: sb.root });
  const runDir = path.join(paths.runDir, NAME);
  const plan = path.join(runDir, 'start-plan.sh');
  const firstConsoleLine = () => fs.readFileSync(path.join(runDir, 'console.log'), 'utf8').split('\n')[0];
  const start = () => {
    const r = sb.run(['start', NAME]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout + r.stderr, '');
  };
  const stop = () => {
    const r = sb.run(['stop', NAME]);
    assert.equal(r.status, 0, r.stderr);
  };
  const greeting = () => sb.run(['run', NAME, '--', 'cat', '/etc/greeting']).stdout;
  let topA = '';
  let topB = '';

  it('the first start writes a plan, the next start of the stopped container uses it', async () => {
    topA = buildFixtureToplevel(paths, { hostname: NAME, greeting: 'plan-a' });
    topB = buildFixtureToplevel(paths, { hostname: NAME, greeting: 'plan-b' });
    const c = sb.run(['create', NAME, '--system-path', topA, '--host-address', `10.233.${N}.1`, '--local-address', LOCAL]);
    assert.equal(c.status, 0, c.stderr);
    // A conf as a person may leave it: quotes, a backslash, a `$`, no newline at the end.
    fs.appendFileSync(sb.conf(NAME), `COPY_RESOLV_CONF=1\n# it's a "test" \\ of $HOME`);
    start();
    assert.notEqual(firstConsoleLine(), PLAN_LINE);
    assert.ok(fs.existsSync(plan), 'the start left a plan');
    stop();
    const resolv = path.join(sb.containerRoot(NAME), 'etc', 'resolv.conf');
    fs.writeFileSync(resolv, '# stale\n');

    start();
    assert.equal(firstConsoleLine(), PLAN_LINE);
    if (fs.existsSync('/etc/resolv.conf')) {
      assert.equal(fs.readFileSync(resolv, 'utf8'), fs.readFileSync('/etc/resolv.conf', 'utf8'), 'COPY_RESOLV_CONF');
    }
    assert.equal(sb.run(['status', NAME]).stdout, 'up\n');
    assert.equal(greeting(), 'plan-a\n');
    // The host side of the network was configured by the follower.
    const page = await localGetRetry(LOCAL, 8080, `ve-${NAME}`);
    assert.match(page.body, /^plan-a pid=\d+\n$/);
    const rec = JSON.parse(fs.readFileSync(path.join(runDir, 'state.json'), 'utf8'));
    assert.equal(rec.ready, true);
    assert.equal(rec.toplevel, topA);
    for (const k of ['supervisor', 'monitor', 'nspawn', 'leader']) assert.ok(rec[k]?.pid > 0, k);
    assert.equal(fs.existsSync(path.join(runDir, 'lock')), false, 'the lock was released');
  });

  it('start of the running container stays a no-op', () => {
    const leader = fs.readFileSync(path.join(runDir, 'leader'), 'utf8');
    start();
    assert.equal(fs.readFileSync(path.join(runDir, 'leader'), 'utf8'), leader);
  });

  it('a changed conf or a changed system is not started from the old plan', () => {
    stop();
    fs.appendFileSync(sb.conf(NAME), '\n# edited\n');
    start();
    assert.notEqual(firstConsoleLine(), PLAN_LINE);
    stop();
    start();
    assert.equal(firstConsoleLine(), PLAN_LINE, 'the new plan is used');
    stop();
    // A new generation in the container's profile (what `update` of a stopped container does).
    setGeneration(paths, NAME, topB);
    start();
    assert.notEqual(firstConsoleLine(), PLAN_LINE);
    assert.equal(greeting(), 'plan-b\n');
    stop();
    start();
    assert.equal(firstConsoleLine(), PLAN_LINE, 'the new plan is used');
    assert.equal(greeting(), 'plan-b\n');
    stop();
    // The container root as prepareRoot left it is part of the plan too.
    fs.rmSync(path.join(sb.containerRoot(NAME), 'etc', 'machine-id'));
    start();
    assert.notEqual(firstConsoleLine(), PLAN_LINE);
    assert.match(fs.readFileSync(path.join(sb.containerRoot(NAME), 'etc', 'machine-id'), 'utf8'), /^[0-9a-f]{32}\n$/);
  });

  it('a plan that leads nowhere fails that start cleanly, and goes', () => {
    stop();
    // A plan whose spec is not JSON: Node cannot follow that boot.
    const text = fs.readFileSync(plan, 'utf8').replace(/^nc_plan_spec='[^']*'$/m, "nc_plan_spec='{'");
    assert.match(text, /^nc_plan_spec='\{'$/m);
    fs.writeFileSync(plan, text);
    const r = sb.run(['start', NAME]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /failed to start container 'sf\w+': .*JSON[^]*nixos-container: failed to start container\n$/);
    assert.equal(firstConsoleLine(), PLAN_LINE);
    assert.equal(sb.run(['status', NAME]).stdout, 'down\n');
    assert.equal(spawnSync('pgrep', ['-f', `^systemd-nspawn .* -M ${NAME} `]).status, 1, 'no nspawn left');
    assert.equal(fs.existsSync(`/sys/class/net/ve-${NAME}`), false, 'no veth left');
    assert.equal(fs.existsSync(plan), false, 'the plan is gone');
    start();
    assert.notEqual(firstConsoleLine(), PLAN_LINE);
    assert.equal(greeting(), 'plan-b\n');
  });

  it('a start whose follower died is followed to the end by the next start', () => {
    stop();
    // Node, exec'd by the shell to follow the boot, dies at once (a `node` that exits 3).
    const fakeBin = sb.p('fake-bin');
    fs.mkdirSync(fakeBin, { recursive: true });
    fs.writeFileSync(path.join(fakeBin, 'node'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    const startDying = () => spawnSync(BIN, ['start', NAME], {
      env: { ...sb.env, PATH: `${fakeBin}:${process.env.PATH}` }, encoding: 'utf8',
    });
    const r = startDying();
    assert.equal(r.status, 3, r.stderr);
    assert.equal(firstConsoleLine(), PLAN_LINE);
    const rec = JSON.parse(fs.readFileSync(path.join(runDir, 'state.json'), 'utf8'));
    assert.ok(rec.supervisor?.pid > 0 && rec.monitor === undefined && rec.ready === undefined);
    assert.equal(sb.run(['status', NAME]).stdout, 'down\n');
    start();
    assert.equal(sb.run(['status', NAME]).stdout, 'up\n');
    assert.equal(greeting(), 'plan-b\n');
    // The same, then `stop`: it finds the boot's nspawn under the watcher and ends it.
    stop();
    assert.equal(startDying().status, 3);
    stop();
    assert.equal(sb.run(['status', NAME]).stdout, 'down\n');
    assert.equal(spawnSync('pgrep', ['-f', `^systemd-nspawn .* -M ${NAME} `]).status, 1, 'no nspawn left');
    assert.equal(fs.existsSync(`/sys/class/net/ve-${NAME}`), false, 'no veth left');
    assert.equal(fs.existsSync(path.join(runDir, 'state.json')), false, 'no record left');
  });
});
