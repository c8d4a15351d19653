// Host-side network plumbing: configuring ve-NAME after nspawn created it, and removing the
// links a dead container may leave behind.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { bridgePortName, vethName } from './nspawn-args';

export interface CmdResult {
  status: number;
  output: string;
}

export function runCmd(argv: string[]): CmdResult {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status ?? 255, output: ((r.stdout ?? '') + (r.stderr ?? '') + (r.error ? String(r.error) : '')).trim() };
}

export function linkExists(dev: string): boolean {
  // Names up to 15 bytes are real interface names: /sys answers without spawning `ip`. Longer
  // ones (nspawn hashes them) can only be found by their altname.
  if (Buffer.byteLength(dev) <= 15) return fs.existsSync(`/sys/class/net/${dev}`);
  return runCmd(['ip', 'link', 'show', 'dev', dev]).status === 0;
}

/** Deletes ve-NAME / vb-NAME if they exist (upstream preStart does the same). Returns what it removed. */
export function removeLinks(name: string): string[] {
  const removed: string[] = [];
  for (const dev of [vethName(name), bridgePortName(name)]) {
    if (linkExists(dev) && runCmd(['ip', 'link', 'delete', 'dev', dev]).status === 0) removed.push(dev);
  }
  return removed;
}

/** Runs host-side `ip` commands; an "exists" answer counts as done (idempotent). */
export function applyHostNetwork(cmds: string[][]): string[] {
  const errors: string[] = [];
  for (const c of cmds) {
    const r = runCmd(c);
    if (r.status !== 0 && !/File exists/.test(r.output)) errors.push(`${c.join(' ')}: ${r.output}`);
  }
  return errors;
}
