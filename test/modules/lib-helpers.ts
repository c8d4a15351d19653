// Shared set-up for the lib unit tests: one evaluator per test file, skipping with a
// printed reason when the chosen evaluator cannot run here.
import type { TestContext } from 'node:test';
import { LibEvaluator, evaluatorUnavailable, resolveEvaluator } from './eval-cmd';

let shared: LibEvaluator | null | undefined;
let reason = '';

/** The evaluator for this process, or null (after t.skip) when unavailable. */
export function libEvaluator(t: TestContext): LibEvaluator | null {
  if (shared === undefined) {
    const ev = resolveEvaluator();
    const broken = evaluatorUnavailable(ev);
    if (broken !== null) {
      reason = broken;
      shared = null;
      if (!ev.isDefault) throw new Error(`NIX_EVAL_CMD is set but unusable: ${broken}`);
      console.log(`skipping lib tests: ${broken}; set NIX_EVAL_CMD=nix-instantiate to use the reference`);
    } else {
      console.log(`evaluator: ${ev.name}`);
      shared = new LibEvaluator(ev);
      process.on('exit', () => shared?.cleanup());
    }
  }
  if (shared === null) {
    t.skip(reason);
    return null;
  }
  return shared;
}

/** A module-system evaluation: the `config` of modules given as Nix source. */
export function configOf(modules: string[]): string {
  return `(lib.evalModules { modules = [ ${modules.map((m) => `(${m})`).join(' ')} ]; }).config`;
}
