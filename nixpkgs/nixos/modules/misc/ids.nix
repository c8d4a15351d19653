# Static user and group ids of system accounts (the ids that host units and services expect).
{ lib, ... }:
{
  options.ids = {
    uids = lib.mkOption { internal = true; type = lib.types.attrsOf lib.types.int; default = { }; description = "The user IDs used by system accounts."; };
    gids = lib.mkOption { internal = true; type = lib.types.attrsOf lib.types.int; default = { }; description = "The group IDs used by system accounts."; };
  };
  config.ids.uids = {
    root = 0; daemon = 1; bin = 2; sys = 3; messagebus = 4; www-data = 33; nginx = 60;
    systemd-coredump = 151; systemd-network = 152; systemd-resolve = 153; systemd-timesync = 154;
    sshd = 155; nobody = 65534;
  };
  config.ids.gids = {
    root = 0; wheel = 1; kmem = 2; tty = 3; messagebus = 4; disk = 6; audio = 17; floppy = 18;
    uucp = 19; lp = 20; cdrom = 24; tape = 25; video = 26; dialout = 27; utmp = 29;
    www-data = 33; kvm = 61; nginx = 60; systemd-journal = 62; users = 100; adm = 55;
    input = 174; render = 303; sgx = 304; shadow = 318;
    systemd-coredump = 151; systemd-network = 152; systemd-resolve = 153; systemd-timesync = 154;
    sshd = 155; nogroup = 65534;
  };
}
