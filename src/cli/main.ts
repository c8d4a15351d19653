// Command-line entry point: picks the verb family and hands over the arguments.
//
// Upstream's verbs (list, create, start, ...) share one GNU-style option parser over the
// whole argv (see upstream.ts). The verbs this project adds have their own flag sets:
// `eval` mimics nix-instantiate --eval, `build`/`option` inspect configurations, `gc`
// collects the store.
import { upstreamMain } from './upstream';
import { evalVerb } from './eval';
import { buildVerb } from './build';
import { optionVerb } from './option';
import { gcVerb } from './gc';

type Verb = (args: string[]) => Promise<number>;

const OWN_VERBS: Record<string, Verb> = {
  eval: evalVerb,
  build: buildVerb,
  option: optionVerb,
  gc: gcVerb,
};

export async function main(argv: string[]): Promise<number> {
  const verb = OWN_VERBS[argv[0] ?? ''];
  if (verb) return verb(argv.slice(1));
  return upstreamMain(argv);
}
