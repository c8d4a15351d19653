# systemd.tmpfiles.rules: written to /etc/tmpfiles.d/00-nixos.conf, applied by the host's
# systemd-tmpfiles at boot (systemd-tmpfiles-setup.service) and by activation on a live update.
{ config, lib, ... }:
with lib;
{
  options.systemd.tmpfiles = {
    rules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "d /tmp 1777 root root 10d" ];
      description = "Rules for creation, deletion and cleaning of volatile and temporary files automatically. See tmpfiles.d(5).";
    };
    settings = mkOption {
      type = types.attrsOf (types.attrsOf (types.attrsOf (types.submodule {
        options = {
          type = mkOption { type = types.str; default = "d"; description = "Type of the rule."; };
          mode = mkOption { type = types.str; default = "-"; description = "File mode."; };
          user = mkOption { type = types.str; default = "-"; description = "Owner."; };
          group = mkOption { type = types.str; default = "-"; description = "Group."; };
          age = mkOption { type = types.str; default = "-"; description = "Age for cleaning."; };
          argument = mkOption { type = types.str; default = ""; description = "Argument."; };
        };
      })));
      default = { };
      description = "Declarative tmpfiles rules: settings.<config>.<path>.<type> = { mode; user; group; age; argument; }.";
    };
  };
  config.environment.etc = mkMerge [ {
    "tmpfiles.d/00-nixos.conf" = mkIf (config.systemd.tmpfiles.rules != [ ]) {
      text = ''
        # Generated from systemd.tmpfiles.rules.
        ${concatStringsSep "\n" config.systemd.tmpfiles.rules}
      '';
    };
  } (mapAttrs' (cname: paths: nameValuePair "tmpfiles.d/${cname}.conf" {
      text = concatStrings (mapAttrsToList (p: types': concatStrings (mapAttrsToList (t: r:
        "${t} ${p} ${r.mode} ${r.user} ${r.group} ${r.age} ${r.argument}\n") types')) paths);
    }) config.systemd.tmpfiles.settings) ];
}
