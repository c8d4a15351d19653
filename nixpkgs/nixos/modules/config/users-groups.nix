# users.users / users.groups / users.mutableUsers.
# Ids left null are allocated by the system builder as NixOS does: normal users from 1000 up,
# system users and groups from 999 down (in name order, skipping ids already taken).
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.users;
  ids = config.ids;

  shellPath = s:
    if s == null then "/usr/sbin/nologin"
    else if builtins.isString s then s
    else if builtins.isAttrs s && s ? shellPath then "${s}${s.shellPath}"
    else if builtins.isAttrs s then "${s}/bin/${s.meta.mainProgram or s.pname or (builtins.parseDrvName s.name).name}"
    else toString s;

  userModule = { name, config, ... }: {
    options = {
      enable = mkOption { type = types.bool; default = true; description = "If set to false, the user account will not be created."; };
      name = mkOption { type = types.str; default = name; description = "The name of the user account. If undefined, the name of the attribute set will be used."; };
      description = mkOption { type = types.str; default = ""; example = "Alice Q. User"; description = "A short description of the user account, typically the user's full name (the GECOS field)."; };
      uid = mkOption { type = types.nullOr types.int; default = null; description = "The account UID. If the UID is null, a free UID is picked on activation."; };
      isSystemUser = mkOption { type = types.bool; default = false; description = "Indicates if the user is a system user or not."; };
      isNormalUser = mkOption {
        type = types.bool; default = false;
        description = "Indicates whether this is an account for a \"real\" user: sets group to users, createHome to true, home to /home/username, useDefaultShell to true and isSystemUser to false.";
      };
      group = mkOption { type = types.str; default = ""; description = "The user's primary group."; };
      extraGroups = mkOption { type = types.listOf types.str; default = [ ]; description = "The user's auxiliary groups."; };
      home = mkOption { type = types.path; default = "/var/empty"; description = "The user's home directory."; };
      homeMode = mkOption { type = types.strMatching "[0-7]{1,5}"; default = "700"; description = "The user's home directory mode in numeric format."; };
      createHome = mkOption { type = types.bool; default = false; description = "Whether to create the home directory and ensure ownership as well as permissions to match the user."; };
      useDefaultShell = mkOption { type = types.bool; default = false; description = "If true, the user's shell will be set to users.defaultUserShell."; };
      shell = mkOption {
        type = types.nullOr (types.either types.package types.path);
        default = null;
        example = literalExpression "pkgs.bashInteractive";
        description = "The path to the user's shell.";
      };
      hashedPassword = mkOption { type = types.nullOr types.str; default = null; description = "Specifies the hashed password for the user (as in /etc/shadow)."; };
      password = mkOption { type = types.nullOr types.str; default = null; description = "Specifies the (clear text) password for the user. Warning: do not set confidential information here (it is world-readable in the store)."; };
      hashedPasswordFile = mkOption { type = types.nullOr types.str; default = null; description = "The full path to a file that contains the hash of the user's password."; };
      initialHashedPassword = mkOption { type = types.nullOr types.str; default = null; description = "Specifies the initial hashed password for the user, i.e. the hashed password assigned if the user does not already exist."; };
      initialPassword = mkOption { type = types.nullOr types.str; default = null; description = "Specifies the initial password for the user, i.e. the password assigned if the user does not already exist."; };
      packages = mkOption { type = types.listOf types.package; default = [ ]; description = "The set of packages that should be made available to the user."; };
      linger = mkOption { type = types.bool; default = false; description = "Whether to enable lingering for this user (accepted, unused)."; };
      subUidRanges = mkOption { type = types.listOf types.attrs; default = [ ]; description = "Subordinate user ids (accepted, unused)."; };
      subGidRanges = mkOption { type = types.listOf types.attrs; default = [ ]; description = "Subordinate group ids (accepted, unused)."; };
      autoSubUidGidRange = mkOption { type = types.bool; default = false; description = "Automatically allocate subordinate ids (accepted, unused)."; };
      openssh.authorizedKeys.keys = mkOption { type = types.listOf types.str; default = [ ]; description = "A list of verbatim OpenSSH public keys that should be added to the user's authorized keys."; };
      openssh.authorizedKeys.keyFiles = mkOption { type = types.listOf types.path; default = [ ]; description = "A list of files each containing one OpenSSH public key that should be added to the user's authorized keys."; };
    };
    config = mkMerge [
      (mkIf config.isNormalUser {
        group = mkDefault "users";
        createHome = mkDefault true;
        home = mkDefault "/home/${config.name}";
        homeMode = mkDefault "700";
        useDefaultShell = mkDefault true;
      })
      (mkIf (ids.uids ? ${config.name}) { uid = mkDefault ids.uids.${config.name}; })
    ];
  };

  groupModule = { name, config, ... }: {
    options = {
      name = mkOption { type = types.str; default = name; description = "The name of the group. If undefined, the name of the attribute set will be used."; };
      gid = mkOption { type = types.nullOr types.int; default = null; description = "The group GID. If the GID is null, a free GID is picked on activation."; };
      members = mkOption { type = types.listOf types.str; default = [ ]; description = "The user names of the group members, added to the `/etc/group` file."; };
    };
    config = mkIf (ids.gids ? ${config.name}) { gid = mkDefault ids.gids.${config.name}; };
  };

  enabledUsers = filterAttrs (_: u: u.enable) cfg.users;

  # System accounts that the host's units (systemd, dbus, ...) expect to exist.
  systemAccount = description: home: { isSystemUser = true; group = mkDefault "nogroup"; inherit description; home = mkDefault home; };
in {
  options.users = {
    users = mkOption { type = types.attrsOf (types.submodule userModule); default = { }; description = "Additional user accounts to be created automatically by the system."; };
    groups = mkOption { type = types.attrsOf (types.submodule groupModule); default = { }; description = "Additional groups to be created automatically by the system."; };
    mutableUsers = mkOption {
      type = types.bool; default = true;
      description = "If false, the contents of the user and group files will simply be replaced on system activation. If true, passwords set with passwd survive activation.";
    };
    defaultUserShell = mkOption { type = types.either types.path types.package; default = "/bin/bash"; description = "This option defines the default shell assigned to user accounts."; };
    enforceIdUniqueness = mkOption { type = types.bool; default = true; description = "Whether to require that no two users/groups share the same uid/gid."; };
    allowNoPasswordLogin = mkOption { type = types.bool; default = false; description = "Disable checking that at least the root user or a user in the wheel group can log in."; };
  };

  config = {
    users.users = {
      root = { uid = ids.uids.root; description = "System administrator"; home = "/root"; shell = mkDefault cfg.defaultUserShell; group = "root"; };
      nobody = { uid = ids.uids.nobody; isSystemUser = true; description = "Unprivileged account (don't use!)"; group = "nogroup"; };
      messagebus = systemAccount "D-Bus system message bus daemon user" "/run/dbus" // { group = "messagebus"; };
      systemd-network = systemAccount "systemd Network Management" "/" // { group = "systemd-network"; };
      systemd-resolve = systemAccount "systemd Resolver" "/" // { group = "systemd-resolve"; };
      systemd-timesync = systemAccount "systemd Time Synchronization" "/" // { group = "systemd-timesync"; };
      systemd-coredump = systemAccount "systemd Core Dumper" "/" // { group = "systemd-coredump"; };
      www-data = systemAccount "www-data" "/var/www" // { group = "www-data"; };
    };
    users.groups = {
      root = { }; wheel = { }; users = { }; nogroup = { }; messagebus = { }; systemd-journal = { };
      systemd-network = { }; systemd-resolve = { }; systemd-timesync = { }; systemd-coredump = { };
      www-data = { }; adm = { }; tty = { }; kmem = { }; disk = { }; utmp = { }; input = { };
      kvm = { }; render = { }; dialout = { }; video = { }; audio = { }; shadow = { };
    };

    system.build.usersManifest = {
      inherit (cfg) mutableUsers;
      users = mapAttrsToList (_: u: {
        inherit (u) name uid group extraGroups description home homeMode createHome isSystemUser isNormalUser
          hashedPassword password initialPassword initialHashedPassword hashedPasswordFile;
        shell = shellPath (if u.shell == null && u.useDefaultShell then cfg.defaultUserShell else u.shell);
      }) enabledUsers;
      groups = mapAttrsToList (_: g: { inherit (g) name gid members; }) cfg.groups;
    };

    environment.systemPackages = concatMap (u: u.packages) (attrValues enabledUsers);

    assertions = concatLists (mapAttrsToList (n: u: [
      {
        assertion = !(u.isNormalUser && u.isSystemUser);
        message = "Exactly one of users.users.${n}.isSystemUser and users.users.${n}.isNormalUser must be set.";
      }
      {
        assertion = u.uid != null || u.isNormalUser || u.isSystemUser;
        message = "Exactly one of users.users.${n}.isSystemUser and users.users.${n}.isNormalUser must be set.";
      }
      {
        assertion = u.group != "";
        message = "users.users.${n}.group is unset. This used to default to nogroup, but this is unsafe. For example you can create a group for this user with:\nusers.users.${n}.group = \"${n}\";\nusers.groups.${n} = {};";
      }
      {
        assertion = u.group == "" || cfg.groups ? ${u.group} || any (g: g.name == u.group) (attrValues cfg.groups);
        message = "users.users.${n}.group refers to the group `${u.group}', which is not defined in users.groups.";
      }
      {
        assertion = length (filter (x: x != null) [ u.hashedPassword u.password u.hashedPasswordFile ]) <= 1;
        message = "users.users.${n}: at most one of hashedPassword, password and hashedPasswordFile may be set.";
      }
    ]) enabledUsers)
    ++ optional cfg.enforceIdUniqueness (
      let uids = filter (x: x != null) (mapAttrsToList (_: u: u.uid) enabledUsers);
          gids = filter (x: x != null) (mapAttrsToList (_: g: g.gid) cfg.groups);
      in {
        assertion = length uids == length (unique uids) && length gids == length (unique gids);
        message = "UIDs and GIDs must be unique!";
      });

    warnings = concatLists (mapAttrsToList (n: u:
      optional (u.password != null)
        "users.users.${n} has a clear-text password set; it is readable by every user of the store."
    ) (filterAttrs (n: _: n != "root") enabledUsers));
  };
}
