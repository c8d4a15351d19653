# a generated NixOS-style configuration: many attrsets, //, mapAttrs, foldl', recursive merge
let
  lib = rec {
    recursiveUpdate = lhs: rhs:
      builtins.foldl' (acc: name:
        let l = acc.${name} or null; r = rhs.${name}; in
        acc // { ${name} = if builtins.isAttrs l && builtins.isAttrs r then recursiveUpdate l r else r; })
        lhs (builtins.attrNames rhs);
    mkDefault = v: { _type = "override"; priority = 1000; content = v; };
    unwrap = v: if builtins.isAttrs v && v ? _type then v.content else v;
    mapAttrsRecursive = f: set:
      builtins.mapAttrs (n: v: if builtins.isAttrs v && !(v ? _type) then mapAttrsRecursive f v else f v) set;
    optionalString = c: s: if c then s else "";
  };
  mkService = i: {
    "svc${toString i}" = {
      enable = lib.mkDefault (i / 2 * 2 == i);
      description = "Service number ${toString i}";
      serviceConfig = { ExecStart = "/bin/svc --id ${toString i}"; Restart = "always"; User = "u${toString (i / 10)}"; };
      environment = builtins.listToAttrs (map (j: { name = "VAR${toString j}"; value = toString (i * j); }) (builtins.genList (x: x) 5));
      after = [ "network.target" ] ++ (if i > 0 then [ "svc${toString (i - 1)}.service" ] else [ ]);
    };
  };
  modules = builtins.genList (i: { systemd.services = mkService i; users.users."u${toString (i / 10)}" = { isSystemUser = true; group = "g${toString (i / 10)}"; }; }) 1500;
  config = builtins.foldl' lib.recursiveUpdate { } modules;
  resolved = lib.mapAttrsRecursive lib.unwrap config;
  units = builtins.mapAttrs (n: s: ''
    [Unit]
    Description=${s.description}
    After=${builtins.concatStringsSep " " s.after}
    [Service]
    ExecStart=${s.serviceConfig.ExecStart}
    ${lib.optionalString s.enable "# enabled"}
    ${builtins.concatStringsSep "\n" (builtins.attrValues (builtins.mapAttrs (k: v: "Environment=${k}=${v}") s.environment))}
  '') resolved.systemd.services;
in {
  nUnits = builtins.length (builtins.attrNames units);
  totalLen = builtins.foldl' (a: u: a + builtins.stringLength u) 0 (builtins.attrValues units);
  nUsers = builtins.length (builtins.attrNames resolved.users.users);
}
