# i18n.defaultLocale / extraLocaleSettings: /etc/locale.conf and LANG for sessions and units.
{ config, lib, ... }:
with lib;
let cfg = config.i18n; in
{
  options.i18n = {
    defaultLocale = mkOption { type = types.str; default = "en_US.UTF-8"; example = "nl_NL.UTF-8"; description = "The default locale. It determines the language for program messages, the format for dates and times, sort order, and so on."; };
    extraLocaleSettings = mkOption { type = types.attrsOf types.str; default = { }; example = { LC_MESSAGES = "en_US.UTF-8"; }; description = "A set of additional system-wide locale settings other than LANG."; };
    supportedLocales = mkOption { type = types.listOf types.str; default = [ "${cfg.defaultLocale}/UTF-8" ]; description = "List of locales that the system should support (the host's compiled locales are used)."; };
  };
  config = {
    environment.etc."locale.conf".text = concatStrings (mapAttrsToList (n: v: "${n}=${v}\n") ({ LANG = cfg.defaultLocale; } // cfg.extraLocaleSettings));
    environment.sessionVariables = { LANG = cfg.defaultLocale; } // cfg.extraLocaleSettings;
    systemd.globalEnvironment = { LANG = cfg.defaultLocale; };
  };
}
