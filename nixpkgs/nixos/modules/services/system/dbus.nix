# services.dbus: the host's D-Bus system bus (socket-activated dbus.service from /usr).
{ config, lib, ... }:
with lib;
{
  options.services.dbus = {
    enable = mkOption { type = types.bool; default = true; internal = true; description = "Whether to start the D-Bus message bus daemon, which is required by many other system services."; };
    implementation = mkOption { type = types.enum [ "dbus" "broker" ]; default = "dbus"; description = "The D-Bus implementation to use (the host's dbus-daemon is used either way)."; };
    packages = mkOption { type = types.listOf types.path; default = [ ]; description = "Packages whose D-Bus configuration files should be included."; };
  };
  config = mkIf (!config.services.dbus.enable) {
    systemd.suppressedSystemUnits = [ "dbus.service" "dbus.socket" ];
  };
}
