# services.openssh: the host distribution's sshd (Debian openssh-server) with a generated
# /etc/ssh/sshd_config, host keys made on first boot by sshd-keygen.service, and
# users.users.<n>.openssh.authorizedKeys in /etc/ssh/authorized_keys.d/<n>.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.services.openssh;
  boolYesNo = v: if v then "yes" else "no";
  showSetting = v: if builtins.isBool v then boolYesNo v else if builtins.isList v then concatMapStringsSep "," toString v else toString v;
  settingsLines = concatStrings (mapAttrsToList (k: v: optionalString (v != null) "${k} ${showSetting v}\n") cfg.settings);
  usersWithKeys = filterAttrs (_: u: u.enable && (u.openssh.authorizedKeys.keys != [ ] || u.openssh.authorizedKeys.keyFiles != [ ])) config.users.users;
  sshd = "${cfg.package}/sbin/sshd";
in {
  options.services.openssh = {
    enable = mkOption { type = types.bool; default = false; description = "Whether to enable the OpenSSH secure shell daemon, which allows secure remote logins."; };
    package = mkOption { type = types.package; default = pkgs.openssh; defaultText = literalExpression "pkgs.openssh"; description = "The package to use for OpenSSH (the host's openssh-server)."; };
    startWhenNeeded = mkOption { type = types.bool; default = false; description = "If set, sshd is socket-activated (not supported yet: sshd always runs)."; };
    openFirewall = mkOption { type = types.bool; default = true; description = "Whether to automatically open the specified ports in the firewall."; };
    ports = mkOption { type = types.listOf types.port; default = [ 22 ]; description = "Specifies on which ports the SSH daemon listens."; };
    listenAddresses = mkOption {
      type = types.listOf (types.submodule {
        options = {
          addr = mkOption { type = types.nullOr types.str; default = null; description = "Host, IPv4 or IPv6 address to listen to."; };
          port = mkOption { type = types.nullOr types.int; default = null; description = "Port to listen to."; };
        };
      });
      default = [ ];
      example = [ { addr = "192.168.3.1"; port = 22; } { addr = "0.0.0.0"; port = 64022; } ];
      description = "List of addresses and ports to listen on (ListenAddress directive in config).";
    };
    allowSFTP = mkOption { type = types.bool; default = true; description = "Whether to enable the SFTP subsystem in the SSH daemon."; };
    banner = mkOption { type = types.nullOr types.lines; default = null; description = "Message to display to the remote user before authentication is allowed."; };
    hostKeys = mkOption {
      type = types.listOf types.attrs;
      default = [ { type = "rsa"; bits = 4096; path = "/etc/ssh/ssh_host_rsa_key"; } { type = "ed25519"; path = "/etc/ssh/ssh_host_ed25519_key"; } ];
      description = "NixOS can automatically generate SSH host keys. This option specifies the path, type and size of each key.";
    };
    authorizedKeysFiles = mkOption { type = types.listOf types.str; default = [ ]; description = "Specify the rules for which files to read on the host."; };
    extraConfig = mkOption { type = types.lines; default = ""; description = "Verbatim contents of {file}`sshd_config`."; };
    moduliFile = mkOption { type = types.nullOr types.path; default = null; description = "Path to `moduli` file to install in `/etc/ssh/moduli`."; };
    settings = mkOption {
      description = "Configuration for `sshd_config(5)`.";
      default = { };
      type = types.submodule {
        freeformType = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ]));
        options = {
          PermitRootLogin = mkOption { type = types.enum [ "yes" "without-password" "prohibit-password" "forced-commands-only" "no" ]; default = "prohibit-password"; description = "Whether the root user can login using ssh."; };
          PasswordAuthentication = mkOption { type = types.bool; default = true; description = "Specifies whether password authentication is allowed."; };
          KbdInteractiveAuthentication = mkOption { type = types.bool; default = true; description = "Specifies whether keyboard-interactive authentication is allowed."; };
          X11Forwarding = mkOption { type = types.bool; default = false; description = "Whether to allow X11 connections to be forwarded."; };
          UseDns = mkOption { type = types.bool; default = false; description = "Specifies whether sshd should look up the remote host name."; };
          UsePAM = mkOption { type = types.bool; default = false; description = "Whether to use PAM (off: the container has no PAM configuration; passwords are checked against /etc/shadow)."; };
          StrictModes = mkOption { type = types.bool; default = true; description = "Whether sshd should check file modes and ownership of directories."; };
          LogLevel = mkOption { type = types.enum [ "QUIET" "FATAL" "ERROR" "INFO" "VERBOSE" "DEBUG" "DEBUG1" "DEBUG2" "DEBUG3" ]; default = "INFO"; description = "Gives the verbosity level that is used when logging messages from sshd(8)."; };
          AllowUsers = mkOption { type = types.nullOr (types.listOf types.str); default = null; description = "If specified, login is allowed only for the listed users."; };
          DenyUsers = mkOption { type = types.nullOr (types.listOf types.str); default = null; description = "If specified, login is disallowed for the listed users."; };
        };
      };
    };
  };

  config = mkIf cfg.enable (mkMerge [ {
    environment.etc = mapAttrs' (n: u: nameValuePair "ssh/authorized_keys.d/${u.name}" {
      mode = "0444";
      text = concatMapStrings (k: "${k}\n") u.openssh.authorizedKeys.keys
        + concatMapStrings (f: "${builtins.readFile f}\n") u.openssh.authorizedKeys.keyFiles;
    }) usersWithKeys;
  } {
    users.users.sshd = { isSystemUser = true; group = "sshd"; description = "SSH privilege separation user"; home = "/run/sshd"; };
    users.groups.sshd = { };
    system.requiredPackages = [ cfg.package ];
    networking.firewall.allowedTCPPorts = mkIf cfg.openFirewall cfg.ports;
    services.openssh.authorizedKeysFiles = [ "%h/.ssh/authorized_keys" "/etc/ssh/authorized_keys.d/%u" ];

    environment.etc."ssh/sshd_config".text = ''
      # Generated from services.openssh.
      ${concatMapStrings (p: "Port ${toString p}\n") cfg.ports}${concatMapStrings (a:
        "ListenAddress ${a.addr}${optionalString (a.port != null) ":${toString a.port}"}\n") (filter (a: a.addr != null) cfg.listenAddresses)}${concatMapStrings (k: "HostKey ${k.path}\n") cfg.hostKeys}AuthorizedKeysFile ${concatStringsSep " " cfg.authorizedKeysFiles}
      PidFile /run/sshd.pid
      ${optionalString cfg.allowSFTP "Subsystem sftp /usr/lib/openssh/sftp-server\n"}${optionalString (cfg.banner != null) "Banner /etc/ssh/banner\n"}${settingsLines}${cfg.extraConfig}
    '';
    environment.etc."ssh/banner" = mkIf (cfg.banner != null) { text = cfg.banner; };
    environment.etc."ssh/moduli" = mkIf (cfg.moduliFile != null) { source = cfg.moduliFile; };

    systemd.services.sshd-keygen = {
      description = "SSH Host Keys Generation";
      before = [ "sshd.service" ];
      wantedBy = [ "sshd.service" ];
      unitConfig.ConditionPathExists = map (k: "!${k.path}") cfg.hostKeys;
      serviceConfig = { Type = "oneshot"; RemainAfterExit = true; };
      script = ''
        mkdir -p /etc/ssh
        chmod 0755 /etc/ssh
        ${concatMapStrings (k: ''
          if ! [ -s ${k.path} ]; then
            rm -f ${k.path} ${k.path}.pub
            /usr/bin/ssh-keygen -q -t ${k.type}${optionalString (k ? bits) " -b ${toString k.bits}"} -N "" -f ${k.path}
          fi
        '') cfg.hostKeys}
      '';
    };
    systemd.services.sshd = {
      description = "SSH Daemon";
      wantedBy = [ "multi-user.target" ];
      after = [ "network.target" "sshd-keygen.service" ];
      requires = [ "sshd-keygen.service" ];
      stopIfChanged = false;
      restartTriggers = [ config.environment.etc."ssh/sshd_config".text ];
      serviceConfig = {
        ExecStartPre = "${sshd} -t -f /etc/ssh/sshd_config";
        ExecStart = "${sshd} -D -f /etc/ssh/sshd_config";
        ExecReload = "/bin/kill -HUP $MAINPID";
        KillMode = "process";
        Restart = "always";
        Type = "simple";
        RuntimeDirectory = "sshd";
        RuntimeDirectoryMode = "0755";
      };
    };
  } ]);
}
