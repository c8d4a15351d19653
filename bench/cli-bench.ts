// The user-facing verbs through the real CLI (whole processes, a temporary state root):
//   create         `nixos-container create` of a small configuration (evaluate, build, profile)
//   start          to ready, vs `systemd-nspawn -b` of a root with the same /usr and store binds
//   update         a one-unit change applied live to the running container
//   run -- true    vs `nsenter --all -t LEADER -- true`
//   stop
// Warm store (the second container reuses the first one's build products, as on a real host).
// Needs root and systemd-nspawn; prints a reason and exits 0 otherwise.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { removeTree } from '../src/state/store';

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

function main(): void {
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
  const times: Record<string, number[]> = { create: [], start: [], update: [], run: [], stop: [], rawRun: [] };
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
      nc(['destroy', name]);
    }
  } finally {
    for (let i = 0; i < REPS; i++) spawnSync(BIN, ['destroy', `bench${i}`], { env });
    removeTree(root);
  }
  const f = (xs: number[]) => `${median(xs).toFixed(0).padStart(6)} ms`;
  process.stdout.write(`medians of ${REPS} containers (whole CLI processes, warm store)\n`);
  process.stdout.write(`create                 ${f(times.create)}\n`);
  process.stdout.write(`start (to ready)       ${f(times.start)}\n`);
  process.stdout.write(`update (one unit)      ${f(times.update)}\n`);
  process.stdout.write(`run NAME -- true       ${f(times.run)}   raw nsenter ${f(times.rawRun)}   overhead ${(median(times.run) - median(times.rawRun)).toFixed(0)} ms\n`);
  process.stdout.write(`stop                   ${f(times.stop)}\n`);
}

main();
