# What every container gets (upstream's container-config.nix, adapted to a host whose /usr is
# shared): container defaults and the host units that cannot work or would hang in a container.
{ config, lib, ... }:
with lib;
{
  config = {
    boot.isContainer = mkDefault true;
    boot.isNspawnContainer = mkDefault true;
    networking.useHostResolvConf = mkDefault (!config.services.resolved.enable);
    networking.useDHCP = mkDefault false;
    systemd.suppressedSystemUnits = [
      "systemd-firstboot.service"
      "systemd-networkd-wait-online.service"
      "systemd-remount-fs.service"
      "systemd-machine-id-commit.service"
      "systemd-random-seed.service"
      "systemd-hwdb-update.service"
      "systemd-udevd.service"
      "systemd-udev-trigger.service"
      "systemd-udev-settle.service"
      "systemd-modules-load.service"
      "getty@tty1.service"
      "systemd-sysusers.service"
    ];
  };
}
