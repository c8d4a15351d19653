// The user-facing verbs through the real CLI (whole processes, a temporary state root):
//   create         `nixos-container create` of a small configuration (evaluate, build, profile)
//   start          to ready: the first boot of a new container, and a later boot of the same
//                  container vs a raw `systemd-nspawn -b` of its root (same /usr and store
//                  binds, veth), ready = `systemctl is-system-running --wait` in both
//   update         a one-unit change applied live to the running container
//   run -- true    vs `nsenter --all -t LEADER -- true`
//   stop
// Warm store (the second container reuses the first one's build products, as on a real host).
// Needs root and systemd-nspawn; prints a reason and exits 0 otherwise.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { statePaths } from '../src/state/paths';
import { removeTree } from '../src/state/store';
import { rawStart, rawStop } from './raw-nspawn';

const REPS = Number(process.env.BENCH_CLI_REPS || 3);
const BIN = path.resolve(__dirname, '..', '..', 'bin', 'nixos-container');

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  if (spawnSync('systemd-nspawn', ['--version']).status !== 0) return 'systemd-nspawn is not installed';
  return undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function config(greeting: string): string {
  return `networking.firewall.enable = false;
  systemd.services.greeter = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig.Type = "oneshot";
    serviceConfig.RemainAfterExit = true;
    script = "echo ${greeting} > /run/greeting";
  };`;
}

async function main(): Promise<void> {
  const skip = skipReason();
  if (skip) {
    process.stdout.write(`skipped: ${skip}\n`);
    return;
  }
  // Outside /tmp: units with PrivateTmp would not see a store there.
  const root = fs.mkdtempSync('/var/tmp/nc-cli-bench-');
  const env = { ...process.env, NIXOS_CONTAINER_ROOT: root };
  const nc = (args: string[]) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(BIN, args, { env, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`nixos-container ${args.join(' ')} failed:\n${r.stderr}`);
    return { ms, stdout: r.stdout };
  };
  const times: Record<string, number[]> = { create: [], start: [], restart: [], rawStart: [], update: [], run: [], stop: [], rawRun: [] };
  try {
    for (let i = 0; i < REPS; i++) {
      const name = `bench${i}`;
      times.create.push(nc(['create', name, '--config', config('hello')]).ms);
      times.start.push(nc(['start', name]).ms);
      times.update.push(nc(['update', name, '--config', config('changed')]).ms);
      const check = nc(['run', name, '--', 'cat', '/run/greeting']).stdout;
      if (check !== 'changed\n') throw new Error(`update did not apply: ${JSON.stringify(check)}`);
      times.run.push(nc(['run', name, '--', 'true']).ms);
      const leader = fs.readFileSync(path.join(root, 'run', 'nixos-containers', name, 'leader'), 'utf8').split(/\s/)[0];
      const t0 = process.hrtime.bigint();
      spawnSync('nsenter', ['--all', '-t', leader, '--', 'true']);
      times.rawRun.push(Number(process.hrtime.bigint() - t0) / 1e6);
      times.stop.push(nc(['stop', name]).ms);
      // A later boot of the same root, ours then raw: neither is a first boot.
      times.restart.push(nc(['start', name]).ms);
      nc(['stop', name]);
      const t1 = process.hrtime.bigint();
      const raw = await rawStart(statePaths({ NIXOS_CONTAINER_ROOT: root }), name);
      times.rawStart.push(Number(process.hrtime.bigint() - t1) / 1e6);
      await rawStop(raw);
      nc(['destroy', name]);
    }
  } finally {
    for (let i = 0; i < REPS; i++) spawnSync(BIN, ['destroy', `bench${i}`], { env });
    removeTree(root);
  }
  const f = (xs: number[]) => `${median(xs).toFixed(0).padStart(6)} ms`;
  process.stdout.write(`medians of ${REPS} containers (whole CLI processes, warm store)\n`);
  process.stdout.write(`create                 ${f(times.create)}\n`);
  process.stdout.write(`start (to ready)       ${f(times.start)}   first boot of a new container\n`);
  process.stdout.write(`start again            ${f(times.restart)}   raw nspawn ${f(times.rawStart)}   ratio ${(median(times.restart) / median(times.rawStart)).toFixed(2)}x\n`);
  process.stdout.write(`update (one unit)      ${f(times.update)}\n`);
  process.stdout.write(`run NAME -- true       ${f(times.run)}   raw nsenter ${f(times.rawRun)}   overhead ${(median(times.run) - median(times.rawRun)).toFixed(0)} ms\n`);
  process.stdout.write(`stop                   ${f(times.stop)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exitCode = 1;
});
