#!/usr/bin/env bash
# Installs the host packages nixos-container needs (Debian/Ubuntu). Idempotent.
#  - systemd-container: systemd-nspawn, the container runtime
#  - iproute2, nftables: veth addresses and routes, port forwarding, container firewall
#  - util-linux: nsenter (run, root-login)
#  - nix-bin: a reference nix-instantiate, used by tests and benchmarks only
#  - curl: the example fetches a page from a container
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "setup-host.sh: run as root" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
pkgs=(systemd systemd-container iproute2 nftables util-linux nix-bin curl dbus)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi
