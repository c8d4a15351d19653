// An exclusive, blocking lock on a file, compatible with upstream's flock(2) on
// /run/lock/nixos-container. Node has no flock(2) without a native addon, so a child
// `flock(1)` (util-linux) takes the lock and holds it while its `cat` reads our stdin.
// Releasing closes the pipe; if this process dies, the kernel closes the pipe too, `cat`
// sees EOF and the lock goes away: no stale lock is possible.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export class LockError extends Error {}

export interface HeldLock {
  release(): Promise<void>;
}

export async function lockExclusive(file: string): Promise<HeldLock> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const child = spawn('flock', ['-x', file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => { stderr += d; });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    const onData = (d: string) => {
      out += d;
      if (out.includes('locked\n')) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(new LockError(e.code === 'ENOENT'
        ? `could not lock ${file}: flock(1) from util-linux is required`
        : `could not lock ${file}: ${e.message}`));
    });
    child.once('exit', (code) => {
      reject(new LockError(`could not lock ${file}: ${stderr.trim() || `flock exited with status ${code}`}`));
    });
  });
  // Keep the lock holder from delaying our own exit if we forget to release.
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      child.stdin.end();
      await exited;
    },
  };
}
