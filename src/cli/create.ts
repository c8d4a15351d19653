// `create NAME`: reserve the name and addresses under the create lock, write NAME.conf,
// then build the system (or take --system-path) into the container's profile. A failure
// at any step removes everything this invocation created: CONF, ROOT, PROFILE, GCROOTS.
import * as fs from 'fs';
import * as path from 'path';
import { allocatePair, stripPrefix, usedAddresses } from '../state/addresses';
import { confPath, formatImperativeConf, writeFileAtomic } from '../state/conf';
import { lockExclusive } from '../state/lock';
import { MAX_NAME_LENGTH, newNameProblem } from '../state/names';
import type { StatePaths } from '../state/paths';
import { safeRemoveTree } from '../state/remove';
import { pathExists as exists } from '../state/store';
import { systemLayer } from './lazy-system';
import { CliError, dieProg, printError } from './cli-error';
import { renderConfiguration, resolveConfigFile } from './nixos-config';
import type { UpstreamOptions } from './upstream-options';
import { refuseNixOnlyOptions } from './nix-only';

export async function createVerb(paths: StatePaths, requested: string, opts: UpstreamOptions): Promise<number> {
  refuseNixOnlyOptions(opts);
  const badName = newNameProblem(requested);
  if (badName) dieProg(`invalid container name ‘${requested}’: ${badName}`);

  // Check the inputs before anything is written.
  let configFile: string | undefined;
  if (opts.configFile !== undefined && !opts.config) {
    const r = resolveConfigFile(opts.configFile);
    if (!r.path) dieProg(`cannot read config file ‘${opts.configFile}’: ${r.problem}`);
    configFile = r.path;
  }
  let systemPath: string | undefined;
  if (opts.systemPath !== undefined) {
    try {
      systemPath = fs.realpathSync(opts.systemPath);
      if (!fs.statSync(systemPath).isDirectory()) throw new Error('not a directory');
    } catch {
      dieProg(`system path ‘${opts.systemPath}’ is not an existing directory`);
    }
  }

  // Reserve the name and the addresses.
  let name = requested;
  let host: string;
  let local: string;
  const lock = await lockExclusive(paths.lockFile);
  try {
    const root = (n: string) => path.join(paths.containersDir, n);
    if (opts.ensureUniqueName) {
      for (let nr = 0; exists(confPath(paths, name)) || exists(root(name)); nr++) name = `${requested}-${nr}`;
    }
    if (exists(confPath(paths, name))) dieProg(`container ‘${name}’ already exists`);
    if (name.length > MAX_NAME_LENGTH) dieProg(`container name ‘${name}’ is too long`);
    if (exists(root(name))) {
      dieProg(`container root ‘${root(name)}’ already exists without ${name}.conf (left over?); remove it or choose another name`);
    }
    const used = usedAddresses(paths);
    if (opts.hostAddress === undefined || opts.localAddress === undefined) {
      const pair = allocatePair(used);
      if (!pair) dieProg('out of IP addresses');
      host = pair.host;
      local = pair.local;
    } else {
      host = opts.hostAddress;
      local = opts.localAddress;
      const mine = stripPrefix(local);
      const clash = used.find((u) => u.address === mine);
      if (mine && clash) {
        dieProg(`address ${mine} (--local-address) is already used by container ‘${clash.container}’ (${clash.key})`);
      }
      const hostClash = used.find((u) => u.address === stripPrefix(host) && u.key.startsWith('LOCAL_ADDRESS'));
      if (hostClash) {
        dieProg(`address ${stripPrefix(host)} (--host-address) is the local address of container ‘${hostClash.container}’`);
      }
    }
    writeFileAtomic(confPath(paths, name), formatImperativeConf({
      hostAddress: host,
      localAddress: local,
      bridge: opts.bridge,
      port: opts.port,
      autoStart: opts.autoStart,
    }));
  } finally {
    await lock.release();
  }

  process.stderr.write(`host IP is ${host}, container IP is ${local}\n`);

  const rootDir = path.join(paths.containersDir, name);
  const profileDir = path.join(paths.profilesDir, name);
  const gcrootsDir = path.join(paths.gcrootsDir, name);
  const hadProfile = exists(profileDir);
  const hadGcroots = exists(gcrootsDir);
  const cleanup = () => {
    try {
      if (!hadProfile) safeRemoveTree(profileDir);
      if (!hadGcroots) safeRemoveTree(gcrootsDir);
      safeRemoveTree(rootDir);
    } finally {
      try { fs.unlinkSync(confPath(paths, name)); } catch { /* already gone */ }
    }
  };
  const fail = (e: unknown, message: string): never => {
    if (!(e instanceof CliError)) printError(e);
    try {
      cleanup();
    } catch (c) {
      printError(c);
    }
    dieProg(message);
  };

  fs.mkdirSync(paths.profilesDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(profileDir, { recursive: true, mode: 0o755 });

  if (systemPath !== undefined) {
    try {
      systemLayer().setProfileGeneration(paths, name, systemPath);
    } catch (e) {
      fail(e, 'failed to set initial container configuration');
    }
  } else {
    try {
      const etcNixos = path.join(rootDir, 'etc', 'nixos');
      fs.mkdirSync(etcNixos, { recursive: true, mode: 0o755 });
      const cfg = path.join(etcNixos, 'configuration.nix');
      fs.writeFileSync(cfg, renderConfiguration(name, { config: opts.config, configFile }), { mode: 0o644 });
      const result = systemLayer().buildSystem({ configFile: cfg, paths });
      for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
      systemLayer().setProfileGeneration(paths, name, result.toplevel);
    } catch (e) {
      fail(e, 'failed to build initial container configuration');
    }
  }

  if (opts.ensureUniqueName) process.stdout.write(`${name}\n`);
  return 0;
}
