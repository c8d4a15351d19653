# Command-line rendering of attribute sets (lib.cli).
{ lib }:
let
  b = builtins;
in
rec {
  toGNUCommandLineShell = options: attrs: lib.strings.escapeShellArgs (toGNUCommandLine options attrs);

  toGNUCommandLine =
    { mkOptionName ? k: if b.stringLength k == 1 then "-${k}" else "--${k}"
    , mkBool ? k: v: lib.lists.optional v (mkOptionName k)
    , mkList ? k: v: b.concatMap (mkOption k) v
    , mkOption ? k: v:
        if v == null then [ ]
        else [ (mkOptionName k) (lib.generators.mkValueStringDefault { } v) ]
    , optionValueSeparator ? null
    }:
    options:
    let
      render = k: v:
        if b.isBool v then mkBool k v
        else if b.isList v then mkList k v
        else if optionValueSeparator == null then mkOption k v
        else if v == null then [ ]
        else [ "${mkOptionName k}${optionValueSeparator}${lib.generators.mkValueStringDefault { } v}" ];
    in b.concatLists (lib.attrsets.mapAttrsToList render options);

  toCommandLineShell = optionFormat: attrs: lib.strings.escapeShellArgs (toCommandLine optionFormat attrs);

  toCommandLine = optionFormat: attrs:
    let
      render = k: v:
        let o = optionFormat k; in
        if v == null || v == false then [ ]
        else if v == true then [ o.option ]
        else if b.isList v then b.concatMap (render k) v
        else
          let s = lib.generators.mkValueStringDefault { } v; in
          if o.sep == null then [ o.option s ] else [ "${o.option}${o.sep}${s}" ];
    in b.concatLists (lib.attrsets.mapAttrsToList render attrs);

  toCommandLineGNU = { isLong ? k: b.stringLength k > 1, explicitBool ? false }:
    toCommandLine (k:
      if isLong k then { option = "--${k}"; sep = "="; explicitBool = explicitBool; }
      else { option = "-${k}"; sep = ""; explicitBool = explicitBool; });

  toCommandLineShellGNU = options: attrs: lib.strings.escapeShellArgs (toCommandLineGNU options attrs);
}
