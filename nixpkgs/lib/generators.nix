# Turning Nix values into text formats (lib.generators).
{ lib }:
let
  b = builtins;
  inherit (lib.strings) concatStringsSep concatMapStringsSep escapeNixString escapeNixIdentifier replaceStrings;
  inherit (lib.attrsets) mapAttrsToList isDerivation;
in
rec {
  mkValueStringDefault = { }: v:
    let err = t: v: abort ("generators.mkValueStringDefault: " + "${t} not supported: ${toPretty { } v}"); in
    if b.isInt v then toString v
    else if lib.strings.isStringLike v then toString v
    else if true == v then "true"
    else if false == v then "false"
    else if null == v then "null"
    else if b.isFloat v then lib.strings.floatToString v
    else if b.isList v then err "lists" v
    else if b.isAttrs v then err "attrsets" v
    else if lib.trivial.isFunction v then err "functions" v
    else err "this value is" (toString v);

  mkKeyValueDefault = { mkValueString ? mkValueStringDefault { } }: sep: k: v:
    "${lib.strings.escape [ sep ] k}${sep}${mkValueString v}";

  toKeyValue = { mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false, indent ? "" }:
    let
      line = k: v: indent + mkKeyValue k v + "\n";
      lines = if listsAsDuplicateKeys then k: v: b.map (line k) (if b.isList v then v else [ v ]) else k: v: [ (line k v) ];
    in attrs: b.concatStringsSep "" (b.concatLists (mapAttrsToList lines attrs));

  toINI = { mkSectionName ? (name: lib.strings.escape [ "[" "]" ] name), mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false }:
    attrsOfAttrs:
    let
      section = name: values: ''
        [${mkSectionName name}]
      '' + toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } values;
    in b.concatStringsSep "\n" (mapAttrsToList section attrsOfAttrs);

  toINIWithGlobalSection = { mkSectionName ? (name: lib.strings.escape [ "[" "]" ] name), mkKeyValue ? mkKeyValueDefault { } "=", listsAsDuplicateKeys ? false }:
    { globalSection, sections ? { } }:
    (if globalSection == { } then "" else toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } globalSection + "\n")
    + toINI { inherit mkSectionName mkKeyValue listsAsDuplicateKeys; } sections;

  toGitINI = attrs:
    let
      mkSectionName = name:
        let
          containsQuote = lib.strings.hasInfix ''"'' name;
          sections = lib.strings.splitString "." name;
          section = b.head sections;
          subsections = b.tail sections;
          subsection = concatStringsSep "." subsections;
        in
        if containsQuote || subsections == [ ] then name else ''${section} "${subsection}"'';
      mkValueString = v:
        let escapedV = ''"${replaceStrings [ "\n" "	" ''"'' "\\" ] [ "\\n" "\\t" ''\"'' "\\\\" ] v}"''; in
        mkValueStringDefault { } (if b.isString v then escapedV else v);
      mkKeyValue = mkKeyValueDefault { inherit mkValueString; } " = ";
      toGitINI' = toINI_ { inherit mkKeyValue mkSectionName; listsAsDuplicateKeys = true; };
      toINI_ = toINI;
      gitFlattenAttrs =
        let
          recurse = path: value:
            if b.isAttrs value && !lib.strings.isStringLike value then
              mapAttrsToList (name: value: recurse ([ name ] ++ path) value) value
            else if b.length path > 1 then
              { ${concatStringsSep "." (lib.lists.reverseList (b.tail path))}.${b.head path} = value; }
            else { ${b.head path} = value; };
        in attrs: lib.lists.foldl lib.attrsets.recursiveUpdate { } (lib.lists.flatten (recurse [ ] attrs));
    in toGitINI' (gitFlattenAttrs attrs);

  mkDconfKeyValue = mkKeyValueDefault { mkValueString = v: toString (lib.gvariant.mkValue v); } "=";
  toDconfINI = toINI { mkKeyValue = mkDconfKeyValue; };

  toJSON = { }: b.toJSON;
  toYAML = { }: b.toJSON;

  withRecursion = { depthLimit, throwOnDepthLimit ? true }:
    assert b.isInt depthLimit;
    let
      special = [ "__functor" "__functionArgs" "__toString" "__pretty" ];
      stepIntoAttr = evalNext: name: if b.elem name special then x: x else evalNext;
      transform = depth:
        if depthLimit != null && depth > depthLimit then
          (if throwOnDepthLimit then throw "Exceeded maximum eval-depth limit of ${toString depthLimit} while trying to evaluate with `generators.withRecursion'!"
          else _: "<unevaluated>")
        else x: x;
      mapAny = depth: v:
        let evalNext = x: mapAny (depth + 1) (transform (depth + 1) x); in
        if b.isAttrs v then b.mapAttrs (stepIntoAttr evalNext) v
        else if b.isList v then b.map evalNext v
        else transform (depth + 1) v;
    in mapAny 0;

  toPretty = { allowPrettyValues ? false, multiline ? true, indent ? "" }:
    let
      go = indent: v:
        let
          introSpace = if multiline then "\n${indent}  " else " ";
          outroSpace = if multiline then "\n${indent}" else " ";
        in
        if b.isInt v then toString v
        else if b.isFloat v then b.toJSON v
        else if b.isString v then
          let
            lines = b.filter (x: !b.isList x) (b.split "\n" v);
            escapeSingle = s: b.replaceStrings [ "\\" "\"" "\${" ] [ "\\\\" "\\\"" "\\\${" ] s;
            escapeMulti = s: b.replaceStrings [ "\${" "''" ] [ "''\${" "'''" ] s;
            singlelineResult = "\"" + concatStringsSep "\\n" (b.map escapeSingle lines) + "\"";
            multilineResult =
              let
                escapedLines = b.map escapeMulti lines;
                lastLine = lib.lists.last escapedLines;
              in
              "''" + introSpace + concatStringsSep introSpace (lib.lists.init escapedLines)
              + (if lastLine == "" then outroSpace else introSpace + lastLine) + "''";
          in
          if multiline && b.length lines > 1 then multilineResult else singlelineResult
        else if true == v then "true"
        else if false == v then "false"
        else if null == v then "null"
        else if b.isPath v then toString v
        else if b.isList v then
          if v == [ ] then "[ ]"
          else "[" + introSpace + concatMapStringsSep introSpace (go (indent + "  ")) v + outroSpace + "]"
        else if b.isFunction v then
          let
            fna = b.functionArgs v;
            showFnas = concatStringsSep ", " (mapAttrsToList (name: hasDefVal: if hasDefVal then name + "?" else name) fna);
          in if fna == { } then "<function>" else "<function, args: {${showFnas}}>"
        else if b.isAttrs v then
          if allowPrettyValues && v ? __pretty && v ? val then v.__pretty v.val
          else if v == { } then "{ }"
          else if isDerivation v then "<derivation ${v.name or "???"}>"
          else "{" + introSpace
            + concatStringsSep introSpace (mapAttrsToList (name: value:
              "${escapeNixIdentifier name} = ${b.addErrorContext "while evaluating an attribute `${name}`" (go (indent + "  ") value)};") v)
            + outroSpace + "}"
        else abort "generators.toPretty: should never happen (v = ${v})";
    in go indent;

  toPlist = { escape ? false }: v: throw "generators.toPlist is not supported by this lib";

  toDhall = { }: v: throw "generators.toDhall is not supported by this lib";

  toLua = { multiline ? true, indent ? "", asBindings ? false }:
    let
      go = indent: v:
        let
          introSpace = if multiline then "\n${indent}  " else " ";
          outroSpace = if multiline then "\n${indent}" else " ";
        in
        if v == null then "nil"
        else if b.isInt v || b.isFloat v || b.isString v || b.isBool v then b.toJSON v
        else if b.isPath v then b.toJSON (toString v)
        else if b.isList v then
          (if v == [ ] then "{}" else "{${introSpace}${concatMapStringsSep ",${introSpace}" (go (indent + "  ")) v}${outroSpace}}")
        else if b.isAttrs v then
          (if v ? __raw then v.__raw
          else if v == { } then "{}"
          else "{${introSpace}${concatStringsSep ",${introSpace}" (mapAttrsToList (k: x: "[${b.toJSON k}] = ${go (indent + "  ") x}") v)}${outroSpace}}")
        else abort "generators.toLua: type ${b.typeOf v} is unsupported";
    in
    if asBindings then
      v: concatStringsSep "\n" (mapAttrsToList (k: x: "${indent}${k} = ${go indent x}") v)
    else go indent;
  mkLuaInline = expr: { _type = "lua-inline"; inherit expr; };
}
