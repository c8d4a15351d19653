// The wrapper configuration.nix that create/update write into ROOT/etc/nixos (upstream
// template, byte for byte), with one fix: the --config-file path is written as valid Nix
// whatever characters it contains (upstream pastes it unquoted, NixOS/nixpkgs#382133).
import * as fs from 'fs';

/** A Nix expression for absolute path `p`: a path literal when possible, else /. + "...". */
export function nixPathExpr(p: string): string {
  if (/^(\/[A-Za-z0-9._+-]+)+$/.test(p)) return p;
  return `(/. + ${nixString(p)})`;
}

export function nixString(s: string): string {
  return '"' + s.replace(/[\\"$\n\r\t]/g, (c) => {
    switch (c) {
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return '\\' + c;
    }
  }) + '"';
}

export interface ConfigSource {
  /** --config: Nix attribute definitions pasted into the module. */
  config?: string;
  /** --config-file: an existing file, resolved to its real absolute path. */
  configFile?: string;
}

export function renderConfiguration(name: string, src: ConfigSource): string {
  let extra = '';
  if (src.config) extra = src.config;
  else if (src.configFile) extra = `imports = [ ${nixPathExpr(src.configFile)} ];`;
  return (
    '{ config, lib, pkgs, ... }:\n' +
    '\n' +
    '{ boot.isContainer = true;\n' +
    `  networking.hostName = lib.mkDefault ${nixString(name)};\n` +
    '  networking.useDHCP = false;\n' +
    `  ${extra}\n` +
    '}\n'
  );
}

/** Resolves --config-file to a real absolute path, or explains why it cannot be used. */
export function resolveConfigFile(file: string): { path?: string; problem?: string } {
  try {
    const real = fs.realpathSync(file);
    fs.accessSync(real, fs.constants.R_OK);
    return { path: real };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: 'No such file or directory' };
    if (code === 'EACCES') return { problem: 'Permission denied' };
    return { problem: (e as Error).message };
  }
}
