# Option declarations and helpers to show/merge option values (lib.options).
{ lib }:
let
  b = builtins;
  inherit (lib.strings) escapeNixString concatMapStrings concatStringsSep;
  inherit (lib.lists) take optional;

  identRe = "[a-zA-Z_][a-zA-Z0-9_'-]*";
in
rec {
  isOption = lib.isType "option";

  mkOption =
    { default ? null, defaultText ? null, example ? null, description ? null
    , relatedPackages ? null, type ? null, apply ? null, internal ? null
    , visible ? null, readOnly ? null }@attrs:
    attrs // { _type = "option"; };

  mkEnableOption = name: mkOption {
    default = false;
    example = true;
    description = "Whether to enable ${name}.";
    type = lib.types.bool;
  };

  mkPackageOption =
    pkgs: name:
    { nullable ? false, default ? name, example ? null, extraDescription ? "", pkgsText ? "pkgs" }:
    let
      namePath = if b.isList name then name else [ name ];
      defaultPath =
        if default == null then null
        else if b.isList default then default else [ default ];
      showPath = path: pkgsText + "." + lib.attrsets.showAttrPath path;
      defaultValue =
        if defaultPath == null then null
        else lib.attrsets.attrByPath defaultPath (throw "${showPath defaultPath} cannot be found in ${pkgsText}") pkgs;
      defaultText = if defaultPath == null then null else literalExpression (showPath defaultPath);
      exampleValue =
        if example == null then null
        else if b.isString example then literalExpression example
        else literalExpression (showPath (if b.isList example then example else [ example ]));
      typ = if nullable then lib.types.nullOr lib.types.package else lib.types.package;
    in
    mkOption ({
      type = typ;
      description =
        "The ${b.concatStringsSep "." namePath} package to use."
        + (if extraDescription == "" then "" else " " + extraDescription);
    }
    // lib.attrsets.optionalAttrs (defaultPath != null) { default = defaultValue; defaultText = defaultText; }
    // lib.attrsets.optionalAttrs (defaultPath == null && nullable) { default = null; }
    // lib.attrsets.optionalAttrs (example != null) { example = exampleValue; });

  mkPackageOptionMD = mkPackageOption;

  mkSinkUndeclaredOptions = attrs: mkOption ({
    internal = true;
    visible = false;
    default = false;
    description = "Sink for option definitions.";
    type = mkOptionType' { name = "sink"; check = x: true; merge = loc: defs: false; };
    apply = x: throw "Option value is not readable because the option is not declared.";
  } // attrs);

  mkOptionType' = lib.types.mkOptionType;

  mergeDefaultOption = loc: defs:
    let list = getValues defs; in
    if b.length list == 1 then b.head list
    else if b.all b.isFunction list then x: mergeDefaultOption loc (b.map (f: f x) list)
    else if b.all b.isList list then b.concatLists list
    else if b.all b.isAttrs list then b.foldl' lib.trivial.mergeAttrs { } list
    else if b.all b.isBool list then b.foldl' (x: y: x || y) false list
    else if b.all b.isString list then b.concatStringsSep "" list
    else if b.all b.isInt list && b.all (x: x == b.head list) list then b.head list
    else throw "Cannot merge definitions of `${showOption loc}'. Definition values:${showDefs defs}";

  mergeOneOption = mergeUniqueOption { message = ""; };

  mergeUniqueOption = { message, merge ? loc: defs: (b.head defs).value }: loc: defs:
    if b.length defs == 1 then merge loc defs
    else
      assert defs != [ ];
      throw "The option `${showOption loc}' is defined multiple times while it's expected to be unique.\n${message}\nDefinition values:${showDefs defs}\n${prioritySuggestion}";

  prioritySuggestion = ''
    Use `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.
  '';

  mergeEqualOption = loc: defs:
    if defs == [ ] then abort "This case should never happen."
    else if b.length defs == 1 then (b.head defs).value
    else
      (b.foldl' (first: def:
        if def.value != first.value then
          throw "The option `${showOption loc}' has conflicting definition values:${showDefs [ first def ]}\n${prioritySuggestion}"
        else first
      ) (b.head defs) (b.tail defs)).value;

  getValues = b.map (x: x.value);
  getFiles = b.map (x: x.file);

  optionAttrSetToDocList = optionAttrSetToDocList' [ ];
  optionAttrSetToDocList' = _: options:
    b.concatMap (opt:
      let
        name = showOption opt.loc;
        docOption = {
          loc = opt.loc;
          inherit name;
          description = opt.description or null;
          declarations = b.filter (x: x != unknownModule) opt.declarations;
          internal = opt.internal or false;
          visible = if (opt ? visible && opt.visible == "shallow") then true else opt.visible or true;
          readOnly = opt.readOnly or false;
          type = opt.type.description or "unspecified";
        }
        // lib.attrsets.optionalAttrs (opt ? example) { example = renderOptionValue opt.example; }
        // lib.attrsets.optionalAttrs (opt ? defaultText || opt ? default) {
          default = renderOptionValue (opt.defaultText or opt.default);
        }
        // lib.attrsets.optionalAttrs (opt ? relatedPackages && opt.relatedPackages != null) { inherit (opt) relatedPackages; };
        subOptions =
          let ss = opt.type.getSubOptions opt.loc; in
          if ss != { } then optionAttrSetToDocList' opt.loc ss else [ ];
        subOptionsVisible = docOption.visible && opt.visible or null != "shallow";
      in
      [ docOption ] ++ lib.lists.optionals subOptionsVisible subOptions
    ) (lib.attrsets.collect isOption options);

  scrubOptionValue = x:
    if lib.attrsets.isDerivation x then { type = "derivation"; drvPath = x.name; outPath = x.name; name = x.name; }
    else if b.isList x then b.map scrubOptionValue x
    else if b.isAttrs x then b.mapAttrs (n: v: scrubOptionValue v) (b.removeAttrs x [ "_args" ])
    else x;

  renderOptionValue = v:
    if v ? _type && v ? text then v
    else literalExpression (lib.generators.toPretty { multiline = true; allowPrettyValues = true; } v);

  literalExpression = text:
    if !b.isString text then throw "literalExpression expects a string."
    else { _type = "literalExpression"; inherit text; };
  # Old spellings, kept working silently: descriptions are Markdown already.
  literalExample = literalExpression;
  literalMD = text:
    if !b.isString text then throw "literalMD expects a string."
    else { _type = "literalMD"; inherit text; };
  mdDoc = x: x;

  showOption = parts:
    let
      part = p:
        if p == "*" || b.match "<.+>" p != null || b.match identRe p != null then p
        else escapeNixString p;
    in concatStringsSep "." (b.map part parts);

  showFiles = files: concatStringsSep " and " (b.map (f: "`${f}'") files);

  showDefs = defs: concatMapStrings (def:
    let
      pretty = b.tryEval (lib.generators.toPretty { }
        (lib.generators.withRecursion { depthLimit = 10; throwOnDepthLimit = false; } def.value));
      lines = b.filter (x: !b.isList x) (b.split "\n" pretty.value);
      shown = concatStringsSep "\n    " (take 5 lines ++ optional (b.length lines > 5) "...");
      rendered =
        if !pretty.success then "<unevaluable>"
        else if b.length lines > 1 then ":\n    " + shown
        else ": " + shown;
    in "\n- In `${def.file}'${rendered}") defs;

  showOptionWithDefLocs = opt: ''
    ${showOption opt.loc}, with values defined in:
    ${concatMapStrings (f: "  - ${f}\n") opt.files}
  '';

  unknownModule = "<unknown-file>";
}
