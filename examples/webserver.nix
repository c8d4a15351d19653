# A small web server container: nginx serving a page, a custom systemd service that writes
# a status file every minute, a user, and an /etc file.
#
#   nixos-container create web --config-file examples/webserver.nix
#   nixos-container start web
{ config, lib, pkgs, ... }:
let
  site = pkgs.writeTextDir "index.html" ''
    <!doctype html>
    <html><head><title>Hello from ${config.networking.hostName}</title></head>
    <body><h1>Hello from a NixOS-style container</h1>
    <p>Served by nginx; see <a href="/status.txt">status.txt</a>.</p></body></html>
  '';
in {
  system.stateVersion = "24.05";
  networking.firewall.allowedTCPPorts = [ 80 ];

  services.nginx = {
    enable = true;
    virtualHosts.default = {
      default = true;
      root = site;
      locations."/status.txt".alias = "/var/lib/status/status.txt";
    };
  };

  users.users.webmaster = {
    isNormalUser = true;
    description = "Web site maintainer";
    extraGroups = [ "nginx" ];
  };

  systemd.services.status-writer = {
    description = "Writes the container's status for the web page";
    wantedBy = [ "multi-user.target" ];
    serviceConfig = { Type = "oneshot"; StateDirectory = "status"; StateDirectoryMode = "0755"; };
    startAt = "minutely";
    script = ''
      {
        echo "host: $(cat /etc/hostname)"
        echo "time: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "motd: $(cat /etc/motd)"
      } > /var/lib/status/status.txt
    '';
  };

  environment.etc."motd".text = "Welcome to the example web server.\n";
}
