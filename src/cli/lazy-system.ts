// The system layer (evaluator, module system, builder) is loaded only by the verbs that build
// or read profiles, so list/status/run/stop don't pay for loading it at every invocation.
export type SystemLayer = typeof import('../system/index');

let cached: SystemLayer | undefined;

export function systemLayer(): SystemLayer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cached ??= require('../system/index') as SystemLayer;
  return cached;
}
