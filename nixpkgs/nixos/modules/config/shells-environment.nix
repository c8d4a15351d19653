# environment.variables / sessionVariables / shellAliases / shellInit and the /etc/profile,
# /etc/bash.bashrc and /etc/environment files that apply them to login shells.
{ config, lib, ... }:
with lib;
let
  cfg = config.environment;
  varType = types.attrsOf (types.nullOr (types.oneOf [ (types.listOf (types.oneOf [ types.int types.str types.path ])) types.int types.str types.path ]));
  showVar = v: if builtins.isList v then concatMapStringsSep ":" toString v else toString v;
  allVars = filterAttrs (_: v: v != null) (cfg.sessionVariables // cfg.variables);
  exports = concatStrings (mapAttrsToList (n: v: "export ${n}=${escapeShellArg (showVar v)}\n") allVars);
  aliases = concatStrings (mapAttrsToList (n: v: "alias -- ${n}=${escapeShellArg v}\n") (filterAttrs (_: v: v != null) cfg.shellAliases));
in {
  options.environment = {
    variables = mkOption { type = varType; default = { }; example = { EDITOR = "nvim"; }; description = "A set of environment variables used in the global environment (login shells)."; };
    sessionVariables = mkOption { type = varType; default = { }; description = "A set of environment variables used in the global environment, set at the start of every session."; };
    shellAliases = mkOption { type = types.attrsOf (types.nullOr types.str); default = { }; example = { ll = "ls -l"; }; description = "An attribute set that maps aliases (the top level attribute names in this option) to command strings."; };
    shellInit = mkOption { type = types.lines; default = ""; description = "Shell script code called during shell initialisation."; };
    loginShellInit = mkOption { type = types.lines; default = ""; description = "Shell script code called during login shell initialisation."; };
    interactiveShellInit = mkOption { type = types.lines; default = ""; description = "Shell script code called during interactive shell initialisation."; };
    binsh = mkOption { type = types.path; default = "/bin/sh"; readOnly = true; description = "The shell executable that is linked system-wide to /bin/sh."; };
  };
  config = {
    environment.variables = {
      PAGER = mkDefault "less";
      EDITOR = mkDefault "nano";
    };
    environment.sessionVariables = {
      PATH = [ "/run/wrappers/bin" "/run/current-system/sw/bin" "/run/current-system/sw/sbin" "/usr/local/bin" "/usr/bin" "/usr/sbin" "/bin" "/sbin" ];
    };
    environment.shellAliases = { l = mkDefault "ls -alh"; ll = mkDefault "ls -l"; ls = mkDefault "ls --color=tty"; };
    environment.etc."profile".text = ''
      # /etc/profile: generated from environment.variables and environment.sessionVariables.
      ${exports}
      ${cfg.shellInit}
      ${cfg.loginShellInit}
      if [ -n "''${BASH_VERSION:-}" ] && [ -f /etc/bash.bashrc ]; then . /etc/bash.bashrc; fi
      for i in /etc/profile.d/*.sh; do [ -r "$i" ] && . "$i"; done
      unset i
    '';
    environment.etc."bash.bashrc".text = ''
      # /etc/bash.bashrc: interactive bash shells.
      [ -z "''${PS1:-}" ] && return
      ${aliases}
      ${cfg.interactiveShellInit}
      PS1='\[\e[1;32m\][\u@\h:\w]\$\[\e[0m\] '
    '';
    environment.etc."environment".text = concatStrings (mapAttrsToList (n: v: "${n}=${showVar v}\n") (filterAttrs (_: v: v != null) cfg.sessionVariables));
    environment.etc."shells".text = ''
      /bin/sh
      /bin/bash
      /usr/bin/bash
      /run/current-system/sw/bin/bash
    '';
  };
}
