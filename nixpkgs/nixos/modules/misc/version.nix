# system.stateVersion and the NixOS version this module set corresponds to.
{ config, lib, ... }:
with lib;
let
  release = "24.05";
in {
  options.system = {
    stateVersion = mkOption {
      type = types.str;
      default = release;
      description = ''
        This option defines the first version of NixOS you have installed on this particular
        machine, and is used to maintain compatibility with application data (e.g. databases)
        created on older NixOS versions.
      '';
    };
    nixos.release = mkOption {
      readOnly = true;
      type = types.str;
      default = release;
      description = "The NixOS release (e.g. `24.05`).";
    };
    nixos.version = mkOption {
      internal = true;
      type = types.str;
      default = "${release}.container";
      description = "The full NixOS version (e.g. `24.05.container`).";
    };
    nixos.label = mkOption {
      type = types.strMatching "[a-zA-Z0-9:_\\.-]*";
      default = config.system.nixos.version;
      description = "NixOS version name to be used in the names of generated outputs.";
    };
  };
  config = {
    environment.etc."os-release".text = ''
      NAME=NixOS
      ID=nixos
      VERSION="${config.system.nixos.version}"
      VERSION_ID="${release}"
      PRETTY_NAME="NixOS ${config.system.nixos.version} (container)"
      HOME_URL="https://nixos.org/"
    '';
    environment.etc."lsb-release".text = ''
      LSB_VERSION="${config.system.nixos.version} (container)"
      DISTRIB_ID=nixos
      DISTRIB_RELEASE="${release}"
      DISTRIB_DESCRIPTION="NixOS ${config.system.nixos.version} (container)"
    '';
  };
}
