// `update NAME [--config S | --config-file F]`: rebuild the container's system from
// ROOT/etc/nixos/configuration.nix (or from a new one) into a new profile generation, and
// switch a running container to it. Unlike upstream, a new configuration.nix is built from
// a candidate file first and only moved into place once the build succeeded, so a failed
// update changes nothing.
import * as fs from 'fs';
import * as path from 'path';
import { unquote, type ConfValues } from '../state/conf';
import type { StatePaths } from '../state/paths';
import { containerStatus, switchContainer } from '../runtime/index';
import { systemLayer } from './lazy-system';
import { dieProg, orDie, printError } from './cli-error';
import { refuseNixOnlyOptions } from './nix-only';
import { renderConfiguration, resolveConfigFile } from './nixos-config';
import type { UpstreamOptions } from './upstream-options';

export async function updateVerb(
  paths: StatePaths, name: string, conf: ConfValues, declarative: boolean, opts: UpstreamOptions,
): Promise<number> {
  refuseNixOnlyOptions(opts);
  const newSource = (opts.config !== undefined && opts.config !== '') ||
    (opts.configFile !== undefined && opts.configFile !== '');
  if (!newSource && conf.FLAKE !== undefined) {
    dieProg(`container ‘${name}’ was created from a flake (FLAKE=${unquote(conf.FLAKE)}); ` +
      'updating it needs a Nix installation with flakes; pass --config or --config-file instead');
  }
  if (declarative) {
    dieProg(`cannot update declarative container ‘${name}’ (change it in the host configuration instead)`);
  }
  const etcNixos = path.join(paths.containersDir, name, 'etc', 'nixos');
  const cfg = path.join(etcNixos, 'configuration.nix');

  let buildFile = cfg;
  let candidate: string | undefined;
  let createdDir: string | undefined;
  if (newSource) {
    let configFile: string | undefined;
    if (!opts.config) {
      const r = resolveConfigFile(opts.configFile as string);
      if (!r.path) dieProg(`cannot read config file ‘${opts.configFile}’: ${r.problem}`);
      configFile = r.path;
    }
    createdDir = fs.mkdirSync(etcNixos, { recursive: true, mode: 0o755 });
    candidate = path.join(etcNixos, 'configuration.nix.new');
    fs.writeFileSync(candidate, renderConfiguration(name, { config: opts.config, configFile }), { mode: 0o644 });
    buildFile = candidate;
  } else if (!fs.existsSync(cfg)) {
    dieProg(`container ‘${name}’ has no ${cfg} (it was created with --system-path?); ` +
      'pass --config or --config-file to give it one');
  }

  const oldToplevel = systemLayer().profileSystem(paths, name);
  let toplevel: string;
  try {
    const result = systemLayer().buildSystem({ configFile: buildFile, paths });
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    toplevel = result.toplevel;
    systemLayer().setProfileGeneration(paths, name, toplevel);
    if (candidate) fs.renameSync(candidate, cfg);
  } catch (e) {
    printError(e);
    if (candidate) {
      try { fs.unlinkSync(candidate); } catch { /* already gone */ }
    }
    // Directories made for the candidate (a container created with --system-path has none).
    if (createdDir) fs.rmSync(createdDir, { recursive: true, force: true });
    dieProg('failed to build container configuration');
  }

  if (containerStatus(name, paths) === 'up') {
    process.stderr.write('reloading container...\n');
    const report = await orDie('failed to reload container', () => switchContainer({ name, paths, conf, toplevel }, oldToplevel));
    if (report.rebooted) {
      process.stderr.write(`the packages layered over /usr changed: container ‘${name}’ was restarted\n`);
    }
  }
  return 0;
}
