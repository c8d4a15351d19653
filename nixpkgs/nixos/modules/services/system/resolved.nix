# services.resolved: the host's systemd-resolved, with /etc/systemd/resolved.conf and
# /etc/resolv.conf pointing at its stub.
{ config, lib, ... }:
with lib;
let cfg = config.services.resolved; in
{
  options.services.resolved = {
    enable = mkOption { type = types.bool; default = false; description = "Whether to enable the systemd DNS resolver daemon, `systemd-resolved`."; };
    fallbackDns = mkOption { type = types.nullOr (types.listOf types.str); default = null; description = "A list of IPv4 and IPv6 addresses to use as the fallback DNS servers."; };
    domains = mkOption { type = types.listOf types.str; default = config.networking.search; description = "A list of domains, used as search domains."; };
    llmnr = mkOption { type = types.enum [ "true" "resolve" "false" ]; default = "true"; description = "Controls Link-Local Multicast Name Resolution support (RFC 4795)."; };
    dnssec = mkOption { type = types.enum [ "true" "allow-downgrade" "false" ]; default = "false"; description = "If set to true, all DNS lookups are DNSSEC-validated locally."; };
    dnsovertls = mkOption { type = types.enum [ "true" "opportunistic" "false" ]; default = "false"; description = "If set to true, all DNS lookups will be encrypted."; };
    extraConfig = mkOption { type = types.lines; default = ""; description = "Extra config to append to resolved.conf."; };
  };
  config = mkIf cfg.enable {
    environment.etc."systemd/resolved.conf".text = ''
      [Resolve]
      ${optionalString (config.networking.nameservers != [ ]) "DNS=${concatStringsSep " " config.networking.nameservers}\n"}${optionalString (cfg.fallbackDns != null) "FallbackDNS=${concatStringsSep " " cfg.fallbackDns}\n"}${optionalString (cfg.domains != [ ]) "Domains=${concatStringsSep " " cfg.domains}\n"}LLMNR=${cfg.llmnr}
      DNSSEC=${cfg.dnssec}
      DNSOverTLS=${cfg.dnsovertls}
      ${cfg.extraConfig}
    '';
    environment.etc."resolv.conf".source = "/run/systemd/resolve/stub-resolv.conf";
    # The host's unit (Debian package systemd-resolved), enabled by a link.
    systemd.units."systemd-resolved.service" = { text = null; wantedBy = [ "multi-user.target" ]; };
  };
}
