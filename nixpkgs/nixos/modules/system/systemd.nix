# systemd.services / timers / targets / units: unit files of the container's systemd, rendered
# as NixOS does (scripts become store scripts in ExecStart*, Environment= lines, PATH from
# `path`, and NixOS' switch hints X-RestartIfChanged / X-ReloadIfChanged / X-StopIfChanged).
# The container's systemd is the host's /lib/systemd/systemd.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.systemd;
  unitLib = import ../../lib/systemd-unit.nix { inherit lib; };

  # A unit setting: lists from several definitions are concatenated, single values must agree.
  unitOption = mkOptionType {
    name = "systemd option";
    description = "systemd option";
    check = v: true;
    merge = loc: defs:
      let vals = map (d: d.value) defs; in
      if any builtins.isList vals then concatMap toList vals
      else mergeEqualOption loc defs;
  };

  unitList = description: mkOption { type = types.listOf types.str; default = [ ]; inherit description; };

  commonOptions = {
    enable = mkOption {
      type = types.bool; default = true;
      description = "If set to false, this unit will be a symlink to /dev/null (masked).";
    };
    description = mkOption { type = types.str; default = ""; description = "Description of this unit used in systemd messages and progress indicators."; };
    documentation = unitList "A list of URIs referencing documentation for this service or unit.";
    requires = unitList "Start the specified units when this unit is started, and stop this unit when the specified units are stopped or fail.";
    wants = unitList "Start the specified units when this unit is started.";
    upholds = unitList "Keeps the specified running while this unit is running.";
    after = unitList "If the specified units are started at the same time as this unit, delay this unit until they have started.";
    before = unitList "If the specified units are started at the same time as this unit, delay them until this unit has started.";
    bindsTo = unitList "Like `requires`, but in addition, if the specified units unexpectedly disappear, this unit will be stopped as well.";
    partOf = unitList "If the specified units are stopped or restarted, then this unit is stopped or restarted as well.";
    conflicts = unitList "If the specified units are started, then this unit is stopped and vice versa.";
    requisite = unitList "Similar to requires. However if the specified units are not started, they will not be started and the transaction will fail.";
    onFailure = unitList "A list of units that are activated when this unit enters the failed state.";
    onSuccess = unitList "A list of units that are activated when this unit enters the inactive state.";
    wantedBy = unitList "Units that want (i.e. depend on) this unit.";
    requiredBy = unitList "Units that require (i.e. depend on and need to go down with) this unit.";
    upheldBy = unitList "Keep this unit running as long as the listed units are running.";
    unitConfig = mkOption {
      type = types.attrsOf unitOption; default = { };
      example = { RequiresMountsFor = "/data"; };
      description = "Each attribute in this set specifies an option in the `[Unit]` section of the unit file.";
    };
    restartTriggers = mkOption { type = types.listOf types.unspecified; default = [ ]; description = "An arbitrary list of items such as derivations. If any item in the list changes between reconfigurations, the unit will be restarted."; };
    reloadTriggers = mkOption { type = types.listOf types.unspecified; default = [ ]; description = "An arbitrary list of items such as derivations. If any item in the list changes between reconfigurations, the unit will be reloaded."; };
  };

  serviceModule = { name, config, ... }: {
    options = commonOptions // {
      name = mkOption { type = types.str; default = name; internal = true; description = "The name of the unit, without the .service suffix."; };
      environment = mkOption {
        type = types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package types.int ]));
        default = { };
        example = { PATH = "/foo/bar/bin"; LANG = "nl_NL.UTF-8"; };
        description = "Environment variables passed to the service's processes.";
      };
      path = mkOption {
        type = types.listOf (types.oneOf [ types.package types.str ]);
        default = [ ];
        description = "Packages added to the service's {env}`PATH` environment variable. Both the {file}`bin` and {file}`sbin` subdirectories of each package are added.";
      };
      serviceConfig = mkOption {
        type = types.attrsOf unitOption; default = { };
        example = { RestartSec = 5; };
        description = "Each attribute in this set specifies an option in the `[Service]` section of the unit.";
      };
      script = mkOption { type = types.lines; default = ""; description = "Shell commands executed as the service's main process."; };
      scriptArgs = mkOption { type = types.str; default = ""; description = "Arguments passed to the main process script."; };
      preStart = mkOption { type = types.lines; default = ""; description = "Shell commands executed before the service's main process is started."; };
      postStart = mkOption { type = types.lines; default = ""; description = "Shell commands executed after the service's main process is started."; };
      reload = mkOption { type = types.lines; default = ""; description = "Shell commands executed when the service's main process is reloaded."; };
      preStop = mkOption { type = types.lines; default = ""; description = "Shell commands executed to stop the service."; };
      postStop = mkOption { type = types.lines; default = ""; description = "Shell commands that are executed after the service's main process has exited."; };
      startAt = mkOption {
        type = types.either types.str (types.listOf types.str); default = [ ];
        example = "Sun 14:00:00";
        description = "Automatically start this unit at the given date/time (systemd.time(7) calendar events); creates a timer.";
      };
      restartIfChanged = mkOption { type = types.bool; default = true; description = "Whether the service should be restarted during a configuration switch if its definition has changed."; };
      reloadIfChanged = mkOption { type = types.bool; default = false; description = "Whether the service should be reloaded during a configuration switch if its definition has changed."; };
      stopIfChanged = mkOption { type = types.bool; default = true; description = "If set, a changed unit is restarted by stopping it before the switch and starting it after; otherwise it is restarted in one step."; };
    };
  };

  timerModule = { name, ... }: {
    options = commonOptions // {
      timerConfig = mkOption {
        type = types.attrsOf unitOption;
        example = { OnCalendar = "Sun 14:00:00"; Unit = "foo.service"; };
        description = "Each attribute in this set specifies an option in the `[Timer]` section of the unit.";
      };
    };
  };
  targetModule = { name, ... }: { options = commonOptions; };

  unitModule = { name, ... }: {
    options = {
      text = mkOption { type = types.nullOr types.str; default = null; description = "Text of this systemd unit; null links the host's unit of that name."; };
      enable = mkOption { type = types.bool; default = true; description = "If false, the unit is masked."; };
      wantedBy = unitList "Units that want this unit.";
      requiredBy = unitList "Units that require this unit.";
      upheldBy = unitList "Units that uphold this unit.";
    };
  };

  makeJobScript = name: text: "${pkgs.writeTextFile {
    name = "unit-script-${name}";
    executable = true;
    destination = "/bin/${name}";
    text = "#!${pkgs.runtimeShell} -e\n${text}";
  }}/bin/${name}";

  defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  servicePath = s: concatStringsSep ":" (
    concatMap (p: [ "${p}/bin" "${p}/sbin" ]) s.path ++ [ defaultPath ]);

  hasKey = s: k: s.serviceConfig ? ${k};
  serviceText = name: s:
    let
      env = { PATH = servicePath s; } // filterAttrs (_: v: v != null) s.environment;
      sc = s.serviceConfig;
      execs =
        optionalAttrs (s.script != "") { ExecStart = makeJobScript "${name}-start" s.script + optionalString (s.scriptArgs != "") " ${s.scriptArgs}"; }
        // optionalAttrs (s.preStart != "") { ExecStartPre = toList (sc.ExecStartPre or [ ]) ++ [ (makeJobScript "${name}-pre-start" s.preStart) ]; }
        // optionalAttrs (s.postStart != "") { ExecStartPost = toList (sc.ExecStartPost or [ ]) ++ [ (makeJobScript "${name}-post-start" s.postStart) ]; }
        // optionalAttrs (s.reload != "") { ExecReload = toList (sc.ExecReload or [ ]) ++ [ (makeJobScript "${name}-reload" s.reload) ]; }
        // optionalAttrs (s.preStop != "") { ExecStop = toList (sc.ExecStop or [ ]) ++ [ (makeJobScript "${name}-pre-stop" s.preStop) ]; }
        // optionalAttrs (s.postStop != "") { ExecStopPost = toList (sc.ExecStopPost or [ ]) ++ [ (makeJobScript "${name}-post-stop" s.postStop) ]; };
      hints =
        optionalAttrs (!s.restartIfChanged) { X-RestartIfChanged = false; }
        // optionalAttrs s.reloadIfChanged { X-ReloadIfChanged = true; }
        // optionalAttrs (!s.stopIfChanged) { X-StopIfChanged = false; };
      triggers =
        optionalAttrs (s.restartTriggers != [ ]) { X-Restart-Triggers = builtins.hashString "sha256" (concatMapStringsSep " " toString s.restartTriggers); }
        // optionalAttrs (s.reloadTriggers != [ ]) { X-Reload-Triggers = builtins.hashString "sha256" (concatMapStringsSep " " toString s.reloadTriggers); };
    in
      unitLib.unitSection s triggers + "\n"
      + "[Service]\n"
      + concatStrings (mapAttrsToList unitLib.envLine env)
      + unitLib.sectionLines (sc // execs // hints)
      + installHint s;

  # The [Install] section is informational: enablement comes from the wantedBy links.
  installHint = _: "";

  timerText = name: t: unitLib.unitSection t { } + "\n" + unitLib.section "Timer" t.timerConfig;
  targetText = name: t: unitLib.unitSection t { };

  startAtTimers = mapAttrs' (name: s: nameValuePair name {
    wantedBy = [ "timers.target" ];
    description = "Timer of ${name}.service";
    timerConfig = { OnCalendar = toList s.startAt; Unit = "${name}.service"; };
  }) (filterAttrs (_: s: s.enable && s.startAt != [ ] && s.startAt != "") cfg.services);
in {
  options.systemd = {
    services = mkOption { type = types.attrsOf (types.submodule serviceModule); default = { }; description = "Definition of systemd service units."; };
    timers = mkOption { type = types.attrsOf (types.submodule timerModule); default = { }; description = "Definition of systemd timer units."; };
    targets = mkOption { type = types.attrsOf (types.submodule targetModule); default = { }; description = "Definition of systemd target units."; };
    units = mkOption { type = types.attrsOf (types.submodule unitModule); default = { }; description = "Definition of systemd units, by full unit name."; };
    packages = mkOption { type = types.listOf types.package; default = [ ]; description = "Packages providing systemd units (their lib/systemd/system units are linked)."; };
    defaultUnit = mkOption { type = types.str; default = "multi-user.target"; description = "Default unit started when the system boots."; };
    suppressedSystemUnits = mkOption {
      type = types.listOf types.str; default = [ ];
      example = [ "systemd-firstboot.service" ];
      description = "Host units that are masked in the container (symlinks to /dev/null).";
    };
    enableUnifiedCgroupHierarchy = mkOption { type = types.bool; default = true; description = "Whether to use the unified cgroup hierarchy (cgroup v2)."; };
    extraConfig = mkOption { type = types.lines; default = ""; description = "Extra config options for systemd (/etc/systemd/system.conf, [Manager] section)."; };
    globalEnvironment = mkOption {
      type = types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ]));
      default = { };
      description = "Environment variables passed to all systemd units.";
    };
  };

  config = {
    systemd.timers = startAtTimers;
    systemd.units =
      mapAttrs' (n: s: nameValuePair "${n}.service" (unitLib.mkUnit s (serviceText n s))) cfg.services
      // mapAttrs' (n: t: nameValuePair "${n}.timer" (unitLib.mkUnit t (timerText n t))) cfg.timers
      // mapAttrs' (n: t: nameValuePair "${n}.target" (unitLib.mkUnit t (targetText n t))) cfg.targets;

    environment.etc."systemd/system.conf".text = ''
      [Manager]
      ${concatStrings (mapAttrsToList (k: v: "DefaultEnvironment=\"${k}=${toString v}\"\n") (filterAttrs (_: v: v != null) cfg.globalEnvironment))}${cfg.extraConfig}
    '';
  };
}
