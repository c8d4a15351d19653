# environment.systemPackages: the packages of the system profile ($toplevel/sw, on PATH).
{ config, lib, ... }:
with lib;
{
  options.environment = {
    systemPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = literalExpression "[ pkgs.firefox pkgs.thunderbird ]";
      description = "The set of packages that appear in /run/current-system/sw.";
    };
    pathsToLink = mkOption { type = types.listOf types.str; default = [ ]; description = "Lists directories to be symlinked in /run/current-system/sw."; };
    extraOutputsToInstall = mkOption { type = types.listOf types.str; default = [ ]; description = "Extra package outputs to install (accepted, unused: host packages have one output)."; };
  };
  options.system.requiredPackages = mkOption {
    internal = true;
    type = types.listOf types.package;
    default = [ ];
    description = "Packages the system needs besides environment.systemPackages (service daemons); their /usr layers are added to the container.";
  };
}
