# list- and string-heavy library code: sort, concatMap, replaceStrings, regex, foldl'
let
  xs = builtins.genList (i: (i * 7919) - (i / 3) * 13) 20000;
  sorted = builtins.sort (a: b: a < b) xs;
  strs = map (i: "item-${toString i}-value") (builtins.genList (x: x) 5000);
  replaced = map (builtins.replaceStrings [ "item" "value" ] [ "it" "val" ]) strs;
  matched = builtins.filter (s: builtins.match "it-([0-9]+)-val" s != null) replaced;
  pieces = builtins.concatMap (s: builtins.split "-" s) matched;
  joined = builtins.concatStringsSep "," (builtins.filter builtins.isString pieces);
  sum = builtins.foldl' (a: b: a + b) 0 sorted;
in { inherit sum; len = builtins.stringLength joined; first = builtins.head sorted; n = builtins.length matched; }
