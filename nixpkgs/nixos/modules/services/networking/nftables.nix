# networking.nftables: a user ruleset (and tables) loaded by nftables.service.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.networking.nftables;
  tableText = name: t: ''
    table ${t.family} ${name}
    delete table ${t.family} ${name}
    table ${t.family} ${name} {
    ${t.content}
    }
  '';
in {
  options.networking.nftables = {
    enable = mkOption { type = types.bool; default = false; description = "Whether to enable nftables and use nftables based firewall if enabled."; };
    ruleset = mkOption { type = types.lines; default = ""; description = "The ruleset to be used with nftables."; };
    tables = mkOption {
      type = types.attrsOf (types.submodule ({ name, ... }: {
        options = {
          enable = mkOption { type = types.bool; default = true; description = "Enable this table."; };
          name = mkOption { type = types.str; default = name; description = "Table name."; };
          family = mkOption { type = types.enum [ "ip" "ip6" "inet" "arp" "bridge" "netdev" ]; description = "Table family."; };
          content = mkOption { type = types.lines; default = ""; description = "The table content."; };
        };
      }));
      default = { };
      description = "Tables to be added to ruleset.";
    };
    flushRuleset = mkOption { type = types.bool; default = false; description = "Whether to flush the whole ruleset before loading (dangerous with the host's network)."; };
  };
  config = mkIf cfg.enable {
    environment.etc."nftables/nixos.nft".text =
      optionalString cfg.flushRuleset "flush ruleset\n"
      + concatStrings (mapAttrsToList (n: t: tableText t.name t) (filterAttrs (_: t: t.enable) cfg.tables))
      + cfg.ruleset;
    system.requiredPackages = [ pkgs.nftables ];
    systemd.services.nftables = {
      description = "nftables firewall";
      wantedBy = [ "multi-user.target" ];
      before = [ "network-pre.target" ];
      wants = [ "network-pre.target" ];
      unitConfig = { DefaultDependencies = false; ConditionCapability = "CAP_NET_ADMIN"; };
      reloadIfChanged = true;
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "${pkgs.nftables}/sbin/nft -f /etc/nftables/nixos.nft";
        ExecReload = "${pkgs.nftables}/sbin/nft -f /etc/nftables/nixos.nft";
      };
    };
  };
}
