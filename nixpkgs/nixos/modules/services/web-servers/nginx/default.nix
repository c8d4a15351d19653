# services.nginx: the host distribution's nginx (Debian `nginx`) with a generated
# /etc/nginx/nginx.conf (virtual hosts, locations, upstreams) and nginx.service.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.services.nginx;
  nginx = "${cfg.package}/sbin/nginx";
  mimeTypes = import ./mime-types.nix;

  locationModule = { name, ... }: {
    options = {
      root = mkOption { type = types.nullOr types.path; default = null; example = "/your/root/directory"; description = "Root directory for requests."; };
      alias = mkOption { type = types.nullOr types.path; default = null; description = "Alias directory for requests."; };
      index = mkOption { type = types.nullOr types.str; default = null; example = "index.php index.html"; description = "Adds index directive."; };
      tryFiles = mkOption { type = types.nullOr types.str; default = null; example = "$uri =404"; description = "Adds try_files directive."; };
      proxyPass = mkOption { type = types.nullOr types.str; default = null; example = "http://www.example.org/"; description = "Adds proxy_pass directive and sets recommended proxy headers if recommendedProxySettings is enabled."; };
      proxyWebsockets = mkOption { type = types.bool; default = false; description = "Whether to support proxying websocket connections with HTTP/1.1."; };
      recommendedProxySettings = mkOption { type = types.bool; default = cfg.recommendedProxySettings; description = "Enable recommended proxy settings."; };
      return = mkOption { type = types.nullOr (types.oneOf [ types.str types.int ]); default = null; example = "301 http://example.com$request_uri"; description = "Adds a return directive, for e.g. redirections."; };
      basicAuthFile = mkOption { type = types.nullOr types.path; default = null; description = "Basic Auth password file for the location."; };
      extraConfig = mkOption { type = types.lines; default = ""; description = "These lines go to the end of the location verbatim."; };
      priority = mkOption { type = types.int; default = 1000; description = "Order of this location block in relation to the others in the vhost (lower comes first)."; };
    };
  };

  listenModule = {
    options = {
      addr = mkOption { type = types.str; description = "Listen address."; };
      port = mkOption { type = types.nullOr types.port; default = null; description = "Port number to listen on. If unset and the listen address is not a socket then nginx defaults to 80."; };
      ssl = mkOption { type = types.bool; default = false; description = "Enable SSL."; };
      proxyProtocol = mkOption { type = types.bool; default = false; description = "Enable PROXY protocol."; };
      extraParameters = mkOption { type = types.listOf types.str; default = [ ]; description = "Extra parameters of this listen directive."; };
    };
  };

  vhostModule = { name, config, ... }: {
    options = {
      serverName = mkOption { type = types.nullOr types.str; default = null; description = "Name of this virtual host. Defaults to attribute name in virtualHosts."; };
      serverAliases = mkOption { type = types.listOf types.str; default = [ ]; example = [ "www.example.org" "example.org" ]; description = "Additional names of virtual hosts served by this virtual host configuration."; };
      listen = mkOption { type = types.listOf (types.submodule listenModule); default = [ ]; example = [ { addr = "195.154.1.1"; port = 443; ssl = true; } ]; description = "Listen addresses and ports for this virtual host."; };
      listenAddresses = mkOption { type = types.listOf types.str; default = [ ]; description = "Listen addresses for this virtual host (ports from the defaults)."; };
      default = mkOption { type = types.bool; default = false; description = "Makes this vhost the default."; };
      root = mkOption { type = types.nullOr types.path; default = null; example = "/data/webserver/docs"; description = "The path of the web root directory."; };
      locations = mkOption { type = types.attrsOf (types.submodule locationModule); default = { }; description = "Declarative location config."; };
      extraConfig = mkOption { type = types.lines; default = ""; description = "These lines go to the end of the vhost verbatim."; };
      globalRedirect = mkOption { type = types.nullOr types.str; default = null; example = "newserver.example.org"; description = "If set, all requests for this host are redirected permanently to the given hostname."; };
      basicAuthFile = mkOption { type = types.nullOr types.path; default = null; description = "Basic Auth password file for a vhost."; };
      forceSSL = mkOption { type = types.bool; default = false; description = "Whether to add a separate nginx server block that redirects all plain HTTP traffic to HTTPS."; };
      addSSL = mkOption { type = types.bool; default = false; description = "Whether to enable HTTPS in addition to plain HTTP."; };
      onlySSL = mkOption { type = types.bool; default = false; description = "Whether to enable HTTPS and reject plain HTTP connections."; };
      enableACME = mkOption { type = types.bool; default = false; description = "Whether to ask Let's Encrypt to sign a certificate for this vhost (not supported in containers yet)."; };
      sslCertificate = mkOption { type = types.nullOr types.path; default = null; description = "Path to server SSL certificate."; };
      sslCertificateKey = mkOption { type = types.nullOr types.path; default = null; description = "Path to server SSL certificate key."; };
      http2 = mkOption { type = types.bool; default = true; description = "Whether to enable the HTTP/2 protocol."; };
    };
  };

  vhosts = mapAttrs (n: v: v // { serverName' = if v.serverName != null then v.serverName else n; }) cfg.virtualHosts;
  hasSSL = v: v.forceSSL || v.addSSL || v.onlySSL;

  listenLines = v: ssl:
    let
      port = if ssl then 443 else 80;
      explicit = filter (l: l.ssl == ssl) v.listen;
      addrs = if v.listenAddresses != [ ] then v.listenAddresses else cfg.defaultListenAddresses;
      entries = if v.listen != [ ] then explicit else map (a: { addr = a; port = port; inherit ssl; proxyProtocol = false; extraParameters = [ ]; }) addrs;
    in concatMapStrings (l:
      "  listen ${l.addr}${optionalString (l.port != null) ":${toString l.port}"}${optionalString l.ssl " ssl"}${optionalString l.proxyProtocol " proxy_protocol"}${optionalString v.default " default_server"}${concatMapStrings (p: " ${p}") l.extraParameters};\n") entries;

  recommendedProxy = ''
    proxy_set_header        Host $host;
    proxy_set_header        X-Real-IP $remote_addr;
    proxy_set_header        X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header        X-Forwarded-Proto $scheme;
    proxy_set_header        X-Forwarded-Host $host;
    proxy_set_header        X-Forwarded-Server $host;
  '';

  indent = prefix: text: if text == "" then "" else concatMapStrings (l: if l == "" then "\n" else "${prefix}${l}\n") (splitString "\n" (removeSuffix "\n" text));

  locationText = path: l: ''
    location ${path} {
  '' + indent "  " (concatStrings [
      (optionalString (l.root != null) "root ${toString l.root};\n")
      (optionalString (l.alias != null) "alias ${toString l.alias};\n")
      (optionalString (l.index != null) "index ${l.index};\n")
      (optionalString (l.tryFiles != null) "try_files ${l.tryFiles};\n")
      (optionalString (l.proxyPass != null) "proxy_pass ${l.proxyPass};\n")
      (optionalString (l.proxyPass != null && l.recommendedProxySettings) recommendedProxy)
      (optionalString l.proxyWebsockets "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_set_header Connection $connection_upgrade;\n")
      (optionalString (l.basicAuthFile != null) "auth_basic secured;\nauth_basic_user_file ${toString l.basicAuthFile};\n")
      (optionalString (l.return != null) "return ${toString l.return};\n")
      l.extraConfig
    ]) + "}\n";

  sortedLocations = v: sort (a: b: if a.value.priority != b.value.priority then a.value.priority < b.value.priority else a.name < b.name)
    (mapAttrsToList nameValuePair v.locations);

  serverBlock = v: ssl: ''
    server {
    ${listenLines v ssl}  server_name ${concatStringsSep " " ([ v.serverName' ] ++ v.serverAliases)};
    ${optionalString (ssl && v.sslCertificate != null) "  ssl_certificate ${toString v.sslCertificate};\n  ssl_certificate_key ${toString v.sslCertificateKey};\n"}${optionalString (v.root != null) "  root ${toString v.root};\n"}${optionalString (v.globalRedirect != null) "  return 301 $scheme://${v.globalRedirect}$request_uri;\n"}${optionalString (v.basicAuthFile != null) "  auth_basic secured;\n  auth_basic_user_file ${toString v.basicAuthFile};\n"}${concatMapStrings (l: indent "  " (locationText l.name l.value)) (sortedLocations v)}${indent "  " v.extraConfig}}
  '';
  redirectBlock = v: ''
    server {
    ${listenLines v false}  server_name ${concatStringsSep " " ([ v.serverName' ] ++ v.serverAliases)};
      location / {
        return 301 https://$host$request_uri;
      }
    }
  '';
  vhostText = v:
    if v.forceSSL then redirectBlock v + serverBlock v true
    else if v.onlySSL then serverBlock v true
    else if v.addSSL then serverBlock v false + serverBlock v true
    else serverBlock v false;

  upstreamText = n: u: ''
    upstream ${n} {
    ${concatStrings (mapAttrsToList (s: p: "  server ${s}${concatMapStrings (x: " ${x}") (mapAttrsToList (k: val: if val == true then k else "${k}=${toString val}") (filterAttrs (_: val: val != false) p))};\n") u.servers)}${u.extraConfig}}
  '';

  configText = if cfg.config != "" then ''
    pid /run/nginx/nginx.pid;
    error_log stderr;
    daemon off;
    ${cfg.config}
  '' else ''
    # Generated from services.nginx.
    pid /run/nginx/nginx.pid;
    error_log stderr;
    daemon off;
    user ${cfg.user} ${cfg.group};
    worker_processes ${toString cfg.workerProcesses};

    events {
    ${cfg.eventsConfig}}

    http {
      include /etc/nginx/mime.types;
      default_type application/octet-stream;
      types_hash_max_size 4096;
      access_log /var/log/nginx/access.log combined;
      client_body_temp_path /var/cache/nginx/client_body;
      proxy_temp_path /var/cache/nginx/proxy;
      fastcgi_temp_path /var/cache/nginx/fastcgi;
      uwsgi_temp_path /var/cache/nginx/uwsgi;
      scgi_temp_path /var/cache/nginx/scgi;
      server_tokens ${if cfg.serverTokens then "on" else "off"};
      client_max_body_size ${cfg.clientMaxBodySize};
      map $http_upgrade $connection_upgrade {
        default upgrade;
        ''' close;
      }
    ${optionalString cfg.recommendedOptimisation "  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n  keepalive_timeout 65;\n"}${optionalString cfg.recommendedGzipSettings "  gzip on;\n  gzip_proxied any;\n  gzip_comp_level 5;\n  gzip_vary on;\n  gzip_types application/javascript application/json application/xml text/css text/javascript text/plain text/xml image/svg+xml;\n"}${optionalString cfg.recommendedProxySettings "  proxy_redirect off;\n  proxy_connect_timeout 60s;\n  proxy_send_timeout 60s;\n  proxy_read_timeout 60s;\n  proxy_http_version 1.1;\n"}${indent "  " cfg.commonHttpConfig}${concatStrings (mapAttrsToList (n: u: indent "  " (upstreamText n u)) cfg.upstreams)}${optionalString cfg.statusPage (indent "  " ''
      server {
        listen 127.0.0.1:80;
        server_name localhost;
        location /nginx_status {
          stub_status;
          access_log off;
          allow 127.0.0.1;
          deny all;
        }
      }
    '')}${concatStrings (mapAttrsToList (_: v: indent "  " (vhostText v)) vhosts)}${indent "  " cfg.appendHttpConfig}}
    ${cfg.appendConfig}
  '';
in {
  options.services.nginx = {
    enable = mkOption { type = types.bool; default = false; description = "Whether to enable Nginx Web Server."; };
    package = mkOption { type = types.package; default = pkgs.nginx; defaultText = literalExpression "pkgs.nginx"; description = "Nginx package to use (the host distribution's nginx)."; };
    user = mkOption { type = types.str; default = "nginx"; description = "User account under which nginx runs."; };
    group = mkOption { type = types.str; default = "nginx"; description = "Group account under which nginx runs."; };
    workerProcesses = mkOption { type = types.either types.int (types.enum [ "auto" ]); default = "auto"; description = "Number of nginx worker processes."; };
    statusPage = mkOption { type = types.bool; default = false; description = "Enable status page reachable from localhost on http://127.0.0.1/nginx_status."; };
    recommendedOptimisation = mkOption { type = types.bool; default = false; description = "Enable recommended optimisation settings."; };
    recommendedGzipSettings = mkOption { type = types.bool; default = false; description = "Enable recommended gzip settings."; };
    recommendedProxySettings = mkOption { type = types.bool; default = false; description = "Whether to enable recommended proxy settings if a vhost does not specify the option manually."; };
    recommendedTlsSettings = mkOption { type = types.bool; default = false; description = "Enable recommended TLS settings."; };
    serverTokens = mkOption { type = types.bool; default = false; description = "Show nginx version in headers and error pages."; };
    clientMaxBodySize = mkOption { type = types.str; default = "10m"; description = "Set nginx global client_max_body_size."; };
    defaultListenAddresses = mkOption { type = types.listOf types.str; default = [ "0.0.0.0" ] ++ optional config.networking.enableIPv6 "[::0]"; description = "If vhosts do not specify listenAddresses, use these addresses by default."; };
    eventsConfig = mkOption { type = types.lines; default = ""; description = "Configuration lines to be set inside the events block."; };
    commonHttpConfig = mkOption { type = types.lines; default = ""; description = "With nginx you must provide common http context definitions before they are used; they go at the top of the http block."; };
    appendHttpConfig = mkOption { type = types.lines; default = ""; description = "Configuration lines to be appended to the generated http block."; };
    appendConfig = mkOption { type = types.lines; default = ""; description = "Configuration lines appended to the generated Nginx configuration file."; };
    config = mkOption { type = types.lines; default = ""; description = "Verbatim nginx.conf configuration (replaces the generated one; events and http blocks are yours)."; };
    validateConfigFile = mkOption { type = types.bool; default = true; description = "Validate configuration with `nginx -t` before starting."; };
    upstreams = mkOption {
      type = types.attrsOf (types.submodule {
        options = {
          servers = mkOption { type = types.attrsOf (types.attrsOf (types.oneOf [ types.bool types.int types.str ])); default = { }; example = { "127.0.0.1:8000" = { }; }; description = "Defines the address and other parameters of the upstream servers."; };
          extraConfig = mkOption { type = types.lines; default = ""; description = "These lines go to the end of the upstream verbatim."; };
        };
      });
      default = { };
      description = "Defines a group of servers to use as proxy target.";
    };
    virtualHosts = mkOption {
      type = types.attrsOf (types.submodule vhostModule);
      default = { localhost = { }; };
      example = { "hydra.example.com" = { forceSSL = true; locations."/".proxyPass = "http://localhost:3000"; }; };
      description = "Declarative vhost config.";
    };
  };

  config = mkIf cfg.enable {
    environment.etc."nginx/nginx.conf".text = configText;
    environment.etc."nginx/mime.types".text = "types {\n" + concatStrings (mapAttrsToList (t: exts: "  ${t} ${concatStringsSep " " exts};\n") mimeTypes) + "}\n";
    system.requiredPackages = [ cfg.package ];
    users.users = optionalAttrs (cfg.user == "nginx") { nginx = { group = cfg.group; isSystemUser = true; uid = config.ids.uids.nginx; description = "Nginx web server user"; }; };
    users.groups = optionalAttrs (cfg.group == "nginx") { nginx.gid = config.ids.gids.nginx; };
    assertions = concatLists (mapAttrsToList (n: v: [
      { assertion = count id [ v.addSSL v.onlySSL v.forceSSL ] <= 1; message = "Options services.nginx.service.virtualHosts.<name>.addSSL, services.nginx.virtualHosts.<name>.onlySSL and services.nginx.virtualHosts.<name>.forceSSL are mutually exclusive."; }
      { assertion = hasSSL v -> v.sslCertificate != null && v.sslCertificateKey != null; message = "services.nginx.virtualHosts.${n}: SSL needs sslCertificate and sslCertificateKey (ACME is not supported in containers yet)."; }
    ] ++ mapAttrsToList (p: l: {
      assertion = count (x: x != null) [ l.alias l.root ] <= 1;
      message = "Only one of nginx root or alias can be specified on a location (services.nginx.virtualHosts.${n}.locations.\"${p}\").";
    }) v.locations) cfg.virtualHosts)
    ++ [{ assertion = length (filter (v: v.default) (attrValues cfg.virtualHosts)) <= 1; message = "services.nginx: only one virtual host can be the default."; }];
    systemd.services.nginx = {
      description = "Nginx Web Server";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network.target" "network-online.target" ];
      stopIfChanged = false;
      restartTriggers = [ configText ];
      serviceConfig = {
        ExecStartPre = optional cfg.validateConfigFile "${nginx} -c /etc/nginx/nginx.conf -t";
        ExecStart = "${nginx} -c /etc/nginx/nginx.conf";
        ExecReload = [ "${nginx} -c /etc/nginx/nginx.conf -t" "/bin/kill -HUP $MAINPID" ];
        Restart = "always";
        RestartSec = "10s";
        RuntimeDirectory = "nginx";
        RuntimeDirectoryMode = "0750";
        CacheDirectory = "nginx";
        CacheDirectoryMode = "0750";
        LogsDirectory = "nginx";
        LogsDirectoryMode = "0750";
        StateDirectory = "nginx";
        KillMode = "mixed";
      };
    };
  };
}
