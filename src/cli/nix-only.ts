// Options that only make sense with a Nix installation (upstream hands them to `nix build`
// and `nix-env`). This implementation evaluates configurations itself, so it refuses them
// clearly instead of ignoring them.
import { dieProg } from './cli-error';
import type { UpstreamOptions } from './upstream-options';

export function refuseNixOnlyOptions(opts: UpstreamOptions): void {
  if (opts.flake !== undefined) {
    dieProg('--flake needs a Nix installation with flakes (`nix build`), which this nixos-container does not use; ' +
      'build the system with Nix and pass --system-path, or use --config / --config-file');
  }
  if (opts.nixosPath !== undefined) {
    dieProg('--nixos-path needs a Nix installation with a nixpkgs checkout, which this nixos-container does not use; ' +
      'configurations are evaluated against its own NixOS modules (use --config / --config-file)');
  }
}
