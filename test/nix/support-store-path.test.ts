// Unit tests for src/nix/store-path.ts. Every expected path/hash/.drv text below was produced
// by Nix 2.8 (nix-instantiate --readonly-mode / --store <tmp>, nix-store --dump, nix-hash).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import {
  computeDerivationPaths, derivationToATerm, DrvHashCache, dumpNar, hashString, makeFixedOutputPath,
  makeFlatSourcePath, makeSourcePath, makeStorePath, makeTextPath, narHash, nixBase32, nixBase32Decode,
  parseDerivation, parseHash,
} from '../../src/nix/store-path';

test('base-32 and hash encodings', () => {
  const d = Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex');
  assert.equal(nixBase32(d), '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s');
  assert.deepEqual(nixBase32Decode('1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s', 32), d);
  for (let n = 0; n < 40; n++) {
    const b = createHash('sha512').update(String(n)).digest().subarray(0, n);
    assert.deepEqual(nixBase32Decode(nixBase32(b), n), b);
  }
  assert.equal(hashString('sha256', 'abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(hashString('md5', 'abc'), '900150983cd24fb0d6963f7d28e17f72');
  assert.equal(hashString('sha256', 'abc', 'base32'), '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s');
  assert.equal(hashString('sha256', 'abc', 'sri'), 'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  assert.equal(hashString('sha256', 'abc', 'base64'), 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  assert.deepEqual(parseHash('sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=').digest, d);
  assert.deepEqual(parseHash('1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s', 'sha256').digest, d);
  assert.deepEqual(parseHash('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad').digest, d);
  assert.throws(() => parseHash('abc', 'sha256'), /wrong length/);
});

test('toFile paths (text, with references) and name checks', () => {
  assert.equal(makeTextPath('/nix/store', 'a', 'x'), '/nix/store/12wigjpizrn8axaqxj288q1b751qmwya-a');
  assert.equal(makeTextPath('/nix/store', '.a', 'x'), '/nix/store/asd5znqvqny47n2kaa06zr46k6b2hx9h-.a');
  const b = makeTextPath('/nix/store', 'b', 'y');
  assert.equal(makeTextPath('/nix/store', 'a', b, [b]), '/nix/store/p2iysgm6mrznjdbya85ah1dca33wws4x-a');
  assert.throws(() => makeTextPath('/nix/store', 'a b', 'x'), { message: "store path 'dm85kbl5cy82j2dzvy1874s14y3salv3-a b' contains illegal character ' '" });
  assert.throws(() => makeTextPath('/nix/store', '', 'x'), { message: "store path '9r1mh2rc3s3i33vpdw86kqqyvy9i1y4w-' has an empty name" });
  assert.throws(() => makeTextPath('/nix/store', 'a'.repeat(212), 'x'), /has a name longer than 211 characters/);
  assert.match(makeStorePath('source', '0'.repeat(64), 'n'), /^\/nix\/store\/[0-9a-df-np-sv-z]{32}-n$/);
});

function withFixture(fn: (dir: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nix-support-'));
  try {
    const d = path.join(root, 'd');
    fs.mkdirSync(path.join(d, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(d, 'f.txt'), 'hello\n');
    fs.writeFileSync(path.join(d, 'run.sh'), '#!/bin/sh\n');
    fs.chmodSync(path.join(d, 'run.sh'), 0o755);
    fs.symlinkSync('f.txt', path.join(d, 'link'));
    fs.writeFileSync(path.join(d, 'sub', 'empty'), '');
    fs.writeFileSync(path.join(d, 'sub', 'odd'), 'x'.repeat(13));
    fn(d);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('NAR serialisation and source paths', () => {
  withFixture((d) => {
    assert.equal(createHash('sha256').update(dumpNar(d)).digest('hex'), 'f712c178ea43b81ca6dbd0c431d6fb90a7ff7332008b5037e75a77bf9c5c1bad');
    assert.equal(narHash(d), 'sha256:1b8vbjfbyxsswwvm12q069rzz9whzgb33i6hvfk1rf23x9wc24pp');
    // "${./d}" and "${./d/f.txt}"
    assert.equal(makeSourcePath('/nix/store', null, d), '/nix/store/xf0vb8w6hgz3nhfnd3hzqb7s4m1hw2m6-d');
    assert.equal(makeSourcePath('/nix/store', null, path.join(d, 'f.txt')), '/nix/store/6h9lcbx523532ax1c5g2351w9bm8ykhy-f.txt');
    // builtins.path { path = ./d; name = "foo"; filter = p: t: t != "symlink" && baseNameOf p != "odd"; }
    assert.equal(makeSourcePath('/nix/store', 'foo', d, (p, t) => t !== 'symlink' && path.basename(p) !== 'odd'),
      '/nix/store/wrk40zixz146n976k9izibnc8jrclvn6-foo');
    // builtins.filterSource (p: t: t == "directory" || baseNameOf p == "empty") ./d
    assert.equal(makeSourcePath('/nix/store', null, d, (p, t) => t === 'directory' || path.basename(p) === 'empty'),
      '/nix/store/r95m4dyqzad6039q627swyp1n8papfpx-d');
    // builtins.path { recursive = false; ... }
    assert.equal(makeFlatSourcePath('/nix/store', null, path.join(d, 'f.txt')), '/nix/store/d4b4lmbd433fa2xcdysz7p7zahnqh1z4-f.txt');
    assert.equal(makeFlatSourcePath('/nix/store', 'r', path.join(d, 'run.sh')), '/nix/store/12waxsxilg8z99sbapsg7vsd8kfij73m-r');
  });
});

const DRV_A = 'Derive([("out","/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a","","")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","a"),("out","/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a"),("system","x86_64-linux")])';
const DRV_MULTI = 'Derive([("bin","/nix/store/2hac8xfxfq0m2i6n55wsp7x5nn6wz9kb-multi-bin","",""),("dev","/nix/store/ggqld82xy6yygh469bq1m2nh2947a3r4-multi-dev","",""),("out","/nix/store/49s152vj91v4s8flyf3ha2a64fzpmqqx-multi","","")],[],[],"x86_64-linux","/bin/sh",["-c","echo \\"hi\\"\\n\\t\\\\"],[("b","1"),("bin","/nix/store/2hac8xfxfq0m2i6n55wsp7x5nn6wz9kb-multi-bin"),("builder","/bin/sh"),("dev","/nix/store/ggqld82xy6yygh469bq1m2nh2947a3r4-multi-dev"),("foo","bar"),("l","1 x"),("n","1"),("name","multi"),("nul",""),("out","/nix/store/49s152vj91v4s8flyf3ha2a64fzpmqqx-multi"),("outputs","out dev bin"),("system","x86_64-linux")])';
const DRV_FIXEDR = 'Derive([("out","/nix/store/7yd0yjfc0hzn2g84mqcvdb28qvxw40fb-fixedr","r:sha256","e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","fixedr"),("out","/nix/store/7yd0yjfc0hzn2g84mqcvdb28qvxw40fb-fixedr"),("outputHash","sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),("outputHashMode","recursive"),("system","x86_64-linux")])';
const DRV_DEP2 = 'Derive([("out","/nix/store/y380rq7614r5ij6pr1kirld4xlicpjf7-dep2","","")],[("/nix/store/14x1p9y6wyzynmqvp1ks9b22lwdgcdqy-fixed.drv",["out"]),("/nix/store/1z0490df0zdvv9gvx7jvnzi8h1qvd85f-dep.drv",["out"]),("/nix/store/7g5giqf764p3y3zv7a8rqsy9sqqq5kw4-a.drv",["out"])],[],"x86_64-linux","/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a/bin/sh",[],[("builder","/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a/bin/sh"),("name","dep2"),("out","/nix/store/y380rq7614r5ij6pr1kirld4xlicpjf7-dep2"),("src","/nix/store/ap9h69qwrm5060ldi96axyklh3pr3yjn-fixed"),("system","x86_64-linux"),("z","/nix/store/df9pk3pv9z8k4gjmw6bp1a9g2p1cd49g-dep")])';

test('derivations: paths and .drv text like derivationStrict', () => {
  const cache = new DrvHashCache(null);
  const base = { system: 'x86_64-linux', builder: '/bin/sh', args: [] as string[] };
  const env = (name: string, extra: Record<string, string> = {}) => ({ name, system: 'x86_64-linux', builder: '/bin/sh', ...extra });
  const d1 = computeDerivationPaths({ ...base, name: 'a', env: env('a') }, cache);
  assert.equal(d1.drvPath, '/nix/store/7g5giqf764p3y3zv7a8rqsy9sqqq5kw4-a.drv');
  assert.deepEqual(d1.outPaths, { out: '/nix/store/f37kxm5wf98b2s839zaiybv38zil0s40-a' });
  assert.equal(d1.drvText, DRV_A);

  const d2 = computeDerivationPaths({
    ...base, name: 'multi', args: ['-c', 'echo "hi"\n\t\\'], outputs: ['out', 'dev', 'bin'],
    env: env('multi', { outputs: 'out dev bin', foo: 'bar', n: '1', b: '1', l: '1 x', nul: '' }),
  }, cache);
  assert.equal(d2.drvPath, '/nix/store/cavxh6wmm0k44bra3c3w3ivi8jc4ass7-multi.drv');
  assert.deepEqual(d2.outPaths, {
    out: '/nix/store/49s152vj91v4s8flyf3ha2a64fzpmqqx-multi',
    dev: '/nix/store/ggqld82xy6yygh469bq1m2nh2947a3r4-multi-dev',
    bin: '/nix/store/2hac8xfxfq0m2i6n55wsp7x5nn6wz9kb-multi-bin',
  });
  assert.equal(d2.drvText, DRV_MULTI);

  const d3 = computeDerivationPaths({
    ...base, name: 'dep', env: env('dep', { x: d1.outPaths.out, y: `${d2.outPaths.dev} ${d2.outPaths.bin}` }),
    inputDrvs: { [d1.drvPath]: ['out'], [d2.drvPath]: ['dev', 'bin'] },
  }, cache);
  assert.equal(d3.drvPath, '/nix/store/1z0490df0zdvv9gvx7jvnzi8h1qvd85f-dep.drv');
  assert.equal(d3.outPaths.out, '/nix/store/df9pk3pv9z8k4gjmw6bp1a9g2p1cd49g-dep');

  const zero64 = '0'.repeat(64);
  const f1 = computeDerivationPaths({ ...base, name: 'fixed', env: env('fixed', { outputHash: zero64, outputHashAlgo: 'sha256' }), fixed: { outputHash: zero64, outputHashAlgo: 'sha256' } }, cache);
  assert.equal(f1.drvPath, '/nix/store/14x1p9y6wyzynmqvp1ks9b22lwdgcdqy-fixed.drv');
  assert.equal(f1.outPaths.out, '/nix/store/ap9h69qwrm5060ldi96axyklh3pr3yjn-fixed');
  const sri = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
  const f2 = computeDerivationPaths({ ...base, name: 'fixedr', env: env('fixedr', { outputHash: sri, outputHashMode: 'recursive' }), fixed: { outputHash: sri, outputHashMode: 'recursive' } }, cache);
  assert.equal(f2.drvPath, '/nix/store/0k48jfnrzzmppz9a23iysnxvllgjiglx-fixedr.drv');
  assert.equal(f2.outPaths.out, '/nix/store/7yd0yjfc0hzn2g84mqcvdb28qvxw40fb-fixedr');
  assert.equal(f2.drvText, DRV_FIXEDR);
  const zero40 = '0'.repeat(40);
  const f3 = computeDerivationPaths({ ...base, name: 'fixed1', env: env('fixed1', { outputHash: zero40, outputHashAlgo: 'sha1' }), fixed: { outputHash: zero40, outputHashAlgo: 'sha1' } }, cache);
  assert.equal(f3.drvPath, '/nix/store/062p62fgnpjd1rj2fi7430hrn6la7c68-fixed1.drv');
  assert.equal(f3.outPaths.out, '/nix/store/sxjz3ph6czk9wh2ra6lx4k1n3xm2xlgm-fixed1');
  assert.equal(makeFixedOutputPath('/nix/store', 'fixed1', 'flat', 'sha1', Buffer.alloc(20)), f3.outPaths.out);

  const b4 = d1.outPaths.out + '/bin/sh';
  const d4 = computeDerivationPaths({
    ...base, builder: b4, name: 'dep2', env: env('dep2', { builder: b4, src: f1.outPaths.out, z: d3.outPaths.out }),
    inputDrvs: { [d1.drvPath]: ['out'], [f1.drvPath]: ['out'], [d3.drvPath]: ['out'] },
  }, cache);
  assert.equal(d4.drvPath, '/nix/store/njkyqz2wdnqdyyykf5l4q9m1wzwhgwkj-dep2.drv');
  assert.equal(d4.drvText, DRV_DEP2);

  const t = makeTextPath('/nix/store', 't', 'x');
  const d5 = computeDerivationPaths({ ...base, name: 'src', env: env('src', { file: t }), inputSrcs: [t] }, cache);
  assert.equal(d5.drvPath, '/nix/store/z4c7f83bvdmldhdv8jrl9y0aax1bcc2r-src.drv');
  assert.equal(d5.outPaths.out, '/nix/store/7kycz2sns1n83bjmvdl973dwgd4815zv-src');
});

test('derivations: unknown inputs, ATerm round trip, drv files from disk', () => {
  assert.throws(() => computeDerivationPaths({ name: 'x', system: 's', builder: 'b', args: [], env: { name: 'x' },
    inputDrvs: { '/nix/store/00000000000000000000000000000000-nope.drv': ['out'] } }, new DrvHashCache(null)), /don't know how to compute the hash/);
  for (const text of [DRV_A, DRV_MULTI, DRV_FIXEDR, DRV_DEP2]) assert.equal(derivationToATerm(parseDerivation(text)), text);
  // a fresh cache reading the input drv texts from a fake "disk" gives the same dep2 path
  const texts = new Map<string, string>();
  const c1 = new DrvHashCache(null);
  const base = { system: 'x86_64-linux', builder: '/bin/sh', args: [] as string[] };
  const a = computeDerivationPaths({ ...base, name: 'a', env: { name: 'a', system: 'x86_64-linux', builder: '/bin/sh' } }, c1);
  texts.set(a.drvPath, a.drvText);
  const c2 = new DrvHashCache((p) => texts.get(p) ?? null);
  const input = { ...base, name: 'b', env: { name: 'b', system: 'x86_64-linux', builder: '/bin/sh', a: a.outPaths.out }, inputDrvs: { [a.drvPath]: ['out'] } };
  assert.equal(computeDerivationPaths(input, c2).drvPath, computeDerivationPaths(input, c1).drvPath);
});
