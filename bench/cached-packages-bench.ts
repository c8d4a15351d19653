// Building a configuration whose packages the host lacks but the store already has, next to
// the same configuration without those packages (whole `nixos-container build` processes,
// real Debian package source). Target: within 10% of the build without packages.
//   node dist/bench/cached-packages-bench.js [RUNS]
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { removeTree } from '../src/state/store';

const RUNS = Number(process.argv[2] || 7);
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'nixos-container');
const PACKAGES = ['hello', 'cowsay'];

function hostLacks(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return !(r.status === 0 && r.stdout.includes('install ok installed'));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const missing = PACKAGES.filter(hostLacks);
  if (missing.length === 0) {
    process.stdout.write(`skipped: the host has all of ${PACKAGES.join(', ')}\n`);
    return;
  }
  const root = fs.mkdtempSync('/var/tmp/nc-pkgbench-');
  const env = { ...process.env, NIXOS_CONTAINER_ROOT: root };
  const base = 'networking.firewall.enable = false; environment.etc."bench".text = "x";';
  const withPkgs = `${base} environment.systemPackages = [ ${missing.map((p) => `pkgs.${p}`).join(' ')} ];`;
  const build = (config: string): number => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(BIN, ['build', '--config', config], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  try {
    // Fill the store and caches (downloads the packages once), then alternate.
    const first = build(withPkgs);
    build(base);
    const plain: number[] = [];
    const cached: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push(build(base));
      cached.push(build(withPkgs));
    }
    const p = median(plain);
    const c = median(cached);
    process.stdout.write(`packages the host lacks: ${missing.join(', ')} (first build, downloading: ${first.toFixed(0)} ms)\n`);
    process.stdout.write(`build without packages       ${p.toFixed(0).padStart(6)} ms\n`);
    process.stdout.write(`build with cached packages   ${c.toFixed(0).padStart(6)} ms   ratio ${(c / p).toFixed(2)}x (target <= 1.10x)\n`);
  } finally {
    removeTree(root);
  }
}

main();
