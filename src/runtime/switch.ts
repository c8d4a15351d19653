// Live switch of a running container to a new toplevel, like NixOS'
// `switch-to-configuration test`: stop units that disappeared, activate the new /etc, reload
// systemd's unit files, restart (or reload) units whose files changed and that are running,
// start new units wanted by an active target. PID 1 is never restarted or re-executed.
// Unit switch hints (from the system builder): X-RestartIfChanged=false (leave running),
// X-ReloadIfChanged=true (reload instead of restart), X-StopIfChanged=false (restart in one
// step instead of stop-before-activation + start-after).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { ContainerRef } from './types';
import { RuntimeError, startSpec } from './lifecycle';
import { readRecord, setSpecToplevel, specFile, writeRecord } from './state';
import { writeStartPlan } from './start-plan';
import { alternativesStandIn } from './rootfs';

export interface SwitchReport {
  stopped: string[];
  restarted: string[];
  reloaded: string[];
  started: string[];
  /** Changed but left alone (X-RestartIfChanged=false). */
  skipped: string[];
  /** The container was rebooted instead: its /usr layers changed (they are fixed at boot). */
  rebooted?: boolean;
}

const UNIT_RE = /\.(service|socket|timer|target|path|mount|automount|swap|slice|scope)$/;
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Unit name -> its effective text (file content followed by drop-ins), for one unit dir. */
export function readUnits(dir: string): Map<string, string> {
  const units = new Map<string, string>();
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return units;
  }
  for (const e of entries.sort()) {
    if (!UNIT_RE.test(e)) continue;
    const p = path.join(dir, e);
    let text: string;
    try {
      if (!fs.statSync(p).isFile() && !fs.lstatSync(p).isSymbolicLink()) continue;
      text = fs.readlinkSync(p) === '/dev/null' ? '(masked)' : fs.readFileSync(p, 'utf8');
    } catch {
      try {
        text = fs.readFileSync(p, 'utf8');
      } catch {
        continue; // a dangling link
      }
    }
    const dropDir = `${p}.d`;
    try {
      for (const d of fs.readdirSync(dropDir).sort()) {
        if (d.endsWith('.conf')) text += `\n# ${d}\n` + fs.readFileSync(path.join(dropDir, d), 'utf8');
      }
    } catch {
      /* no drop-ins */
    }
    units.set(e, text);
  }
  return units;
}

/** Value of `X-Key=` in the [Unit]/[Service] sections (last one wins), lower-cased. */
export function unitHint(text: string, key: string): string | undefined {
  let v: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && m[1] === key) v = m[2].toLowerCase();
  }
  return v;
}

/** Targets whose .wants/ (or .requires/) dirs list `unit`, in the unit directory. */
export function wantedBy(dir: string, unit: string): string[] {
  const targets: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return targets;
  }
  for (const e of entries) {
    const m = /^(.*)\.(wants|requires)$/.exec(e);
    if (m && fs.existsSync(path.join(dir, e, unit))) targets.push(m[1]);
  }
  return targets;
}

function inContainer(leader: number, argv: string[], what: string, mustSucceed: boolean): string {
  const r = spawnSync('nsenter', ['--all', '-t', String(leader), '--', '/usr/bin/env', '-i', PATH_ENV, ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  if (mustSucceed && r.status !== 0) throw new RuntimeError(`${what} failed (exit ${r.status}):\n${out.trim()}`);
  return r.stdout ?? '';
}

function activeStates(leader: number, units: string[]): Map<string, string> {
  const m = new Map<string, string>();
  if (units.length === 0) return m;
  const out = inContainer(leader, ['/usr/bin/systemctl', 'is-active', '--', ...units], 'systemctl is-active', false);
  const lines = out.split('\n');
  units.forEach((u, i) => m.set(u, (lines[i] ?? '').trim()));
  return m;
}

const isActive = (s: string | undefined) => s === 'active' || s === 'activating' || s === 'reloading';

export async function switchLive(c: ContainerRef, leader: number, oldToplevel: string | undefined): Promise<SwitchReport> {
  const name = c.name;
  const ctx = (what: string) => `switching container '${name}': ${what}`;
  const activate = path.join(c.toplevel, 'activate');
  if (!fs.existsSync(activate)) throw new RuntimeError(ctx(`the system ${c.toplevel} has no activate script`));
  const newDir = path.join(c.toplevel, 'etc/systemd/system');
  // Old units: the old toplevel's, or else what the running container has now.
  const oldDir = oldToplevel ? path.join(oldToplevel, 'etc/systemd/system') : `/proc/${leader}/root/etc/systemd/system`;
  const oldUnits = readUnits(oldDir);
  const newUnits = readUnits(newDir);
  const report: SwitchReport = { stopped: [], restarted: [], reloaded: [], started: [], skipped: [] };

  const removed = [...oldUnits.keys()].filter((u) => !newUnits.has(u) && !u.endsWith('.target') && !u.endsWith('.slice'));
  const changed = [...newUnits.keys()].filter((u) => oldUnits.has(u) && oldUnits.get(u) !== newUnits.get(u));
  const added = [...newUnits.keys()].filter((u) => !oldUnits.has(u));
  const states = activeStates(leader, [...new Set([...removed, ...changed])].filter((u) => !u.includes('@.')));

  // 1. Stop removed units, and changed ones that want stop-before-activation.
  const toStopFirst = removed.filter((u) => isActive(states.get(u)));
  const restartLater: string[] = [];
  for (const u of changed) {
    if (!isActive(states.get(u)) || u.endsWith('.target')) continue;
    const text = newUnits.get(u)!;
    if (unitHint(text, 'X-RestartIfChanged') === 'false') report.skipped.push(u);
    else if (unitHint(text, 'X-ReloadIfChanged') === 'true') report.reloaded.push(u);
    else if (unitHint(text, 'X-StopIfChanged') === 'false' || u.endsWith('.socket')) restartLater.push(u);
    else {
      toStopFirst.push(u);
      restartLater.push(u);
    }
  }
  if (toStopFirst.length) inContainer(leader, ['/usr/bin/systemctl', 'stop', '--', ...toStopFirst], ctx('stopping units'), false);
  report.stopped.push(...removed.filter((u) => toStopFirst.includes(u)));

  // 2. Activation: the new /etc, users, tmpfiles (idempotent script of the toplevel).
  alternativesStandIn(`/proc/${leader}/root`, c.toplevel);
  inContainer(leader, [activate], ctx(`running ${activate}`), true);

  // 3. Unit files.
  inContainer(leader, ['/usr/bin/systemctl', 'daemon-reload'], ctx('systemctl daemon-reload'), true);

  // 4. Restart / reload changed running units; start new units wanted by active targets.
  if (restartLater.length) inContainer(leader, ['/usr/bin/systemctl', 'restart', '--', ...restartLater], ctx('restarting units'), true);
  report.restarted.push(...restartLater);
  if (report.reloaded.length) {
    inContainer(leader, ['/usr/bin/systemctl', 'reload-or-restart', '--', ...report.reloaded], ctx('reloading units'), true);
  }
  const candidates = added.filter((u) => !u.includes('@.'));
  const targets = [...new Set(candidates.flatMap((u) => wantedBy(newDir, u)))];
  const targetStates = activeStates(leader, targets);
  const toStart = candidates.filter((u) => wantedBy(newDir, u).some((t) => isActive(targetStates.get(t))));
  if (toStart.length) inContainer(leader, ['/usr/bin/systemctl', 'start', '--', ...toStart], ctx('starting units'), true);
  report.started.push(...toStart);
  // A reboot inside the container now boots the new system, and so does its next start.
  setSpecToplevel(c.paths, name, c.toplevel);
  writeStartPlan(c, startSpec(c), specFile(c.paths, name));
  const rec = readRecord(c.paths, name);
  if (rec && rec.leader?.pid === leader) writeRecord(c.paths, { ...rec, toplevel: c.toplevel });
  return report;
}
