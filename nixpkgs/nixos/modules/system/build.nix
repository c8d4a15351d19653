# system.build.manifest: everything the system builder needs, as plain JSON-able data; and
# system.build.toplevel: the built system (a store path) when the system layer is present.
# Failed assertions stop here with "Failed assertions:\n- <message>".
{ config, lib, ... }:
with lib;
let
  failed = map (a: a.message) (filter (a: !a.assertion) config.assertions);
  host = if builtins ? __nixosContainerHost then builtins.__nixosContainerHost else null;
  pkgPaths = ps: map toString ps;
  manifest = {
    formatVersion = 1;
    name = "nixos-system-${config.system.name}-${config.system.nixos.label}";
    nixosVersion = config.system.nixos.version;
    system = config.nixpkgs.system;
    stateVersion = config.system.stateVersion;
    etc = config.system.build.etcEntries;
    units = mapAttrs (_: u: { inherit (u) text wantedBy requiredBy upheldBy enable; }) config.systemd.units;
    maskedUnits = config.systemd.suppressedSystemUnits;
    defaultUnit = config.systemd.defaultUnit;
    inherit (config.system.build.usersManifest) users groups mutableUsers;
    systemPackages = pkgPaths config.environment.systemPackages;
    requiredPackages = pkgPaths config.system.requiredPackages;
    activationScripts = config.system.build.activationSnippets;
    tmpfilesRules = config.systemd.tmpfiles.rules;
    warnings = config.warnings;
    configuration = config.system.build.configurationSummary;
  };
in {
  options.system = {
    build = mkOption {
      internal = true;
      type = types.lazyAttrsOf types.unspecified;
      default = { };
      description = "Attribute set of derivations used to set up the system.";
    };
    name = mkOption {
      type = types.str;
      default = if config.networking.hostName == "" then "unnamed" else config.networking.hostName;
      defaultText = literalExpression "config.networking.hostName";
      description = "The name of the system used in the system toplevel's store path.";
    };
    extraDependencies = mkOption { type = types.listOf types.unspecified; default = [ ]; description = "A list of paths that should be included in the system closure but generally not visible to users."; };
  };
  config.system.build = {
    manifest =
      if failed != [ ] then throw "\nFailed assertions:\n${concatMapStringsSep "\n" (m: "- ${m}") failed}"
      else manifest;
    toplevel = if host != null then host.buildSystem config.system.build.manifest else config.system.build.manifest;
    configurationSummary = {
      system.stateVersion = config.system.stateVersion;
      boot.isContainer = config.boot.isContainer;
      networking = {
        inherit (config.networking) hostName domain nameservers useHostResolvConf useDHCP;
        firewall = { inherit (config.networking.firewall) enable allowedTCPPorts allowedUDPPorts; };
        interfaces = mapAttrs (_: i: { ipv4.addresses = map (a: { inherit (a) address prefixLength; }) i.ipv4.addresses; }) config.networking.interfaces;
        defaultGateway = if config.networking.defaultGateway == null then null else config.networking.defaultGateway.address;
      };
      services = {
        openssh = { inherit (config.services.openssh) enable ports; };
        nginx = { inherit (config.services.nginx) enable; virtualHosts = attrNames config.services.nginx.virtualHosts; };
        resolved.enable = config.services.resolved.enable;
      };
      time.timeZone = config.time.timeZone;
      i18n.defaultLocale = config.i18n.defaultLocale;
      users.users = mapAttrs (_: u: { inherit (u) uid isNormalUser isSystemUser group extraGroups home; }) (filterAttrs (_: u: u.isNormalUser) config.users.users);
      systemd.services = attrNames config.systemd.services;
    };
  };
}
