// Evaluator benchmark: runs each workload in bench/workloads/*.nix with our CLI
// (`nixos-container eval --strict`) and with `nix-instantiate --eval --strict` side by
// side, N times each, and prints median wall time, peak RSS and the ratio.
//   node dist/bench/eval-bench.js [N] [WORKLOAD...]
// Targets: no workload slower than 2x nix-instantiate (whole process); the 20k-key
// workload under 200 MB peak RSS. Outputs of both tools are compared too.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '..', '..');
const workDir = path.join(repoRoot, 'bench', 'workloads');
const cli = path.join(repoRoot, 'bin', 'nixos-container');
const args = process.argv.slice(2);
const N = args.length && /^[0-9]+$/.test(args[0]) ? Number(args.shift()) : 5;
const only = args;

interface Run {
  ms: number;
  cpuMs: number;
  rssKb: number;
  stdout: string;
  ok: boolean;
}

function hasTime(): boolean {
  return fs.existsSync('/usr/bin/time');
}

function runOnce(cmd: string[]): Run {
  const useTime = hasTime();
  const argv = useTime ? ['/usr/bin/time', '-f', '%M %U %S', ...cmd] : cmd;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssKb = 0;
  let cpuMs = 0;
  if (useTime) {
    const lines = (r.stderr ?? '').trim().split('\n');
    const [m, u, sy] = lines[lines.length - 1].split(' ').map(Number);
    rssKb = m || 0;
    cpuMs = ((u || 0) + (sy || 0)) * 1000;
  }
  return { ms, cpuMs, rssKb, stdout: r.stdout ?? '', ok: r.status === 0 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function bench(cmd: string[]): { ms: number; cpuMs: number; rssKb: number; stdout: string; ok: boolean } {
  const runs: Run[] = [];
  for (let i = 0; i < N; i++) runs.push(runOnce(cmd));
  return {
    ms: median(runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    rssKb: Math.max(...runs.map((r) => r.rssKb)),
    stdout: runs[0].stdout,
    ok: runs.every((r) => r.ok),
  };
}

function haveNix(): boolean {
  const r = spawnSync('nix-instantiate', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

const workloads = fs
  .readdirSync(workDir)
  .filter((f) => f.endsWith('.nix'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const nix = haveNix();
if (!nix) console.log('nix-instantiate not found: printing our timings only');
console.log(`runs per tool: ${N} (median wall time, median CPU time user+sys, max peak RSS); load: ${require('os').loadavg()[0].toFixed(1)}`);
console.log('workload'.padEnd(16) + 'ours ms'.padStart(9) + 'cpu'.padStart(7) + 'MB'.padStart(6) + 'nix ms'.padStart(9) + 'cpu'.padStart(7) + 'MB'.padStart(6) + 'wall x'.padStart(8) + 'cpu x'.padStart(7) + '  output');
let worst = 0;
for (const w of workloads) {
  const file = path.join(workDir, w);
  // The CLI as a user runs it (its shebang: one Node process with the evaluator's stack size).
  // `node bin/nixos-container` would start Node twice, the second time with that flag.
  const ours = bench([cli, 'eval', '--strict', file]);
  let line = w.replace(/\.nix$/, '').padEnd(16) + ours.ms.toFixed(0).padStart(9) + ours.cpuMs.toFixed(0).padStart(7) + (ours.rssKb / 1024).toFixed(0).padStart(6);
  if (nix) {
    const ref = bench(['nix-instantiate', '--eval', '--strict', file]);
    const ratio = ours.ms / ref.ms;
    worst = Math.max(worst, ratio);
    line += ref.ms.toFixed(0).padStart(9) + ref.cpuMs.toFixed(0).padStart(7) + (ref.rssKb / 1024).toFixed(0).padStart(6) + ratio.toFixed(2).padStart(8) + (ours.cpuMs / Math.max(1, ref.cpuMs)).toFixed(2).padStart(7);
    line += '  ' + (!ours.ok ? 'OURS FAILED' : ours.stdout === ref.stdout ? 'same' : 'DIFFERENT');
  } else line += ' '.repeat(25) + '  ' + (ours.ok ? 'ok' : 'FAILED');
  console.log(line);
}
if (nix) console.log(`worst wall-time ratio: ${worst.toFixed(2)} (target <= 2.00; CPU ratios are steadier on a loaded machine)`);
