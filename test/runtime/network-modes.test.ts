// Host networking, a host bridge, bind mounts from EXTRA_NSPAWN_FLAGS and startAll
// (AUTO_START=1), with real systemd-nspawn. Needs root.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StatePaths, statePaths } from '../../src/state/paths';
import * as rt from '../../src/runtime';
import { buildFixtureToplevel } from './fixture-toplevel';
import { localGetRetry } from '../local-http';

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (systemd-nspawn, bridges)';
  if (spawnSync('systemd-nspawn', ['--version']).status !== 0) return 'systemd-nspawn is not installed';
  if (!fs.existsSync('/usr/bin/python3')) return '/usr/bin/python3 (the fixture service) is missing';
  return undefined;
}
const skip = skipReason();
if (skip) process.stdout.write(`# skipping runtime network-mode tests: ${skip}\n`);

const sfx = Math.random().toString(36).slice(2, 6);
const HOSTNET = `hn${sfx}`;
const BRIDGED = `br${sfx}`;
const IDLE = `id${sfx}`;
const BRIDGE = `nb-${sfx}`;
const N = 100 + Math.floor(Math.random() * 150);
const PORT = 20000 + Math.floor(Math.random() * 20000);
let tmp = '';
let paths: StatePaths;

/** The body of a GET to a container's service, sent only over loopback or `dev`. */
async function getRetry(host: string, port: number, dev = 'lo'): Promise<string> {
  return (await localGetRetry(host, port, dev)).body.trim();
}
function runOut(name: string, argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'run-helper.js'), 'run', name, ...argv], {
    env: { ...process.env, NIXOS_CONTAINER_ROOT: tmp }, encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('network modes, bind mounts and auto-start', { skip }, () => {
  const dataDir = () => path.join(tmp, 'host data dir');
  before(() => {
    process.env.NIXOS_CONTAINER_SUPERVISOR = '1';
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-netmodes-'));
    paths = statePaths({ NIXOS_CONTAINER_ROOT: tmp });
    fs.mkdirSync(paths.storeDir, { recursive: true });
    fs.mkdirSync(paths.confDir, { recursive: true });
    fs.mkdirSync(dataDir());
    fs.writeFileSync(path.join(dataDir(), 'note.txt'), 'bound from the host\n');
    const sys = (name: string, port: number) => {
      const T = buildFixtureToplevel(paths, { hostname: name, greeting: `hi-from-${name}`, port });
      fs.mkdirSync(path.join(paths.profilesDir, name), { recursive: true });
      fs.symlinkSync(T, path.join(paths.profilesDir, name, 'system'));
    };
    sys(HOSTNET, PORT);
    sys(BRIDGED, 8080);
    sys(IDLE, 8080);
    fs.writeFileSync(path.join(paths.confDir, `${HOSTNET}.conf`), [
      'PRIVATE_NETWORK=0', 'HOST_ADDRESS=', 'LOCAL_ADDRESS=', 'AUTO_START=1',
      `EXTRA_NSPAWN_FLAGS=" --bind-ro='${dataDir()}':/srv/data --tmpfs=/var/cache"`, '',
    ].join('\n'));
    fs.writeFileSync(path.join(paths.confDir, `${BRIDGED}.conf`), [
      '# bridged', 'PRIVATE_NETWORK=1', `HOST_ADDRESS=10.234.${N}.1`, `LOCAL_ADDRESS=10.234.${N}.2/24`, `HOST_BRIDGE=${BRIDGE}`,
      `HOST_PORT=tcp:${PORT + 1}:8080`, 'AUTO_START=1', '',
    ].join('\n'));
    fs.writeFileSync(path.join(paths.confDir, `${IDLE}.conf`), 'PRIVATE_NETWORK=1\nAUTO_START=0\n');
    for (const cmd of [
      ['ip', 'link', 'add', BRIDGE, 'type', 'bridge'],
      ['ip', 'addr', 'add', `10.234.${N}.1/24`, 'dev', BRIDGE],
      ['ip', 'link', 'set', BRIDGE, 'up'],
    ]) {
      const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
      assert.equal(r.status, 0, `${cmd.join(' ')}: ${r.stderr}`);
    }
  });

  after(async () => {
    try {
      await Promise.allSettled([HOSTNET, BRIDGED, IDLE].map((n) => rt.terminateContainer(n, paths)));
    } finally {
      spawnSync('ip', ['link', 'delete', BRIDGE]);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('startAll starts the AUTO_START=1 containers (in parallel) and only those', async () => {
    const r = await rt.startAll(paths);
    assert.deepEqual(r.failed, []);
    assert.deepEqual(r.started, [BRIDGED, HOSTNET].sort());
    assert.equal(rt.containerStatus(HOSTNET, paths), 'up');
    assert.equal(rt.containerStatus(BRIDGED, paths), 'up');
    assert.equal(rt.containerStatus(IDLE, paths), 'down');
  });

  it('host network: the service answers on the host loopback', async () => {
    assert.equal((await getRetry('127.0.0.1', PORT)).split(' ')[0], `hi-from-${HOSTNET}`);
    const links = runOut(HOSTNET, ['sh', '-c', 'ip -o link show | grep -c ": eth0"']);
    assert.equal(links.stdout.trim(), '1');
  });

  it('bind mounts and tmpfs from EXTRA_NSPAWN_FLAGS, with a space in the host path', () => {
    const r = runOut(HOSTNET, ['sh', '-c', 'cat /srv/data/note.txt; touch /srv/data/x 2>/dev/null || echo read-only; stat -f -c %T /var/cache']);
    assert.equal(r.stdout, 'bound from the host\nread-only\ntmpfs\n', r.stderr);
  });

  it('bridge: vb-NAME joins the host bridge; the service answers on its address', async () => {
    const link = spawnSync('ip', ['-o', 'link', 'show', 'dev', `vb-${BRIDGED}`], { encoding: 'utf8' }).stdout;
    assert.match(link, new RegExp(`master ${BRIDGE}`));
    assert.equal((await getRetry(`10.234.${N}.2`, 8080, BRIDGE)).split(' ')[0], `hi-from-${BRIDGED}`);
    const r = runOut(BRIDGED, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0']);
    assert.match(r.stdout, new RegExp(`10\\.234\\.${N}\\.2/24`));
  });

  it('HOST_PORT forwards a host port to the container (on a non-loopback host address)', async () => {
    // The bridge's own address is a local host address on the network this test created.
    assert.equal((await getRetry(`10.234.${N}.1`, PORT + 1)).split(' ')[0], `hi-from-${BRIDGED}`);
  });

  it('stopping both leaves no link and no process behind', async () => {
    await Promise.all([rt.stopContainer(HOSTNET, paths), rt.stopContainer(BRIDGED, paths)]);
    assert.equal(rt.containerStatus(HOSTNET, paths), 'down');
    assert.equal(rt.containerStatus(BRIDGED, paths), 'down');
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
    assert.ok(!links.includes(`vb-${BRIDGED}`), links);
    const procs = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(tmp);
      } catch {
        return false;
      }
    });
    assert.deepEqual(procs, []);
  });
});
