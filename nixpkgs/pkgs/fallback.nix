# Stand-ins used when the system layer's host object is absent, i.e. under a plain Nix
# evaluator (`nix-instantiate`), to test the option modules without the project's evaluator.
#  - packages: a fixed list of common names; each is a fake derivation whose outPath is "/usr",
#    so "${pkgs.nginx}/sbin/nginx" evaluates to "/usr/sbin/nginx" (the host's binary).
#  - builders: real `derivation` values whose outPath Nix computes; nothing is built.
{ lib, system }:
let
  names = [
    "bash" "bashInteractive" "coreutils" "curl" "wget" "git" "htop" "vim" "neovim" "nano"
    "jq" "tcpdump" "nmap" "openssh" "nginx" "nftables" "iproute2" "iputils" "procps"
    "findutils" "gnugrep" "gnused" "gawk" "gzip" "gnutar" "less" "tmux" "screen" "rsync"
    "python3" "nodejs" "postgresql" "redis" "sqlite" "openssl" "shadow" "util-linux"
    "systemd" "dbus" "zsh" "fish" "file" "tree" "unzip" "zip" "dig" "dnsutils" "lsof"
    "strace" "socat" "netcat" "hello" "cowsay" "ripgrep" "fd" "bat" "ncdu" "mtr"
  ];
  fake = n: {
    type = "derivation"; name = n; pname = n; version = "host";
    outPath = "/usr"; outputs = [ "out" ]; meta = { mainProgram = n; description = "host package ${n} (stand-in)"; };
  };
  drv = name: args: derivation ({
    inherit name system;
    builder = "/bin/sh";
  } // args);
  writeTextFile = { name, text, executable ? false, destination ? "", ... }:
    drv name { args = [ "-c" "write-text" ]; inherit text destination; executable = if executable then "1" else ""; };
in {
  packages = lib.genAttrs names fake;
  builders = import ./trivial-builders.nix {
    inherit lib writeTextFile;
    runCommandRaw = name: env: script: drv name (env // { args = [ "-c" script ]; });
    symlinkJoinRaw = name: paths: drv name { args = [ "-c" "symlink-join" ]; paths = map toString paths; };
  };
}
