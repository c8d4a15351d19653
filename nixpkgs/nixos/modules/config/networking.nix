# networking.hostName / domain / hosts / extraHosts / nameservers / useHostResolvConf and the
# files they produce: /etc/hostname, /etc/hosts, /etc/resolv.conf, /etc/nsswitch.conf.
{ config, lib, ... }:
with lib;
let
  cfg = config.networking;
  fqdn = if cfg.domain != null then "${cfg.hostName}.${cfg.domain}" else cfg.hostName;
  hostLines = concatStrings (mapAttrsToList (ip: names: optionalString (names != [ ]) "${ip} ${concatStringsSep " " names}\n") cfg.hosts);
in {
  options.networking = {
    hostName = mkOption {
      type = types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$";
      default = "nixos";
      description = "The name of the machine. Leave it empty if you want to obtain it from a DHCP server (if using DHCP).";
    };
    domain = mkOption { type = types.nullOr (types.strMatching "^[[:alnum:]]+([[:alnum:]_.-]*[[:alnum:]])?$"); default = null; example = "home.arpa"; description = "The domain. It can be left empty if it is auto-detected through DHCP."; };
    fqdn = mkOption { readOnly = true; type = types.str; default = fqdn; description = "The fully qualified domain name (FQDN) of this host."; };
    fqdnOrHostName = mkOption { readOnly = true; type = types.str; default = fqdn; description = "Either the fully qualified domain name (FQDN), or just the host name if it does not exist."; };
    hosts = mkOption {
      type = types.attrsOf (types.listOf types.str);
      default = { };
      example = { "127.0.0.1" = [ "foo.bar.baz" ]; "192.168.0.2" = [ "fileserver.local" "nameserver.local" ]; };
      description = "Locally defined maps of hostnames to IP addresses.";
    };
    extraHosts = mkOption { type = types.lines; default = ""; example = "192.168.0.1 lanlocalhost"; description = "Additional verbatim entries to be appended to {file}`/etc/hosts`."; };
    nameservers = mkOption { type = types.listOf types.str; default = [ ]; example = [ "130.161.158.4" "130.161.33.17" ]; description = "The list of nameservers. It can be left empty if it is auto-detected through DHCP."; };
    search = mkOption { type = types.listOf types.str; default = [ ]; example = [ "example.com" "home.arpa" ]; description = "The list of search paths used when resolving domain names."; };
    useHostResolvConf = mkOption { type = types.bool; default = false; description = "In containers, whether to use the {file}`resolv.conf` supplied by the host."; };
    enableIPv6 = mkOption { type = types.bool; default = true; description = "Whether to enable support for IPv6."; };
    resolvconf.enable = mkOption { type = types.bool; default = false; description = "Whether DNS configuration is managed by resolvconf (not available in containers: /etc/resolv.conf is written directly)."; };
  };
  config = {
    networking.hosts = {
      "127.0.0.1" = [ "localhost" ];
      "::1" = [ "localhost" ];
      "127.0.0.2" = optionals (cfg.hostName != "") (unique [ fqdn cfg.hostName ]);
    };
    environment.etc.hostname = mkIf (cfg.hostName != "") { text = "${cfg.hostName}\n"; };
    environment.etc.hosts.text = hostLines + optionalString (cfg.extraHosts != "") "${cfg.extraHosts}\n";
    environment.etc."nsswitch.conf".text = ''
      passwd:    files systemd
      group:     files systemd
      shadow:    files
      hosts:     files ${optionalString config.services.resolved.enable "resolve [!UNAVAIL=return] "}dns myhostname
      networks:  files
      ethers:    files
      services:  files
      protocols: files
      rpc:       files
    '';
    # With useHostResolvConf the runtime copies the host's file at every start
    # (COPY_RESOLV_CONF); resolved links its stub; otherwise it is generated here.
    environment.etc."resolv.conf" = mkIf (!cfg.useHostResolvConf && !config.services.resolved.enable) {
      mode = "0644";
      text = concatMapStrings (ns: "nameserver ${ns}\n") cfg.nameservers
        + optionalString (cfg.search != [ ] || cfg.domain != null) "search ${concatStringsSep " " (cfg.search ++ optional (cfg.search == [ ] && cfg.domain != null) cfg.domain)}\n"
        + "options edns0\n";
    };
    assertions = [{
      assertion = !(cfg.useHostResolvConf && config.services.resolved.enable);
      message = "Using host resolv.conf is not supported with systemd-resolved";
    }];
  };
}
