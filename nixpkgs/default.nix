# The package set (`import <nixpkgs> { }`), for containers on a host distribution.
#
# Packages come from the host: `pkgs.<name>` asks the system layer, which injects the global
# `__nixosContainerHost` (visible as `builtins.__nixosContainerHost`), to map a nixpkgs-style
# attribute name to a Debian package realized into the store.  Trivial builders (writeText,
# writeShellScript, runCommand, ...) write into the store through the same host object, during
# evaluation, content-addressed and idempotent.
#
# Without that global (plain `nix-instantiate`, used to test the Nix modules alone), the set
# falls back to stand-ins: every known package is a fake derivation whose outPath is "/usr"
# (so "${pkgs.nginx}/sbin/nginx" is "/usr/sbin/nginx"), and builders return real Nix
# `derivation` values (paths computed, never built). See ./pkgs/fallback.nix.
{ system ? "x86_64-linux", config ? { }, overlays ? [ ], ... }:
let
  lib = import ./lib;
  host = if builtins ? __nixosContainerHost then builtins.__nixosContainerHost else null;
  builders =
    if host != null
    then import ./pkgs/host-builders.nix { inherit lib host; }
    else import ./pkgs/fallback.nix { inherit lib system; };
  extras = builders.builders // {
    inherit lib system config;
    path = ./.;
    runtimeShell = "/bin/bash";
    stdenv = { hostPlatform = { inherit system; isLinux = true; }; buildPlatform = { inherit system; }; inherit system; isLinux = true; };
    buildPlatform = { inherit system; };
    hostPlatform = { inherit system; isLinux = true; };
    formats = import ./pkgs/formats.nix { inherit lib; inherit (builders.builders) writeText; };
    hostPackagesAvailable = host != null;
  };
  # With the host, its package set is built in one pass on the host side (tens of thousands of
  # names: a `//` here would copy them all); extras win over package names.
  base = if host != null then host.packageSet extras else builders.packages // extras;
  final = lib.foldl (acc: o: acc // o final acc) base overlays;
in final
