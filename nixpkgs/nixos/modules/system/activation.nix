# system.activationScripts: shell snippets run by $toplevel/activate (at boot, before systemd,
# and again on a live update), ordered by their `deps`.
{ config, lib, ... }:
with lib;
let
  scriptType = types.either types.str (types.submodule {
    options = {
      deps = mkOption { type = types.listOf types.str; default = [ ]; description = "Names of snippets that must run before this one."; };
      text = mkOption { type = types.lines; description = "The shell code."; };
      supportsDryActivation = mkOption { type = types.bool; default = false; description = "Whether the snippet may run in dry activation (unused)."; };
    };
  });
  norm = v: if builtins.isString v then { deps = [ ]; text = v; } else v;
  scripts = mapAttrs (_: norm) config.system.activationScripts;
  # Depth-first order over `deps`, names sorted for a stable result.
  visit = acc: name:
    if elem name acc.seen || !(scripts ? ${name}) then acc
    else let acc' = foldl visit (acc // { seen = acc.seen ++ [ name ]; }) scripts.${name}.deps;
         in acc' // { order = acc'.order ++ [ name ]; };
  ordered = (foldl visit { seen = [ ]; order = [ ]; } (attrNames scripts)).order;
in {
  options.system.activationScripts = mkOption {
    type = types.attrsOf scriptType;
    default = { };
    example = { stdio.text = "mkdir -p /var/log"; };
    description = ''
      A set of shell script fragments that are executed when the container boots or its
      configuration is activated. They must be idempotent.
    '';
  };
  config.system.build.activationSnippets = map (n: { name = n; text = scripts.${n}.text; }) ordered;
}
