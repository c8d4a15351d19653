// Runtime benchmarks, each side by side with the raw tool doing the same work:
//   start-to-ready   startContainer()            vs  systemd-nspawn -b of the same root (same
//                                                    binds and veth), ready = is-system-running
//   run NAME -- true runInContainer(['true'])    vs  nsenter --all -t LEADER -- true
//   stop             stopContainer()             vs  SIGTERM to raw nspawn, wait for exit
//   many (optional, BENCH_RUNTIME_MANY=30): N containers started at once, then idle memory.
// Needs root and systemd-nspawn; prints a reason and exits 0 otherwise.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { statePaths, StatePaths } from '../src/state/paths';
import * as rt from '../src/runtime';
import { inspect } from '../src/runtime/status';
import { sleep } from '../src/runtime/proc';
import { buildFixtureToplevel } from '../test/runtime/fixture-toplevel';
import { rawStart, rawStop } from './raw-nspawn';

const REPS = Number(process.env.BENCH_RUNTIME_REPS || 5);
const RUNS = Number(process.env.BENCH_RUNTIME_RUNS || 30);
const MANY = Number(process.env.BENCH_RUNTIME_MANY || 0);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
function row(what: string, ours: number[], ref: number[]): void {
  const o = median(ours);
  const r = median(ref);
  process.stdout.write(`${what.padEnd(22)} ours ${fmt(o).padStart(10)}   raw ${fmt(r).padStart(10)}   ratio ${(o / r).toFixed(2)}x\n`);
}

function conf(i: number): rt.ContainerConfig {
  return { PRIVATE_NETWORK: '1', HOST_ADDRESS: `10.235.${i}.1`, LOCAL_ADDRESS: `10.235.${i}.2` };
}

/** Proportional set size (shared pages split among their users) of a process, in KiB. */
function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** PSS of a container: every process in its init's pid namespace, plus the host-side helpers. */
function containerPssMiB(leader: number, hostSide: number[]): number {
  const ns = fs.readlinkSync(`/proc/${leader}/ns/pid`);
  let kib = hostSide.reduce((a, p) => a + pssKiB(p), 0);
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readlinkSync(`/proc/${d}/ns/pid`) === ns) kib += pssKiB(Number(d));
    } catch {
      /* gone */
    }
  }
  return kib / 1024;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0 || spawnSync('systemd-nspawn', ['--version']).status !== 0) {
    process.stdout.write('skipped: needs root and systemd-nspawn\n');
    return;
  }
  process.env.NIXOS_CONTAINER_SUPERVISOR = '1';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-bench-'));
  const paths = statePaths({ NIXOS_CONTAINER_ROOT: tmp });
  fs.mkdirSync(paths.storeDir, { recursive: true });
  const names: string[] = [];
  const restore: (() => void)[] = [];
  try {
    const T = buildFixtureToplevel(paths, { hostname: 'bench', greeting: 'bench' });
    const c: rt.ContainerRef = { name: 'bench', paths, conf: conf(1), toplevel: T };
    names.push('bench');
    await rt.startContainer(c); // warm-up; also populates the root's /etc for the raw boots
    await rt.stopContainer('bench', paths);

    const oursStart: number[] = [], rawStartT: number[] = [], oursStop: number[] = [], rawStopT: number[] = [];
    const oursRun: number[] = [], rawRun: number[] = [];
    for (let i = 0; i < REPS; i++) {
      let t = performance.now();
      await rt.startContainer(c);
      oursStart.push(performance.now() - t);
      const leader = rt.leaderPid('bench', paths)!;
      if (i === 0) {
        for (let k = 0; k < RUNS; k++) {
          t = performance.now();
          await rt.runInContainer('bench', paths, ['true']);
          oursRun.push(performance.now() - t);
          t = performance.now();
          spawnSync('nsenter', ['--all', '-t', String(leader), '--', 'true'], { stdio: 'inherit' });
          rawRun.push(performance.now() - t);
        }
      }
      t = performance.now();
      await rt.stopContainer('bench', paths);
      oursStop.push(performance.now() - t);

      t = performance.now();
      const raw = await rawStart(paths, 'bench');
      rawStartT.push(performance.now() - t);
      t = performance.now();
      await rawStop(raw);
      rawStopT.push(performance.now() - t);
      rt.removeNetworkLeftovers('bench');
    }
    process.stdout.write(`medians of ${REPS} boots / ${RUNS} runs (fixture system, private veth network)\n`);
    row('start-to-ready', oursStart, rawStartT);
    row('run NAME -- true', oursRun, rawRun);
    row('stop', oursStop, rawStopT);

    if (MANY > 0) {
      // Every booted systemd takes several inotify instances from the same (root) budget; the
      // kernel default of 128 runs out around 20 containers ("Failed to create inotify object:
      // Too many open files"). Raise it for the run, as a host running many containers must.
      const limitFile = '/proc/sys/fs/inotify/max_user_instances';
      const oldLimit = Number(fs.readFileSync(limitFile, 'utf8'));
      if (oldLimit < MANY * 16) {
        fs.writeFileSync(limitFile, String(MANY * 16));
        restore.push(() => fs.writeFileSync(limitFile, String(oldLimit)));
        process.stdout.write(`(raised fs.inotify.max_user_instances ${oldLimit} -> ${MANY * 16} for this run)\n`);
      }
      const refs: rt.ContainerRef[] = [];
      for (let i = 0; i < MANY; i++) {
        const name = `many${i}`;
        names.push(name);
        refs.push({ name, paths, conf: conf(10 + i), toplevel: T });
      }
      let t = performance.now();
      await Promise.all(refs.map((r) => rt.startContainer(r, { timeoutMs: 300_000 })));
      const oursMany = performance.now() - t;
      await sleep(5000);
      const perContainer = refs.reduce((a, r) => {
        const i = inspect(paths, r.name);
        return a + containerPssMiB(i.rec!.leader!.pid, [i.rec!.nspawn!.pid, i.rec!.supervisor!.pid]);
      }, 0) / MANY;
      t = performance.now();
      await Promise.all(refs.map((r) => rt.stopContainer(r.name, paths)));
      const oursManyStop = performance.now() - t;
      t = performance.now();
      const raws = await Promise.all(refs.map((r) => rawStart(paths, r.name)));
      const rawMany = performance.now() - t;
      await sleep(5000);
      const rawPer = raws.reduce((a, r) => a + containerPssMiB(r.leader, [r.child.pid!]), 0) / MANY;
      t = performance.now();
      await Promise.all(raws.map(rawStop));
      const rawManyStop = performance.now() - t;
      for (const r of refs) rt.removeNetworkLeftovers(r.name);
      row(`${MANY} at once: start`, [oursMany], [rawMany]);
      row(`${MANY} at once: stop`, [oursManyStop], [rawManyStop]);
      process.stdout.write(`idle memory per container: ours ${perContainer.toFixed(1)} MiB, raw ${rawPer.toFixed(1)} MiB (PSS: container processes + nspawn + supervisor)\n`);
    } else {
      process.stdout.write('(set BENCH_RUNTIME_MANY=30 for the many-containers run)\n');
    }
  } finally {
    await Promise.allSettled(names.map((n) => rt.terminateContainer(n, paths)));
    for (const n of names) rt.removeNetworkLeftovers(n);
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const r of restore) r();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 1;
});
