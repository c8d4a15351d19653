// runWithLargeStack: deep evaluations that overflow the main thread's stack succeed in
// a worker with a large stack; errors come back as errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { Evaluator, NixError, runWithLargeStack } from '../../src/nix/index';

const helper = path.join(__dirname, 'big-stack-helper.js');
const deep = 'let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 200000';

test('deep recursion overflows in-process with a clean NixError', () => {
  const ev = new Evaluator();
  assert.throws(() => ev.force(ev.evalString(deep, '/tmp')), (e: unknown) => e instanceof NixError && /stack overflow/.test(e.message));
});

test('the same evaluation succeeds with runWithLargeStack', async () => {
  assert.equal(await runWithLargeStack<number>(helper, 'evalToJS', deep), 200000);
  await assert.rejects(runWithLargeStack(helper, 'evalToJS', 'throw "boom"'), /boom/);
});
