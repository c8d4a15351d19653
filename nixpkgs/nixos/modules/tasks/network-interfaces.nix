# networking.interfaces / defaultGateway / useDHCP: static addresses and routes set by
# "scripted networking" units (network-addresses-<if>.service, network-setup.service) that
# call the host's /usr/sbin/ip.
{ config, lib, ... }:
with lib;
let
  cfg = config.networking;
  ip = "/usr/sbin/ip";
  addrOpts = v: {
    options = {
      address = mkOption { type = types.str; description = "IPv${toString v} address of the interface. Leave empty to configure the interface using DHCP."; };
      prefixLength = mkOption { type = types.addCheck types.int (n: n >= 0 && n <= (if v == 4 then 32 else 128)); description = "Subnet mask of the interface, specified as the number of bits in the prefix (`${if v == 4 then "24" else "64"}`)."; };
    };
  };
  routeOpts = v: {
    options = {
      address = mkOption { type = types.str; description = "IPv${toString v} address of the network."; };
      prefixLength = mkOption { type = types.int; description = "Subnet mask of the network."; };
      via = mkOption { type = types.nullOr types.str; default = null; description = "IPv${toString v} address of the next hop."; };
      options = mkOption { type = types.attrsOf types.str; default = { }; description = "Other route options."; };
    };
  };
  interfaceOpts = { name, ... }: {
    options = {
      name = mkOption { type = types.str; default = name; description = "Name of the interface."; };
      useDHCP = mkOption { type = types.nullOr types.bool; default = null; description = "Whether this interface should be configured with DHCP (not supported in containers yet)."; };
      ipv4.addresses = mkOption { type = types.listOf (types.submodule (addrOpts 4)); default = [ ]; example = [ { address = "10.0.0.1"; prefixLength = 16; } ]; description = "List of IPv4 addresses that will be statically assigned to the interface."; };
      ipv6.addresses = mkOption { type = types.listOf (types.submodule (addrOpts 6)); default = [ ]; description = "List of IPv6 addresses that will be statically assigned to the interface."; };
      ipv4.routes = mkOption { type = types.listOf (types.submodule (routeOpts 4)); default = [ ]; description = "List of extra IPv4 static routes that will be assigned to the interface."; };
      ipv6.routes = mkOption { type = types.listOf (types.submodule (routeOpts 6)); default = [ ]; description = "List of extra IPv6 static routes that will be assigned to the interface."; };
      macAddress = mkOption { type = types.nullOr types.str; default = null; description = "MAC address of the interface."; };
      mtu = mkOption { type = types.nullOr types.int; default = null; description = "MTU size for packets leaving the interface."; };
    };
  };
  gatewayType = types.nullOr (types.coercedTo types.str (address: { inherit address; }) (types.submodule {
    options = {
      address = mkOption { type = types.str; description = "The default gateway address."; };
      interface = mkOption { type = types.nullOr types.str; default = null; description = "The default gateway interface."; };
      metric = mkOption { type = types.nullOr types.int; default = null; description = "The default gateway metric/preference."; };
    };
  }));
  escapeUnit = n: replaceStrings [ "-" ] [ "\\x2d" ] n;
  addrUnit = i: nameValuePair "network-addresses-${i.name}" {
    description = "Address configuration of ${i.name}";
    wantedBy = [ "network-setup.service" "network.target" ];
    before = [ "network-setup.service" "network.target" ];
    after = [ "network-pre.target" ];
    bindsTo = [ "sys-subsystem-net-devices-${escapeUnit i.name}.device" ];
    serviceConfig = { Type = "oneshot"; RemainAfterExit = true; };
    stopIfChanged = false;
    script = ''
      ${optionalString (i.macAddress != null) "${ip} link set dev ${i.name} address ${i.macAddress}"}
      ${optionalString (i.mtu != null) "${ip} link set dev ${i.name} mtu ${toString i.mtu}"}
      ${ip} link set dev ${i.name} up
      ${concatMapStrings (a: ''
        ${ip} addr replace ${a.address}/${toString a.prefixLength} dev ${i.name}
      '') i.ipv4.addresses}
      ${concatMapStrings (a: ''
        ${ip} -6 addr replace ${a.address}/${toString a.prefixLength} dev ${i.name} nodad
      '') i.ipv6.addresses}
      ${concatMapStrings (r: ''
        ${ip} route replace ${r.address}/${toString r.prefixLength} ${optionalString (r.via != null) "via ${r.via}"} dev ${i.name}
      '') i.ipv4.routes}
      ${concatMapStrings (r: ''
        ${ip} -6 route replace ${r.address}/${toString r.prefixLength} ${optionalString (r.via != null) "via ${r.via}"} dev ${i.name}
      '') i.ipv6.routes}
    '';
    preStop = concatMapStrings (a: ''
      ${ip} addr del ${a.address}/${toString a.prefixLength} dev ${i.name} || true
    '') i.ipv4.addresses;
  };
  gw = cfg.defaultGateway;
  gw6 = cfg.defaultGateway6;
  gwCmd = fam: g: optionalString (g != null && g.address != "") ''
    ${ip} ${fam} route replace default via ${g.address}${optionalString (g.interface != null) " dev ${g.interface}"}${optionalString (g.metric != null) " metric ${toString g.metric}"}
  '';
in {
  options.networking = {
    interfaces = mkOption { type = types.attrsOf (types.submodule interfaceOpts); default = { }; example = { eth0.ipv4.addresses = [ { address = "131.211.84.78"; prefixLength = 25; } ]; }; description = "The configuration for each network interface."; };
    defaultGateway = mkOption { type = gatewayType; default = null; example = { address = "131.211.84.1"; interface = "enp3s0"; }; description = "The default gateway. It can be left empty if it is auto-detected through DHCP."; };
    defaultGateway6 = mkOption { type = gatewayType; default = null; description = "The default IPv6 gateway."; };
    useDHCP = mkOption { type = types.bool; default = true; description = "Whether to use DHCP to obtain an IP address and other configuration for all network interfaces that do not have any manually configured IPv4 addresses."; };
    useNetworkd = mkOption { type = types.bool; default = false; description = "Whether to manage network configuration using systemd-network (not supported in containers yet)."; };
    dhcpcd.enable = mkOption { type = types.bool; default = false; description = "Whether to enable dhcpcd (not available in containers)."; };
  };
  config = {
    systemd.services = listToAttrs (map addrUnit (filter (i: i.ipv4.addresses != [ ] || i.ipv6.addresses != [ ] || i.ipv4.routes != [ ] || i.ipv6.routes != [ ] || i.mtu != null || i.macAddress != null) (attrValues cfg.interfaces)))
      // optionalAttrs (gw != null || gw6 != null) {
        network-setup = {
          description = "Networking Setup";
          after = [ "network-pre.target" ];
          before = [ "network.target" ];
          wantedBy = [ "network.target" "multi-user.target" ];
          serviceConfig = { Type = "oneshot"; RemainAfterExit = true; };
          stopIfChanged = false;
          script = gwCmd "" gw + gwCmd "-6" gw6;
        };
      };
    warnings = optional (cfg.useDHCP && !config.boot.isContainer && any (i: i.ipv4.addresses == [ ]) (attrValues cfg.interfaces))
      "networking.useDHCP is set but DHCP is not supported in containers; interfaces without static addresses stay unconfigured.";
  };
}
