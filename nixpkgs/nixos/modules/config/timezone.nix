# time.timeZone: /etc/localtime (a link into the host's /usr/share/zoneinfo) and /etc/timezone.
{ config, lib, ... }:
with lib;
let tz = config.time.timeZone; in
{
  options.time = {
    timeZone = mkOption {
      type = types.nullOr (types.addCheck types.str (s: !(hasInfix " " s)) // { description = "string without spaces"; });
      default = null;
      example = "America/New_York";
      description = "The time zone used when displaying times and dates. If null, UTC is used.";
    };
    hardwareClockInLocalTime = mkOption { type = types.bool; default = false; description = "If set, keep the hardware clock in local time instead of UTC (no effect in a container)."; };
  };
  config = {
    environment.etc.localtime = { source = "/usr/share/zoneinfo/${if tz == null then "UTC" else tz}"; };
    environment.etc.timezone.text = "${if tz == null then "UTC" else tz}\n";
    environment.sessionVariables.TZDIR = "/usr/share/zoneinfo";
  };
}
