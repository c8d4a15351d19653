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

/** An `ip` answer that means the thing is already there (kernels and iproute2 versions word it differently). */
const ALREADY_DONE = /File exists|already assigned/;

/**
 * Runs host-side `ip` commands (argv starting with `ip`, optionally `-4`/`-6`) in one
 * `ip -force -batch` process; an "exists" answer counts as done (idempotent). Returns the
 * failed commands with ip's message.
 */
export function applyHostNetwork(cmds: string[][]): string[] {
  if (cmds.length === 0) return [];
  // In batch mode the family comes from the addresses themselves: drop `-4`/`-6`.
  const lines = cmds.map((c) => c.slice(1).filter((a, i) => !(i === 0 && (a === '-4' || a === '-6'))).join(' '));
  const r = spawnSync('ip', ['-force', '-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8' });
  if (r.error) return [`ip -batch: ${r.error.message}`];
  if (r.status === 0) return [];
  // A failed line prints its messages, then `Command failed -:N`.
  const errors: string[] = [];
  let messages: string[] = [];
  for (const line of `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')) {
    const failed = /^Command failed -:(\d+)/.exec(line);
    if (!failed) {
      if (line.trim()) messages.push(line.trim());
      continue;
    }
    const text = messages.join(' ');
    messages = [];
    if (!ALREADY_DONE.test(text)) errors.push(`${cmds[Number(failed[1]) - 1]?.join(' ') ?? 'ip'}: ${text}`);
  }
  if (messages.length > 0) errors.push(`ip -batch: ${messages.join(' ')}`);
  return errors;
}
