// The option table and usage text of upstream's verbs, and the parsed form the verbs use.
import { OptionSpec, parseArgs } from './getopt';

export const PROG = 'nixos-container';

/** Every option upstream accepts (with every verb), plus `all` and `json` (ours). */
export const OPTION_SPECS: OptionSpec[] = [
  { name: 'help', arity: 0 },
  { name: 'ensure-unique-name', arity: 0 },
  { name: 'auto-start', arity: 0 },
  { name: 'bridge', arity: 1 },
  { name: 'port', arity: 1 },
  { name: 'system-path', arity: 1 },
  { name: 'signal', arity: 1 },
  { name: 'nixos-path', arity: 1 },
  { name: 'config', arity: 1 },
  { name: 'config-file', arity: 1 },
  { name: 'host-address', arity: 1 },
  { name: 'local-address', arity: 1 },
  { name: 'flake', arity: 1 },
  // Nix passthrough flags: accepted as upstream does; they only matter to a Nix build.
  { name: 'log-format', arity: 1 },
  { name: 'option', arity: 2 },
  { name: 'impure', arity: 0 },
  { name: 'update-input', arity: 1 },
  { name: 'override-input', arity: 2 },
  { name: 'commit-lock-file', arity: 0 },
  { name: 'no-registries', arity: 0 },
  { name: 'no-update-lock-file', arity: 0 },
  { name: 'no-write-lock-file', arity: 0 },
  { name: 'no-allow-dirty', arity: 0 },
  { name: 'recreate-lock-file', arity: 0 },
  // Ours.
  { name: 'all', arity: 0 },
  { name: 'json', arity: 0 },
];

export const USAGE = `Usage: nixos-container list
       nixos-container create <container-name>
         [--nixos-path <path>]
         [--system-path <path>]
         [--config <string>]
         [--config-file <path>]
         [--flake <flakeref>]
         [--ensure-unique-name]
         [--auto-start]
         [--bridge <iface>]
         [--port <port>]
         [--host-address <string>]
         [--local-address <string>]
       nixos-container destroy <container-name>
       nixos-container restart <container-name>
       nixos-container start <container-name>
       nixos-container stop <container-name>
       nixos-container terminate <container-name>
       nixos-container status <container-name>
       nixos-container update <container-name>
         [--config <string>]
         [--config-file <path>]
         [--flake <flakeref>]
         [--nixos-path <path>]
       nixos-container login <container-name>
       nixos-container root-login <container-name>
       nixos-container run <container-name> -- args...
       nixos-container show-ip <container-name>
       nixos-container show-host-key <container-name>

Beyond upstream:
       nixos-container start --all      (also: nixos-container start-all)
         Start every container whose NAME.conf has AUTO_START=1 (create --auto-start);
         run it at boot on hosts without systemd.
       nixos-container list --json
         One JSON array: name, status (up/down), addresses, autoStart, declarative.
       nixos-container status <container-name> --json
       nixos-container eval [nix-instantiate --eval flags] (FILE | -E EXPR)
         Evaluate Nix like nix-instantiate --eval (--strict, --json, --xml, -A, -I,
         --arg, --argstr, --show-trace), with this project's own evaluator.
       nixos-container build (<container-name> | --config-file <path> | --config <string>)
         Build a configuration's system and print its store path.
       nixos-container option (<container-name> | --config-file <path>) <option> [--json]
         Show an option's value, type, default, description, declarations and definitions.
       nixos-container gc [--dry-run]
         Delete store paths that no container generation references; print what was freed.

Differences from upstream:
  - Every error exits with status 1 (upstream's codes depend on errno).
  - --flake and --nixos-path need a Nix installation and are refused; build with
    --config, --config-file or --system-path instead.
  - A failed create leaves nothing behind; a failed update leaves configuration.nix
    and the profile unchanged.
  - --config-file must exist; its path is quoted correctly in configuration.nix.
  - create rejects names with '_' or a leading '-' (systemd-nspawn refuses them).
  - IP allocation also sees addresses written with a /prefix; an explicit
    --local-address already in use by another container is refused.
  - show-ip also finds an IPv6 address stored in LOCAL_ADDRESS.
  - Environment: NIXOS_CONTAINER_ROOT relocates /etc, /var/lib, /nix/var and /run.
`;

export interface UpstreamOptions {
  help: boolean;
  ensureUniqueName: boolean;
  autoStart: boolean;
  bridge?: string;
  port?: string;
  systemPath?: string;
  nixosPath?: string;
  config?: string;
  configFile?: string;
  hostAddress?: string;
  localAddress?: string;
  flake?: string;
  all: boolean;
  json: boolean;
  /** Nix passthrough flags in upstream's forwarding order (recorded, unused). */
  nixFlags: string[];
}

export interface ParsedCommand {
  opts: UpstreamOptions;
  /** Non-option words: action, name, then the command of `run`. */
  args: string[];
  errors: string[];
}

export function parseUpstream(argv: string[]): ParsedCommand {
  const r = parseArgs(argv, OPTION_SPECS, 'help');
  const opts: UpstreamOptions = {
    help: r.stopped,
    ensureUniqueName: false,
    autoStart: false,
    all: false,
    json: false,
    nixFlags: [],
  };
  const flags1: string[] = [];
  const flags2: string[] = [];
  for (const o of r.options) {
    const v = o.values[0];
    switch (o.name) {
      case 'ensure-unique-name': opts.ensureUniqueName = true; break;
      case 'auto-start': opts.autoStart = true; break;
      case 'bridge': opts.bridge = v; break;
      case 'port': opts.port = v; break;
      case 'system-path': opts.systemPath = v; break;
      case 'nixos-path': opts.nixosPath = v; break;
      case 'config': opts.config = v; break;
      case 'config-file': opts.configFile = v; break;
      case 'host-address': opts.hostAddress = v; break;
      case 'local-address': opts.localAddress = v; break;
      case 'flake': opts.flake = v; break;
      case 'all': opts.all = true; break;
      case 'json': opts.json = true; break;
      case 'signal': break;
      case 'option':
      case 'override-input':
        flags2.push(`--${o.name}`, ...o.values);
        break;
      default:
        flags1.push(`--${o.name}`, ...o.values);
    }
  }
  opts.nixFlags = [...flags1, ...flags2];
  return { opts, args: r.args, errors: r.errors };
}
