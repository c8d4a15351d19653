# `import <nixpkgs/nixos> { configuration = ./configuration.nix; }`
#   -> { config; options; system; pkgs; }
# `system` is the built system toplevel (a store path) when the system layer's host object is
# present, and the build manifest otherwise (see modules/system/build.nix).
{ configuration ? import ./lib/from-env.nix "NIXOS_CONFIG" <nixos-config>
, system ? "x86_64-linux"
}:
let
  eval = import ./lib/eval-config.nix {
    inherit system;
    modules = [ configuration ];
  };
in {
  inherit (eval) config options pkgs;
  system = eval.config.system.build.toplevel;
}
