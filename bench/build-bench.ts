// System build benchmark: a typical configuration (nginx + openssh + two users + three custom
// services) built cold (empty store, new process: the whole command) and warm (store
// populated: new process, and a second build in the same process), next to the reference
// `nix-instantiate --eval --strict` of the same manifest (evaluation only, real Nix).
// Packages come from a host stand-in (outPath /usr) so no download is measured.
//   node dist/bench/build-bench.js [--runs N]
import type { SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..');
const CONFIG = path.join(REPO, 'bench', 'fixtures', 'typical.nix');
const TARGET_COLD_S = 0.5;

function child(root: string, twice: boolean): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const sys = require('../src/system');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { statePaths } = require('../src/state/paths');
  const paths = statePaths({ NIXOS_CONTAINER_ROOT: root });
  const packages = {
    names: () => ['curl', 'htop', 'nftables', 'nginx', 'openssh'],
    lookup: (a: string) => ({ debName: a, version: '1', description: a }),
    realize: () => ({ outPath: '/usr', usrLayers: [] }),
  };
  const t0 = process.hrtime.bigint();
  const r = sys.buildSystem({ configFile: CONFIG, paths, packages });
  const t1 = process.hrtime.bigint();
  let second = 0;
  if (twice) {
    const r2 = sys.buildSystem({ configFile: CONFIG, paths, packages });
    if (r2.toplevel !== r.toplevel) throw new Error('second build gave another path');
    second = Number(process.hrtime.bigint() - t1) / 1e6;
  }
  const u = process.cpuUsage();
  const cpu = (u.user + u.system) / 1000; // whole process so far, all threads (GC helpers too)
  process.stdout.write(JSON.stringify({ toplevel: r.toplevel, first: Number(t1 - t0) / 1e6, second, cpu }) + '\n');
}

// child_process is loaded by the parent only: the timed child process loads what a build does.
function spawnSync(cmd: string, args: string[], opts: object = {}): SpawnSyncReturns<string> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('child_process') as typeof import('child_process')).spawnSync(cmd, args, { encoding: 'utf8', ...opts });
}

function timeCmd(cmd: string, args: string[]): { ms: number; out: string; ok: boolean } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { maxBuffer: 64 << 20 });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: r.stdout + (r.status === 0 ? '' : r.stderr), ok: r.status === 0 };
}

// The child starts Node as bin/nixos-container does: with its V8 flags (the evaluator's stack
// size, the inlining budget, the young generation's size), its GLIBC_TUNABLES when the caller
// has none, and without NODE_EXTRA_CA_CERTS (reading that bundle costs ~40 ms of start-up here).
const LAUNCHER = fs.readFileSync(path.join(REPO, 'bin', 'nixos-container'), 'utf8');
const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env };
delete CHILD_ENV.NODE_EXTRA_CA_CERTS;
const tunables = /^\[ -n "\$\{GLIBC_TUNABLES\+set\}" \] \|\| export GLIBC_TUNABLES=(\S+)$/m.exec(LAUNCHER);
if (!tunables) throw new Error('bin/nixos-container: no `export GLIBC_TUNABLES=...` line');
CHILD_ENV.GLIBC_TUNABLES ??= tunables[1];
const LAUNCHER_FLAGS = launcherFlags();
function launcherFlags(): string[] {
  const m = /^exec node (.*) "\$0" "\$@"$/m.exec(LAUNCHER);
  if (!m) throw new Error('bin/nixos-container: no `exec node FLAGS "$0" "$@"` line');
  return m[1].split(' ');
}
function timeChild(args: string[], extraEnv: NodeJS.ProcessEnv = {}): { ms: number; out: string; ok: boolean } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...LAUNCHER_FLAGS, __filename, ...args], { maxBuffer: 64 << 20, env: { ...CHILD_ENV, ...extraEnv } });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, out: r.stdout + (r.status === 0 ? '' : r.stderr), ok: r.status === 0 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
  const cold: number[] = [];
  const coldInner: number[] = [];
  const coldCpu: number[] = [];
  const warmCpu: number[] = [];
  const warmProc: number[] = [];
  const warmInner: number[] = [];
  const warmSame: number[] = [];
  const ref: number[] = [];
  const noCache: number[] = [];
  for (let i = 0; i < runs; i++) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-build-bench-'));
    const root2 = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-build-bench-'));
    try {
      // The shipped nixpkgs tree's parsed-file cache (dist/.nix-ast-cache, part of the
      // installation like __pycache__) is in use in every figure but this one: the first build
      // after installing, which parses every file.
      const nc = timeChild(['--child', root2], { NIXOS_CONTAINER_AST_CACHE: 'off' });
      if (!nc.ok) throw new Error(`build without the parsed-file cache failed:\n${nc.out}`);
      noCache.push(nc.ms);
      const c = timeChild(['--child', root]);
      if (!c.ok) throw new Error(`cold build failed:\n${c.out}`);
      cold.push(c.ms);
      coldInner.push(JSON.parse(c.out).first);
      coldCpu.push(JSON.parse(c.out).cpu);
      // One build per process here: the second build in the same process is timed in a
      // separate run, so that this figure is comparable with the cold one.
      const w = timeChild(['--child', root]);
      if (!w.ok) throw new Error(`warm build failed:\n${w.out}`);
      warmProc.push(w.ms);
      warmInner.push(JSON.parse(w.out).first);
      warmCpu.push(JSON.parse(w.out).cpu);
      const w2 = timeChild(['--child', root, '--twice']);
      if (!w2.ok) throw new Error(`warm build failed:\n${w2.out}`);
      warmSame.push(JSON.parse(w2.out).second);
    } finally {
      for (const r of [root, root2]) {
        spawnSync('chmod', ['-R', 'u+w', r]);
        fs.rmSync(r, { recursive: true, force: true });
      }
    }
    const n = timeCmd('nix-instantiate', [
      '--eval', '--strict', '--json', '-I', `nixpkgs=${path.join(REPO, 'nixpkgs')}`,
      '-E', `(import <nixpkgs/nixos> { configuration = ${CONFIG}; }).config.system.build.manifest`,
    ]);
    if (n.ok) ref.push(n.ms);
  }
  const f = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  const refMs = ref.length ? median(ref) : NaN;
  const ratio = (ms: number) => (ref.length ? `  (${(ms / refMs).toFixed(1)}x nix-instantiate)` : '');
  process.stdout.write(`typical config: nginx + openssh + 2 users + 3 services; ${runs} runs, medians\n`);
  process.stdout.write(`  cold build, whole process (empty store) : ${f(median(cold))}${ratio(median(cold))}   target < ${TARGET_COLD_S} s: ${median(cold) / 1000 < TARGET_COLD_S ? 'met' : 'NOT met'}\n`);
  process.stdout.write(`  cold build, inside the process          : ${f(median(coldInner))}\n`);
  process.stdout.write(`  cold build, no parsed-file cache (first after install): ${f(median(noCache))}${ratio(median(noCache))}\n`);
  process.stdout.write(`  cold build, process CPU (user+sys)      : ${f(median(coldCpu))}\n`);
  process.stdout.write(`  warm build, whole process (store full)  : ${f(median(warmProc))}${ratio(median(warmProc))}\n`);
  process.stdout.write(`  warm build, inside the process          : ${f(median(warmInner))}\n`);
  process.stdout.write(`  warm build, process CPU (user+sys)      : ${f(median(warmCpu))}\n`);
  process.stdout.write(`  warm build, second in the same process  : ${f(median(warmSame))}\n`);
  process.stdout.write(`  reference: nix-instantiate --eval --strict of the manifest: ${ref.length ? f(refMs) : 'not available'}\n`);
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4] === '--twice');
else main();
