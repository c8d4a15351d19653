// Upstream's verbs: list, create, destroy, start, stop, restart, terminate, status, update,
// login, root-login, run, show-ip, show-host-key. One GNU-style option parser runs over the
// whole argv first (upstream-options.ts), then the checks run in upstream's order (spec
// §3.2), with upstream's messages. Every error exits with status 1.
import * as fs from 'fs';
import { confExists, isDeclarative, readConf } from '../state/conf';
import { nameProblem } from '../state/names';
import { statePaths } from '../state/paths';
import { dieProg, die, runUpstreamVerb } from './cli-error';
import { USAGE, parseUpstream } from './upstream-options';

// Each verb's module (and the layers behind it) is loaded only when that verb runs: `run` and
// `status` must start fast, and need neither the builder nor the network code.
const create = () => require('./create') as typeof import('./create');
const enter = () => require('./enter') as typeof import('./enter');
const inspect = () => require('./inspect') as typeof import('./inspect');
const lifecycle = () => require('./lifecycle') as typeof import('./lifecycle');
const update = () => require('./update') as typeof import('./update');

async function dispatch(argv: string[]): Promise<number> {
  const { opts, args, errors } = parseUpstream(argv);
  for (const e of errors) process.stderr.write(e + '\n');
  if (opts.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (errors.length > 0) return 1;

  if ((opts.hostAddress === undefined) !== (opts.localAddress === undefined)) {
    die('With --host-address set, --local-address is required as well!');
  }
  const action = args[0];
  if (!action) dieProg('no action specified');
  if (opts.config !== undefined && opts.configFile !== undefined) {
    die('--config and --config-file are mutually incompatible. Please define one or the other, but not both');
  }

  const paths = statePaths();
  fs.mkdirSync(paths.confDir, { recursive: true, mode: 0o755 });
  fs.mkdirSync(paths.containersDir, { recursive: true, mode: 0o700 });

  if (action === 'list') return inspect().listVerb(paths, opts.json);
  if ((action === 'start' && opts.all) || action === 'start-all') {
    if (args[1] !== undefined) dieProg(`${action === 'start' ? 'start --all' : action} takes no container name`);
    return lifecycle().startAllVerb(paths);
  }

  const name = args[1];
  if (name === undefined) dieProg('no container name specified');
  const problem = nameProblem(name);
  if (problem) dieProg(`invalid container name ‘${name}’: ${problem}`);

  if (action === 'create') return create().createVerb(paths, name, opts);

  if (!confExists(paths, name)) {
    if (action === 'destroy') return 0;
    if (action === 'status') {
      process.stdout.write(opts.json ? JSON.stringify({ name, status: 'gone' }) + '\n' : 'gone\n');
    }
    dieProg(`container ‘${name}’ does not exist`);
  }
  const declarative = isDeclarative(paths, name);
  switch (action) {
    case 'destroy': return lifecycle().destroyVerb(paths, name, declarative);
    case 'start': return lifecycle().startVerb(paths, name, readConf(paths, name));
    case 'stop': return lifecycle().stopVerb(paths, name);
    case 'restart': return lifecycle().restartVerb(paths, name, readConf(paths, name));
    case 'terminate': return lifecycle().terminateVerb(paths, name);
    case 'status': return lifecycle().statusVerb(paths, name, opts.json);
    case 'update': return update().updateVerb(paths, name, readConf(paths, name), declarative, opts);
    case 'login': return enter().loginVerb(paths, name);
    case 'root-login': return enter().rootLoginVerb(paths, name);
    case 'run': return enter().runVerb(paths, name, args.slice(2));
    case 'show-ip': return inspect().showIpVerb(paths, name);
    case 'show-host-key': return inspect().showHostKeyVerb(paths, name);
    default: dieProg(`unknown action ‘${action}’`);
  }
}

export async function upstreamMain(argv: string[]): Promise<number> {
  return runUpstreamVerb(() => dispatch(argv));
}
