// Runs every benchmark of the project in turn (each is also runnable on its own):
//   node dist/bench/run.js [NAME...]     e.g. `npm run bench -- eval build`
// Each *-bench.js prints its own workloads side by side with the reference tool
// (nix-instantiate, raw systemd-nspawn, ...) and the ratio.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const only = process.argv.slice(2);
const benches = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('-bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

let failed = 0;
for (const f of benches) {
  process.stdout.write(`\n=== ${f.replace(/\.js$/, '')} ===\n`);
  const r = spawnSync(process.execPath, [path.join(__dirname, f)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (benches.length === 0) process.stdout.write('no benchmarks matched\n');
process.exitCode = failed ? 1 : 0;
