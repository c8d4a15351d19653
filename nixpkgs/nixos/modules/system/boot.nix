# boot.* options that matter in a container (there is no kernel, initrd or boot loader).
{ config, lib, ... }:
with lib;
{
  options.boot = {
    isContainer = mkOption {
      type = types.bool;
      default = false;
      description = "Whether this NixOS machine is a lightweight container running in another NixOS system.";
    };
    isNspawnContainer = mkOption {
      type = types.bool;
      default = false;
      internal = true;
      description = "Whether the container runs under systemd-nspawn.";
    };
    enableContainers = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to enable support for NixOS containers inside this system (not supported inside a container).";
    };
    kernel.sysctl = mkOption {
      type = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str ]));
      default = { };
      example = { "net.ipv4.tcp_syncookies" = false; };
      description = "Runtime parameters of the kernel, written to /etc/sysctl.d/60-nixos.conf (only namespaced keys take effect in a container).";
    };
    kernelModules = mkOption { type = types.listOf types.str; default = [ ]; description = "Kernel modules to load (ignored in a container: the host's kernel is shared)."; };
    kernelParams = mkOption { type = types.listOf types.str; default = [ ]; description = "Kernel command line parameters (ignored in a container)."; };
    loader.grub.enable = mkOption { type = types.bool; default = !config.boot.isContainer; description = "Whether to install GRUB (never in a container)."; };
    tmp.useTmpfs = mkOption { type = types.bool; default = false; description = "Whether to mount a tmpfs on /tmp."; };
    tmp.cleanOnBoot = mkOption { type = types.bool; default = false; description = "Whether to delete all files in /tmp during boot."; };
  };
  config = {
    environment.etc."sysctl.d/60-nixos.conf" = mkIf (config.boot.kernel.sysctl != { }) {
      text = concatStrings (mapAttrsToList (n: v:
        optionalString (v != null) "${n}=${if v == false then "0" else if v == true then "1" else toString v}\n")
        config.boot.kernel.sysctl);
    };
    systemd.tmpfiles.rules = optional config.boot.tmp.cleanOnBoot "D! /tmp 1777 root root";
  };
}
