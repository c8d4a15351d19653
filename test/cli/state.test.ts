// State helpers: the create lock, NAME.conf parsing and address allocation.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from './helpers';
import { lockExclusive } from '../../src/state/lock';
import { formatImperativeConf, listContainerNames, parseConf, unquote } from '../../src/state/conf';
import { allocatePair, usedAddresses } from '../../src/state/addresses';
import { statePaths } from '../../src/state/paths';

const sb = new Sandbox();
after(() => sb.cleanup());

describe('lockExclusive', () => {
  it('serialises holders', async () => {
    const file = sb.p('run', 'lock', 'test-lock');
    const order: string[] = [];
    const a = await lockExclusive(file);
    order.push('a locked');
    const bPromise = lockExclusive(file).then((b) => { order.push('b locked'); return b; });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(order, ['a locked'], 'b must wait while a holds the lock');
    order.push('a releases');
    await a.release();
    const b = await bPromise;
    assert.deepEqual(order, ['a locked', 'a releases', 'b locked']);
    await b.release();
  });
  it('a holder that is killed releases the lock', async () => {
    const file = sb.p('run', 'lock', 'test-lock2');
    const lockModule = path.resolve(__dirname, '..', '..', 'src', 'state', 'lock.js');
    const child = spawn(process.execPath, ['-e',
      `require(${JSON.stringify(lockModule)}).lockExclusive(${JSON.stringify(file)}).then(() => { console.log('held'); setInterval(() => {}, 1000); })`],
    { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('held')) resolve(); }));
    let got = false;
    const p = lockExclusive(file).then((l) => { got = true; return l; });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(got, false);
    child.kill('SIGKILL');
    const l = await p;
    assert.equal(got, true);
    await l.release();
  });
});

describe('NAME.conf', () => {
  it('parses like a systemd EnvironmentFile (comments, blanks, later wins)', () => {
    const c = parseConf('# comment\n; other\n\nA=1\nB="x y"\n  C = z \nA=2\nnot a line\n');
    assert.deepEqual(c, { A: '2', B: '"x y"', C: 'z' });
    assert.equal(unquote(c.B), 'x y');
    assert.equal(unquote("'q'"), 'q');
  });
  it('formats the imperative conf in upstream order', () => {
    assert.equal(formatImperativeConf({ hostAddress: 'h', localAddress: 'l', autoStart: false }),
      'PRIVATE_NETWORK=1\nHOST_ADDRESS=h\nLOCAL_ADDRESS=l\nHOST_BRIDGE=\nHOST_PORT=\nAUTO_START=0\n');
    assert.equal(formatImperativeConf({ hostAddress: 'h', localAddress: 'l', bridge: 'b', port: '80', autoStart: true, flake: 'f' }),
      'PRIVATE_NETWORK=1\nHOST_ADDRESS=h\nLOCAL_ADDRESS=l\nHOST_BRIDGE=b\nHOST_PORT=80\nAUTO_START=1\nFLAKE=f\n');
  });
  it('lists names sorted bytewise on the file name, skipping dotfiles and other files', () => {
    const paths = statePaths({ NIXOS_CONTAINER_ROOT: sb.p('list-root') });
    fs.mkdirSync(paths.confDir, { recursive: true });
    for (const f of ['foo.conf', 'foo-1.conf', 'foo-0.conf', 'Bar.conf', '.tmp.conf', 'notes.txt', '.conf']) {
      fs.writeFileSync(path.join(paths.confDir, f), '');
    }
    assert.deepEqual(listContainerNames(paths), ['Bar', 'foo-0', 'foo-1', 'foo']);
  });
});

describe('address allocation', () => {
  it('takes the first free 10.233.N pair and sees prefixed, quoted and v6 values', () => {
    const paths = statePaths({ NIXOS_CONTAINER_ROOT: sb.p('addr-root') });
    fs.mkdirSync(paths.confDir, { recursive: true });
    assert.deepEqual(allocatePair(usedAddresses(paths)), { host: '10.233.1.1', local: '10.233.1.2' });
    fs.writeFileSync(path.join(paths.confDir, 'a.conf'), 'HOST_ADDRESS=10.233.1.1/24\n');
    fs.writeFileSync(path.join(paths.confDir, 'b.conf'), 'LOCAL_ADDRESS="10.233.2.2"\nLOCAL_ADDRESS6=FC00::2/7\n');
    const used = usedAddresses(paths);
    assert.deepEqual(used.map((u) => u.address).sort(), ['10.233.1.1', '10.233.2.2', 'fc00::2']);
    assert.deepEqual(allocatePair(used), { host: '10.233.3.1', local: '10.233.3.2' });
    const all = [];
    for (let n = 1; n < 255; n++) all.push({ address: `10.233.${n}.2`, container: 'x', key: 'LOCAL_ADDRESS' });
    assert.equal(allocatePair(all), undefined);
  });
});
