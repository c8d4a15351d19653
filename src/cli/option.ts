// `nixos-container option (NAME | --config-file FILE | --config ATTRS) OPTION [--json]`
// Like nixos-option: prints an option's value, default, type, description and the files
// that declare and define it; for a set of options, the names it contains.
import { statePaths } from '../state/paths';
import { BuildError } from '../system/index';
import { ConfigError } from '../system/evaluate';
import { describeOption } from '../system/options';
import { UsageError, configFileFor, parseTargetArgs } from './config-target';

const USAGE = 'Usage: nixos-container option (NAME | --config-file FILE | --config ATTRS) OPTION [-I PATH]... [--json]\n';

function indentBlock(s: string): string {
  return s.replace(/\n+$/, '');
}

export async function optionVerb(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\nShows the value, default, type, description and the declaring and defining files of\nOPTION (e.g. services.nginx.enable) in a configuration.\n');
    return 0;
  }
  const paths = statePaths();
  let cleanup = () => {};
  try {
    const t = parseTargetArgs(args);
    const usesFile = t.configFile !== undefined || t.config !== undefined;
    const want = usesFile ? 1 : 2;
    if (t.positional.length !== want) throw new UsageError(usesFile ? 'expected OPTION' : 'expected NAME and OPTION');
    if (!usesFile) t.name = t.positional[0];
    const option = t.positional[t.positional.length - 1];
    const cf = configFileFor(t, paths);
    cleanup = cf.cleanup;
    const info = describeOption({ configFile: cf.file, paths, searchPath: t.searchPath, showTrace: t.showTrace, option });
    if (t.json) {
      process.stdout.write(JSON.stringify(info, null, 2) + '\n');
      return 0;
    }
    if (info.kind === 'set') {
      process.stdout.write(`This attribute set contains:\n${info.children.join('\n')}\n`);
      return 0;
    }
    const out: string[] = [];
    out.push('Value:', info.value !== undefined ? indentBlock(info.value) : indentBlock(info.valueError ?? ''), '');
    if (info.default !== undefined) out.push('Default:', indentBlock(info.default), '');
    if (info.type !== undefined) out.push('Type:', JSON.stringify(info.type), '');
    if (info.example !== undefined) out.push('Example:', indentBlock(info.example), '');
    if (info.description !== undefined) out.push('Description:', indentBlock(info.description), '');
    out.push('Declared by:', ...info.declarations.map((f) => `  ${JSON.stringify(f)}`), '');
    out.push('Defined by:', ...info.definitions.map((f) => `  ${JSON.stringify(f)}`), '');
    process.stdout.write(out.join('\n'));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`nixos-container option: ${e.message}\n${USAGE}`);
    else if (e instanceof BuildError || e instanceof ConfigError) process.stderr.write(e.message.replace(/\n*$/, '\n'));
    else throw e;
    return 1;
  } finally {
    cleanup();
  }
}
