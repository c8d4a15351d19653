# `meta` (maintainers, doc) accepted and ignored, as modules copied from NixOS set it.
{ lib, ... }:
{
  options.meta = lib.mkOption {
    type = lib.types.attrsOf lib.types.unspecified;
    default = { };
    internal = true;
    description = "Metadata of modules (maintainers, documentation); unused in containers.";
  };
}
