// `nixos-container build (NAME | --config-file FILE | --config ATTRS) [-I PATH]... [--json]`
// Builds the system of a configuration and prints its toplevel store path (warnings go to
// stderr as `warning: ...`). Nothing else changes: no profile generation, no container.
import { statePaths } from '../state/paths';
import { BuildError, buildSystem } from '../system/index';
import { UsageError, configFileFor, parseTargetArgs } from './config-target';

const USAGE = 'Usage: nixos-container build (NAME | --config-file FILE | --config ATTRS) [-I PATH]... [--json]\n';

export async function buildVerb(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      USAGE +
        '\nEvaluates the configuration (a container\'s ROOT/etc/nixos/configuration.nix, a file, or\n' +
        'attribute definitions), builds its system into the store and prints the toplevel path.\n',
    );
    return 0;
  }
  const paths = statePaths();
  let cleanup = () => {};
  try {
    const t = parseTargetArgs(args);
    if (t.positional.length > 1) throw new UsageError('too many arguments');
    t.name = t.positional[0];
    const cf = configFileFor(t, paths);
    cleanup = cf.cleanup;
    const r = buildSystem({ configFile: cf.file, paths, searchPath: t.searchPath, showTrace: t.showTrace });
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
    if (t.json) process.stdout.write(JSON.stringify({ toplevel: r.toplevel, warnings: r.warnings }) + '\n');
    else process.stdout.write(r.toplevel + '\n');
    return 0;
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`nixos-container build: ${e.message}\n${USAGE}`);
    else if (e instanceof BuildError) process.stderr.write(e.message.replace(/\n*$/, '\n'));
    else throw e;
    return 1;
  } finally {
    cleanup();
  }
}
