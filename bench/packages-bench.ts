// Time to add one small package the host lacks (cold: empty store and .deb cache; then
// cached), side by side with the raw reference: `apt-get download` + `dpkg-deb -x` by hand.
//   node dist/bench/packages-bench.js [PACKAGE]
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { statePaths } from '../src/state/paths';
import { PackageSource, collectingProgress } from '../src/packages';
import { removeTree } from '../src/state/store';

function hostHas(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && / installed$/.test(r.stdout);
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function time<T>(f: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const v = f();
  return [v, ms(t0)];
}

function row(label: string, v: number, ref?: number): void {
  const ratio = ref ? `  (${(v / ref).toFixed(2)}x reference)` : '';
  process.stdout.write(`${label.padEnd(52)} ${v.toFixed(0).padStart(7)} ms${ratio}\n`);
}

const pkg = process.argv[2] ?? ['hello', 'jq', 'cowsay', 'sl'].find((p) => !hostHas(p));
if (!pkg) {
  process.stdout.write('skipped: every candidate package is installed on this host\n');
  process.exit(0);
}
if (hostHas(pkg)) {
  process.stdout.write(`skipped: ${pkg} is installed on this host (pick one it lacks)\n`);
  process.exit(0);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-pkg-bench-'));
try {
  const paths = statePaths({ NIXOS_CONTAINER_ROOT: root });
  process.stdout.write(`package: ${pkg} (not installed on the host)\n`);

  // Reference: what a person would type to get the files.
  const refDir = path.join(root, 'reference');
  fs.mkdirSync(refDir);
  const [, refMs] = time(() => {
    const dl = spawnSync('apt-get', ['download', '-o', 'APT::Sandbox::User=root', pkg], { cwd: refDir, stdio: 'ignore' });
    if (dl.status !== 0) throw new Error(`apt-get download ${pkg} failed`);
    const deb = fs.readdirSync(refDir).find((f) => f.endsWith('.deb'))!;
    spawnSync('dpkg-deb', ['-x', path.join(refDir, deb), path.join(refDir, 'x')], { stdio: 'ignore' });
  });

  const [names, indexMs] = time(() => new PackageSource(paths).names());
  row(`archive index, cold (${names.length} names)`, indexMs);
  row('archive index, cached (names())', time(() => new PackageSource(paths).names())[1]);
  row(`lookup('${pkg}'), cached index`, time(() => new PackageSource(paths).lookup(pkg))[1]);

  row('reference: apt-get download + dpkg-deb -x', refMs);
  const [r, coldMs] = time(() => new PackageSource(paths).realize(pkg, collectingProgress()));
  row(`realize, cold store and .deb cache (${r.usrLayers.length} layer(s))`, coldMs, refMs);
  row('realize again, cached (new PackageSource)', time(() => new PackageSource(paths).realize(pkg, collectingProgress()))[1], refMs);

  const second = ['sl', 'cowsay', 'figlet', 'hello', 'jq'].find((p) => p !== pkg && !hostHas(p));
  if (second) {
    const [r2, secondMs] = time(() => new PackageSource(paths).realize(second, collectingProgress()));
    row(`realize another (${second}, ${r2.usrLayers.length} layer(s)), apt's cache warm`, secondMs, refMs);
  }

  removeTree(paths.storeDir);
  fs.rmSync(path.join(paths.cacheDir, 'realized'), { recursive: true, force: true });
  row('realize, empty store, .deb cached', time(() => new PackageSource(paths).realize(pkg, collectingProgress()))[1], refMs);
} finally {
  removeTree(root);
}
