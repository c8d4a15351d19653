# Evaluates a NixOS configuration: the option modules of module-list.nix plus the caller's.
{ modules
, system ? "x86_64-linux"
, specialArgs ? { }
, pkgs ? null
, lib ? import ../../lib
, baseModules ? import ../modules/module-list.nix
, extraModules ? [ ]
, prefix ? [ ]
}:
let
  pkgsModule = { lib, ... }: {
    _file = ./eval-config.nix;
    key = ./eval-config.nix;
    config._module.args.pkgs = lib.mkDefault (if pkgs != null then pkgs else import ../.. { inherit system; });
    config._module.args.modulesPath = builtins.toString ../modules;
    config._module.args.baseModules = baseModules;
    config._module.args.extraModules = extraModules;
  };
  evaluated = lib.evalModules {
    inherit prefix;
    modules = baseModules ++ extraModules ++ [ pkgsModule ] ++ modules;
    specialArgs = { modulesPath = builtins.toString ../modules; } // specialArgs;
  };
in evaluated // {
  pkgs = evaluated._module.args.pkgs or evaluated.config._module.args.pkgs;
}
