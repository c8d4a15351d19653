# environment.etc: files of the container's /etc.
{ config, lib, pkgs, ... }:
with lib;
let
  etcModule = { name, config, ... }: {
    options = {
      enable = mkOption { type = types.bool; default = true; description = "Whether this /etc file should be generated."; };
      target = mkOption { type = types.str; description = "Name of symlink (relative to /etc). Defaults to the attribute name."; };
      text = mkOption { type = types.nullOr types.lines; default = null; description = "Text of the file."; };
      source = mkOption { type = types.path; description = "Path of the source file."; };
      mode = mkOption {
        type = types.str;
        default = "symlink";
        example = "0600";
        description = "If set to something else than `symlink`, the file is copied instead of symlinked, with the given file mode.";
      };
      uid = mkOption { type = types.int; default = 0; description = "UID of created file (only for copied files)."; };
      gid = mkOption { type = types.int; default = 0; description = "GID of created file (only for copied files)."; };
      user = mkOption { type = types.str; default = "+${toString config.uid}"; description = "User name of file owner (only for copied files)."; };
      group = mkOption { type = types.str; default = "+${toString config.gid}"; description = "Group name of file owner (only for copied files)."; };
    };
    config = {
      target = mkDefault name;
      source = mkIf (config.text != null) (mkDefault (pkgs.writeText "etc-${baseNameOf name}" config.text));
    };
  };
in {
  options.environment.etc = mkOption {
    type = types.attrsOf (types.submodule etcModule);
    default = { };
    example = { "nginx/extra.conf".text = "..."; };
    description = "Set of files that have to be linked in {file}`/etc`.";
  };
  config.system.build.etcEntries = map (e: {
    inherit (e) target mode user group;
    text = e.text;
    source = if e.text != null then null else toString e.source;
  }) (filter (e: e.enable) (attrValues config.environment.etc));
}
