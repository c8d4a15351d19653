// Runs the real CLI (bin/nixos-container over dist/) in a throw-away state root.
import { after } from 'node:test';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Where test sandboxes share the archive index of the packages layer. */
export const SHARED_INDEX_CACHE = path.join(os.tmpdir(), 'nixos-container-test-index');

export const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'nixos-container');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export class Sandbox {
  readonly root: string;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'nc-cli-test-'));
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NIXOS_CONTAINER_ROOT: this.root,
      NIXOS_CONTAINER_DEBUG: '',
      // Sandboxes share one Debian archive index (a cache keyed on apt's lists), instead of
      // each rebuilding it for several seconds.
      NIXOS_CONTAINER_INDEX_CACHE: process.env.NIXOS_CONTAINER_INDEX_CACHE || SHARED_INDEX_CACHE,
    };
  }

  p(...parts: string[]): string {
    return path.join(this.root, ...parts);
  }

  confDir(): string { return this.p('etc', 'nixos-containers'); }
  conf(name: string): string { return this.p('etc', 'nixos-containers', `${name}.conf`); }
  containerRoot(name: string): string { return this.p('var', 'lib', 'nixos-containers', name); }
  profile(name: string): string { return this.p('nix', 'var', 'nix', 'profiles', 'per-container', name); }
  gcroots(name: string): string { return this.p('nix', 'var', 'nix', 'gcroots', 'per-container', name); }

  /** The command as a user runs it: BIN itself (its shell part first, then Node). */
  run(args: string[], input?: string): CliResult {
    const r = spawnSync(BIN, args, { env: this.env, encoding: 'utf8', input: input ?? '', timeout: 120_000 });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** `node BIN ...`: Node only, skipping BIN's shell part (its `run` fast path). */
  runNode(args: string[], input?: string): CliResult {
    const r = spawnSync(process.execPath, ['--stack-size=6000', BIN, ...args], {
      env: this.env, encoding: 'utf8', input: input ?? '', timeout: 120_000,
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  runAsync(args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(BIN, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    });
  }

  /** Writes a NAME.conf directly, as another tool (or a declarative host config) would. */
  writeConf(name: string, text: string, mode = 0o644): void {
    fs.mkdirSync(this.confDir(), { recursive: true });
    fs.writeFileSync(this.conf(name), text, { mode });
    fs.chmodSync(this.conf(name), mode);
  }

  /** A directory that looks like a built toplevel, for --system-path. */
  fakeToplevel(label = 'sys'): string {
    const dir = this.p('fake-store', `0000-nixos-system-${label}`);
    fs.mkdirSync(path.join(dir, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'init'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'system'), 'x86_64-linux');
    return dir;
  }

  cleanup(): void {
    // Unmount anything a test left mounted below the sandbox before removing it.
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
      .map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(this.root + '/'))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Why this machine cannot boot the fixture container (runtime/fixture-toplevel.ts), if it cannot. */
export function fixtureBootSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (systemd-nspawn, veth links)';
  if (spawnSync('systemd-nspawn', ['--version']).status !== 0) return 'systemd-nspawn is not installed';
  if (spawnSync('nsenter', ['--version']).status !== 0) return 'nsenter is not installed';
  if (!fs.existsSync('/usr/bin/python3')) return '/usr/bin/python3 (the fixture service) is missing';
  return undefined;
}

export interface TestContainer {
  name: string;
  /** Its addresses are 10.233.N.1 (host) and 10.233.N.2 (container). */
  n: number;
}

/**
 * A name and a subnet for a test file's container, unlikely to clash with other files'. After
 * the file's tests, whatever happened, the container is destroyed (its veth too) and the
 * sandbox removed.
 */
export function containerForTests(sb: Sandbox, prefix: string): TestContainer {
  const name = `${prefix}${Math.random().toString(36).slice(2, 7)}`;
  const n = 100 + Math.floor(Math.random() * 150);
  after(() => {
    sb.run(['destroy', name]);
    spawnSync('ip', ['link', 'del', `ve-${name}`], { stdio: 'ignore' });
    sb.cleanup();
  });
  return { name, n };
}

/** Whether anything (a dangling symlink included) is at p. */
export { pathExists as exists } from '../../src/state/store';
