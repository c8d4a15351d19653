# building and merging attribute sets of 20,000 keys
let
  n = 20000;
  names = builtins.genList (i: "key${toString i}") n;
  a = builtins.listToAttrs (map (k: { name = k; value = k; }) names);
  b = builtins.mapAttrs (k: v: v + "-x") a;
  c = a // b // { extra = 1; };
  sel = builtins.foldl' (acc: k: acc + builtins.stringLength c.${k}) 0 names;
  merged = builtins.foldl' (acc: i: acc // { "m${toString i}" = i; }) { } (builtins.genList (x: x) 2000);
in { inherit sel; size = builtins.length (builtins.attrNames c); m = builtins.length (builtins.attrNames merged); }
