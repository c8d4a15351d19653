# services.journald: /etc/systemd/journald.conf for the host's systemd-journald.
{ config, lib, ... }:
with lib;
let cfg = config.services.journald; in
{
  options.services.journald = {
    storage = mkOption { type = types.enum [ "persistent" "volatile" "auto" "none" ]; default = "persistent"; description = "Controls where to store journal data."; };
    extraConfig = mkOption { type = types.lines; default = ""; example = "Storage=volatile"; description = "Extra config options for systemd-journald."; };
    rateLimitInterval = mkOption { type = types.str; default = "30s"; description = "Configures the rate limiting interval that is applied to all messages generated on the system."; };
    rateLimitBurst = mkOption { type = types.int; default = 10000; description = "Configures the rate limiting burst limit."; };
    console = mkOption { type = types.str; default = ""; description = "If non-empty, write log messages to the specified TTY device."; };
  };
  config.environment.etc."systemd/journald.conf".text = ''
    [Journal]
    Storage=${cfg.storage}
    RateLimitInterval=${cfg.rateLimitInterval}
    RateLimitBurst=${toString cfg.rateLimitBurst}
    ${optionalString (cfg.console != "") "ForwardToConsole=yes\nTTYPath=${cfg.console}\n"}${cfg.extraConfig}
  '';
}
