// Helper module for big-stack.test.ts: evaluates an expression and returns its JSON.
import { Evaluator } from '../../src/nix/index';

export function evalToJS(expr: string): unknown {
  const ev = new Evaluator();
  return ev.toJS(ev.evalString(expr, '/tmp'));
}
