// Command-line entry point: picks the verb family and hands over the arguments.
//
// Upstream's verbs (list, create, start, ...) share one GNU-style option parser over the
// whole argv (see upstream.ts). The verbs this project adds have their own flag sets:
// `eval` mimics nix-instantiate --eval, `build`/`option` inspect configurations, `gc`
// collects the store. Each family is loaded only when used: start-up stays cheap, and a
// verb never pays for (or breaks on) layers it does not need.

type Verb = (args: string[]) => Promise<number>;

const OWN_VERBS: Record<string, () => Verb> = {
  eval: () => (require('./eval') as typeof import('./eval')).evalVerb,
  build: () => (require('./build') as typeof import('./build')).buildVerb,
  option: () => (require('./option') as typeof import('./option')).optionVerb,
  gc: () => (require('./gc') as typeof import('./gc')).gcVerb,
  // A `start` that bin/nixos-container's shell began (src/runtime/start-plan.ts).
  '__start-follow': () => (require('./start-follow') as typeof import('./start-follow')).startFollowVerb,
};

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'run') {
    const fast = (require('./run-fast') as typeof import('./run-fast')).tryFastRun(argv);
    if (fast) return fast;
  }
  const load = OWN_VERBS[argv[0] ?? ''];
  if (load) return load()(argv.slice(1));
  const { upstreamMain } = require('./upstream') as typeof import('./upstream');
  return upstreamMain(argv);
}
