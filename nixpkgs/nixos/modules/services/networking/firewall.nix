# networking.firewall: a stateful input filter as an nftables ruleset
# (/etc/nftables/nixos-fw.nft) loaded by firewall.service. The unit only runs where the
# container may change its network (CAP_NET_ADMIN: a private network); with the host's
# network it is skipped, so a container never filters the host's traffic.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.networking.firewall;
  portRange = types.submodule {
    options = {
      from = mkOption { type = types.port; description = "First port of the range."; };
      to = mkOption { type = types.port; description = "Last port of the range."; };
    };
  };
  portOptions = {
    allowedTCPPorts = mkOption { type = types.listOf types.port; default = [ ]; apply = canonicalizePortList; example = [ 22 80 ]; description = "List of TCP ports on which incoming connections are accepted."; };
    allowedTCPPortRanges = mkOption { type = types.listOf portRange; default = [ ]; example = [ { from = 8999; to = 9003; } ]; description = "A range of TCP ports on which incoming connections are accepted."; };
    allowedUDPPorts = mkOption { type = types.listOf types.port; default = [ ]; apply = canonicalizePortList; example = [ 53 ]; description = "List of open UDP ports."; };
    allowedUDPPortRanges = mkOption { type = types.listOf portRange; default = [ ]; example = [ { from = 60000; to = 61000; } ]; description = "Range of open UDP ports."; };
  };
  canonicalizePortList = ports: unique (sort lessThan ports);
  nftSet = l: if length l == 1 then head l else "{ ${concatStringsSep ", " l} }";
  portRules = prefix: p:
    optionalString (p.allowedTCPPorts != [ ]) "    ${prefix}tcp dport ${nftSet (map toString p.allowedTCPPorts)} accept\n"
    + concatMapStrings (r: "    ${prefix}tcp dport ${toString r.from}-${toString r.to} accept\n") p.allowedTCPPortRanges
    + optionalString (p.allowedUDPPorts != [ ]) "    ${prefix}udp dport ${nftSet (map toString p.allowedUDPPorts)} accept\n"
    + concatMapStrings (r: "    ${prefix}udp dport ${toString r.from}-${toString r.to} accept\n") p.allowedUDPPortRanges;
  quote = s: "\"${s}\"";
  ruleset = ''
    # Generated from networking.firewall.
    table inet nixos-fw
    delete table inet nixos-fw
    table inet nixos-fw {
      chain input {
        type filter hook input priority filter; policy drop;
        iifname "lo" accept
        ct state vmap { invalid : drop, established : accept, related : accept }
    ${optionalString (cfg.trustedInterfaces != [ ]) "    iifname ${nftSet (map quote cfg.trustedInterfaces)} accept\n"}${portRules "" cfg}${concatStrings (mapAttrsToList (n: i: portRules "iifname ${quote n} " i) cfg.interfaces)}    icmpv6 type != { echo-request, echo-reply } accept
    ${optionalString cfg.allowPing "    icmp type echo-request accept\n    icmpv6 type echo-request accept\n"}${optionalString (cfg.extraInputRules != "") "${cfg.extraInputRules}\n"}${optionalString cfg.logRefusedConnections "    tcp flags syn / fin,syn,rst,ack log prefix \"refused connection: \" level info\n"}${if cfg.rejectPackets then "    meta l4proto tcp reject with tcp reset\n    reject\n" else "    drop\n"}  }
    }
  '';
in {
  options.networking.firewall = portOptions // {
    enable = mkOption { type = types.bool; default = true; description = "Whether to enable the firewall. This is a simple stateful firewall that blocks connection attempts to unauthorised TCP or UDP ports on this machine."; };
    package = mkOption { type = types.package; default = pkgs.nftables; defaultText = literalExpression "pkgs.nftables"; description = "The package providing the `nft` command."; };
    allowPing = mkOption { type = types.bool; default = true; description = "Whether to respond to incoming ICMPv4 echo requests (\"pings\")."; };
    rejectPackets = mkOption { type = types.bool; default = false; description = "If set, refused packets are rejected rather than dropped (ignored)."; };
    logRefusedConnections = mkOption { type = types.bool; default = true; description = "Whether to log rejected or dropped incoming connections."; };
    trustedInterfaces = mkOption { type = types.listOf types.str; default = [ ]; example = [ "enp0s2" ]; description = "Traffic coming in from these interfaces will be accepted unconditionally."; };
    interfaces = mkOption { type = types.attrsOf (types.submodule { options = portOptions; }); default = { }; description = "Interface-specific open ports."; };
    extraInputRules = mkOption { type = types.lines; default = ""; description = "Additional nftables rules to be appended to the input-allow chain."; };
    extraCommands = mkOption { type = types.lines; default = ""; description = "Additional shell commands executed as part of the firewall initialisation script (iptables backend; not supported, use extraInputRules)."; };
    checkReversePath = mkOption { type = types.either types.bool (types.enum [ "strict" "loose" ]); default = false; description = "Performs a reverse path filter test on a packet (accepted, unused)."; };
  };
  config = mkIf cfg.enable {
    environment.etc."nftables/nixos-fw.nft".text = ruleset;
    system.requiredPackages = [ cfg.package ];
    systemd.services.firewall = {
      description = "Firewall";
      wantedBy = [ "sysinit.target" ];
      wants = [ "network-pre.target" ];
      before = [ "network-pre.target" ];
      after = [ "systemd-modules-load.service" ];
      unitConfig = { DefaultDependencies = false; ConditionCapability = "CAP_NET_ADMIN"; };
      reloadIfChanged = true;
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "${cfg.package}/sbin/nft -f /etc/nftables/nixos-fw.nft";
        ExecReload = "${cfg.package}/sbin/nft -f /etc/nftables/nixos-fw.nft";
        ExecStop = "${cfg.package}/sbin/nft delete table inet nixos-fw";
      };
    };
    warnings = optional (cfg.extraCommands != "") "networking.firewall.extraCommands is not supported (iptables backend); use networking.firewall.extraInputRules.";
  };
}
