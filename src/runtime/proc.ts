// Process helpers: liveness checks that survive PID reuse (a pid is identified by the pair
// pid + start time from /proc/PID/stat), and finding a container's leader under nspawn.
import * as fs from 'fs';

export interface ProcId {
  pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks since boot). */
  start: number;
}

/** Start time of `pid`, or undefined when it does not exist (or is a zombie). */
export function procStartTime(pid: number): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may contain spaces and parentheses: fields start after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (rest[0] === 'Z' || rest[0] === 'X') return undefined;
  const start = Number(rest[19]);
  return Number.isFinite(start) ? start : undefined;
}

export function procId(pid: number): ProcId | undefined {
  const start = procStartTime(pid);
  return start === undefined ? undefined : { pid, start };
}

/** True when the very process recorded in `id` is still alive (not a reused pid). */
export function isAlive(id: ProcId | undefined): boolean {
  if (!id || !(id.pid > 0)) return false;
  return procStartTime(id.pid) === id.start;
}

export function procComm(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function statusField(pid: number, field: string): string | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(text);
    return m ? m[1].trim() : undefined;
  } catch {
    return undefined;
  }
}

export function procParent(pid: number): number | undefined {
  const v = statusField(pid, 'PPid');
  return v === undefined ? undefined : Number(v);
}

/** The pid as seen in each nested pid namespace, outermost first. */
export function procNsPids(pid: number): number[] {
  const v = statusField(pid, 'NSpid');
  return v ? v.split(/\s+/).map(Number) : [];
}

function allPids(): number[] {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** Direct children of `pid`: /proc/PID/task/TID/children when the kernel has it, else a scan. */
export function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  try {
    const out: number[] = [];
    for (const t of tasks) {
      const text = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
    return out;
  } catch {
    return allPids().filter((q) => procParent(q) === pid);
  }
}

/**
 * The container leader started by nspawn `nspawnPid`: a descendant of nspawn that is PID 1 of
 * a new pid namespace. nspawn forks an intermediate child, so look two levels down.
 */
export function findLeader(nspawnPid: number): number | undefined {
  const children = childrenOf;
  const queue = children(nspawnPid);
  for (let depth = 0; depth < 3 && queue.length; depth++) {
    const next: number[] = [];
    for (const q of queue) {
      const ns = procNsPids(q);
      if (ns.length >= 2 && ns[ns.length - 1] === 1) return q;
      next.push(...children(q));
    }
    queue.splice(0, queue.length, ...next);
  }
  return undefined;
}

/** Sends `signal`, ignoring "no such process". Returns whether it was delivered. */
export function signalPid(pid: number, signal: NodeJS.Signals | number): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `id` is gone; resolves true if it went away before `timeoutMs`. */
export async function waitGone(id: ProcId, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (isAlive(id)) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}
