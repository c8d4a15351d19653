#!/usr/bin/env bash
# The main job on a fresh machine: install what is needed, build, then create a container
# from examples/webserver.nix, start it, fetch a page from it, run a command in it, and
# destroy it. Run as root from the repository: `sudo bash scripts/demo.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

# NC_DEMO_NO_SETUP=1: the host is set up and the tree built already (the test suite runs the
# rest of this script as it is, in a temporary state root).
if [ -z "${NC_DEMO_NO_SETUP:-}" ]; then
  bash scripts/setup-host.sh
  [ -d node_modules/typescript ] || npm ci --no-audit --no-fund
  npm run build >/dev/null
fi

nc=./bin/nixos-container
name=demo
# Leave nothing behind, even when a step fails.
trap '$nc destroy "$name" >/dev/null 2>&1 || true' EXIT

$nc destroy "$name" >/dev/null 2>&1 || true
echo "+ nixos-container create $name --config-file examples/webserver.nix"
$nc create "$name" --config-file examples/webserver.nix
echo "+ nixos-container start $name"
$nc start "$name"
ip=$($nc show-ip "$name")
echo "+ curl http://$ip/"
curl -sS --max-time 10 "http://$ip/"
echo "+ nixos-container run $name -- systemctl is-active nginx.service"
$nc run "$name" -- systemctl is-active nginx.service
echo "+ nixos-container run $name -- cat /etc/motd"
$nc run "$name" -- cat /etc/motd
echo "+ nixos-container destroy $name"
$nc destroy "$name"
trap - EXIT
echo "demo: ok"
