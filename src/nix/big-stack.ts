// Run a function in a worker thread with a large JS stack.
//
// Nix code (module system, foldl' over long lists, deep thunk chains) recurses much
// deeper than Node's default ~1 MB stack allows; the evaluator then throws
// "stack overflow" (a NixError). Callers that evaluate big configurations in-process can
// move that work into a worker:
//
//   const r = await runWithLargeStack<Result>(require.resolve('./build-system'), 'build', req);
//
// `modulePath` must export `fnName(arg)` (sync or async); `arg` and the result must be
// structured-cloneable (plain data). Errors are re-thrown in the caller with the worker's
// message (NixError messages are kept intact).
import * as path from 'path';

export interface LargeStackOptions {
  stackSizeMb?: number; // default 512
  maxOldGenerationSizeMb?: number; // default 4096
}

export function runWithLargeStack<T>(modulePath: string, fnName: string, arg: unknown, opts: LargeStackOptions = {}): Promise<T> {
  const { Worker } = require('worker_threads') as typeof import('worker_threads');
  return new Promise<T>((resolve, reject) => {
    const w = new Worker(__filename, {
      workerData: { __nixBigStack: true, modulePath: path.resolve(modulePath), fnName, arg },
      resourceLimits: {
        stackSizeMb: opts.stackSizeMb ?? 512,
        maxOldGenerationSizeMb: opts.maxOldGenerationSizeMb ?? 4096,
        maxYoungGenerationSizeMb: 48,
      },
    });
    let settled = false;
    w.on('message', (m: { ok: boolean; value?: T; message?: string; name?: string }) => {
      settled = true;
      if (m.ok) resolve(m.value as T);
      else {
        const e = new Error(m.message);
        e.name = m.name ?? 'Error';
        reject(e);
      }
    });
    w.on('error', (e) => {
      settled = true;
      reject(e instanceof RangeError ? new Error('error: stack overflow (the evaluation is too deep)') : e);
    });
    w.on('exit', (code) => {
      if (!settled) reject(new Error(`worker exited with code ${code} before returning a result`));
    });
  });
}

// ---------------------------------------------------------------- worker side
{
  const wt = require('worker_threads') as typeof import('worker_threads');
  const d = wt.workerData as { __nixBigStack?: boolean; modulePath: string; fnName: string; arg: unknown } | null;
  if (!wt.isMainThread && d && d.__nixBigStack) {
    (async () => {
      try {
        const mod = require(d.modulePath);
        const value = await mod[d.fnName](d.arg);
        wt.parentPort!.postMessage({ ok: true, value });
      } catch (e) {
        const err = e as Error;
        wt.parentPort!.postMessage({ ok: false, message: String(err?.message ?? e), name: err?.name });
      }
    })();
  }
}
