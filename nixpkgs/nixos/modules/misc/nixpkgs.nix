# nixpkgs.* : the package set the configuration sees as `pkgs` (`_module.args.pkgs`).
{ config, lib, ... }:
with lib;
{
  options.nixpkgs = {
    pkgs = mkOption {
      type = types.nullOr types.unspecified;
      default = null;
      description = "If set, the package set to use as `pkgs` instead of importing nixpkgs.";
    };
    config = mkOption {
      type = types.attrsOf types.unspecified;
      default = { };
      description = "The configuration of the package set (e.g. `allowUnfree`); accepted, unused by host packages.";
    };
    overlays = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
      description = "Overlays applied to the package set.";
    };
    system = mkOption {
      type = types.str;
      default = "x86_64-linux";
      description = "The platform the system is built for.";
    };
    hostPlatform = mkOption {
      type = types.either types.str (types.attrsOf types.unspecified);
      default = config.nixpkgs.system;
      description = "The platform the system runs on.";
    };
  };
  config._module.args.pkgs =
    if config.nixpkgs.pkgs != null then mkOverride 900 config.nixpkgs.pkgs
    else if config.nixpkgs.overlays != [ ] || config.nixpkgs.config != { } then
      mkOverride 900 (import ../../.. { inherit (config.nixpkgs) overlays config system; })
    else mkMerge [ ];
}
