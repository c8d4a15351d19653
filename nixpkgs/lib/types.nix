# Option types with their check and merge rules (lib.types).
{ lib }:
let
  b = builtins;
  inherit (b) attrNames concatLists elemAt filter foldl' head isAttrs isBool isFloat isInt
    isList isString length map mapAttrs tail;
  inherit (lib.trivial) isFunction boolToString flip throwIf;
  inherit (lib.lists) imap1 last toList count;
  inherit (lib.attrsets) filterAttrs optionalAttrs zipAttrsWith isDerivation toDerivation;
  inherit (lib.options) getFiles getValues mergeDefaultOption mergeEqualOption mergeOneOption
    mergeUniqueOption showFiles showDefs showOption;
  inherit (lib.strings) concatMapStringsSep concatStringsSep escapeNixString hasInfix isStringLike isStorePath;
  modules = lib.modules;

  posSuffix = v: name:
    let pos = b.unsafeGetAttrPos name v; in
    if pos == null then "" else " at ${pos.file}:${toString pos.line}:${toString pos.column}";

  wrappedDeprecation = payload: { loc }:
    lib.trivial.warn ''
      The deprecated `${lib.strings.optionalString (loc != null) "type."}functor.wrapped` attribute ${lib.strings.optionalString (loc != null) "of the option `${showOption loc}` "}is accessed, use `${lib.strings.optionalString (loc != null) "type."}nestedTypes.elemType` instead.
    '' payload.elemType;

  # Functor for types parameterised by an element type.
  elemFunctor = name: { elemType, ... }@payload: {
    inherit name payload;
    wrappedDeprecationMessage = wrappedDeprecation payload;
    type = self.${name};
    binOp = x: y:
      let merged = x.elemType.typeMerge y.elemType.functor; in
      if merged == null then null else { elemType = merged; };
  };

  defsError = check: loc: defs:
    let bad = filter (def: !check def.value) defs; in
    if bad == [ ] then null else { message = "Definition values: ${showDefs bad}"; };

  # A `check` that declares itself consistent with a v2 merge.
  coherentCheck = f: { __functor = _: f; isV2MergeCoherent = true; };

  # A merge with the v2 interface; the plain call returns only the value.
  v2Merge = v2: {
    __functor = self: loc: defs: (self.v2 { inherit loc defs; }).value;
    inherit v2;
  };

  # Run a nested type's merge, v2 or not, giving { headError, value, valueMeta }.
  runMerge = loc: t: defs:
    if t.merge ? v2 then modules.checkV2MergeCoherence loc t (t.merge.v2 { inherit loc defs; })
    else {
      value = t.merge loc defs;
      headError = defsError t.check loc defs;
      valueMeta = { };
    };

  self = rec {
    isType = type: x: (x._type or "") == type;
    setType = typeName: value: value // { _type = typeName; };

    defaultTypeMerge = f: f':
      let
        payloadMerged = f.binOp f.payload f'.payload;
        hasPayload = assert (f'.payload != null) == (f.payload != null); f.payload != null;
        hasWrapped' = s: s ? wrapped && s.wrapped != null;
        hasWrapped = assert hasWrapped' f' == hasWrapped' f; hasWrapped' f;
      in
      if f.name != f'.name then null
      else if hasPayload then
        (if f ? wrappedDeprecationMessage then (if payloadMerged == null then null else f.type payloadMerged)
        else if hasWrapped then throw ''
          Type ${f.name} defines both `functor.payload` and `functor.wrapped` at the same time, which is not supported.

          Use either `functor.payload` or `functor.wrapped` but not both.

          If your code worked before remove either `functor.wrapped` or `functor.payload` from the type definition.
        ''
        else if payloadMerged == null then null else f.type payloadMerged)
      else if hasWrapped then
        (let w = f.wrapped.typeMerge f'.wrapped.functor; in if w == null then null else f.type w)
      else f.type;

    defaultFunctor = name: {
      inherit name;
      type = self.${name} or null;
      wrapped = null;
      payload = null;
      binOp = x: y: null;
    };

    isOptionType = isType "option-type";

    mkOptionType =
      { name, description ? null, descriptionClass ? null, check ? (x: true)
      , merge ? mergeDefaultOption, emptyValue ? { }, getSubOptions ? prefix: { }
      , getSubModules ? null, substSubModules ? m: null, typeMerge ? defaultTypeMerge functor
      , functor ? defaultFunctor name, deprecationMessage ? null, nestedTypes ? { } }:
      {
        _type = "option-type";
        inherit name check merge emptyValue getSubOptions getSubModules substSubModules
          typeMerge deprecationMessage nestedTypes descriptionClass;
        functor =
          if functor ? wrappedDeprecationMessage then functor // { wrapped = functor.wrappedDeprecationMessage { loc = null; }; }
          else functor;
        description = if description == null then name else description;
      };

    optionDescriptionPhrase = unparenthesize: t:
      if unparenthesize (t.descriptionClass or null) then t.description else "(${t.description})";

    noCheckForDocsModule = {
      config._module.check = lib.modules.mkForce false;
      _file = "<built-in module that disables checks for the purpose of documentation generation>";
    };

    mergeTypes = x: y:
      assert isOptionType x && isOptionType y;
      let m = x.typeMerge y.functor; in
      if m == null then setType "merge-error" { error = "Cannot merge types"; } else m;

    # ------------------------------------------------------------ basic types

    raw = mkOptionType {
      name = "raw";
      description = "raw value";
      descriptionClass = "noun";
      check = v: true;
      merge = mergeOneOption;
    };

    anything = mkOptionType {
      name = "anything";
      description = "anything";
      descriptionClass = "noun";
      check = v: true;
      merge = loc: defs:
        let
          kind = v: if isAttrs v && isStringLike v then "stringCoercibleSet" else b.typeOf v;
          common = foldl' (k: def:
            if kind def.value == k then k
            else throw "The option `${showOption loc}' has conflicting option types in ${showFiles (getFiles defs)}"
          ) (kind (head defs).value) defs;
          mergers = {
            set = (attrsOf anything).merge;
            stringCoercibleSet = mergeOneOption;
            lambda = loc: defs: arg:
              anything.merge (loc ++ [ "<function body>" ]) (map (def: { file = def.file; value = def.value arg; }) defs);
          };
        in (mergers.${common} or mergeEqualOption) loc defs;
    };

    unspecified = mkOptionType {
      name = "unspecified";
      description = "unspecified value";
      descriptionClass = "noun";
    };

    bool = mkOptionType {
      name = "bool";
      description = "boolean";
      descriptionClass = "noun";
      check = isBool;
      merge = mergeEqualOption;
    };

    boolByOr = mkOptionType {
      name = "boolByOr";
      description = "boolean (merged using or)";
      descriptionClass = "noun";
      check = isBool;
      merge = loc: defs: foldl' (acc: def: acc || def.value) false defs;
    };

    int = mkOptionType {
      name = "int";
      description = "signed integer";
      descriptionClass = "noun";
      check = isInt;
      merge = mergeEqualOption;
    };

    ints =
      let
        rangeText = lo: hi: "${toString lo} and ${toString hi} (both inclusive)";
        between = lo: hi:
          assert lib.asserts.assertMsg (lo <= hi) "ints.between: lowest must be smaller than highest";
          addCheck int (x: x >= lo && x <= hi) // {
            name = "intBetween";
            description = "integer between ${rangeText lo hi}";
          };
        ranged = lo: hi: name: start: between lo hi // {
          inherit name;
          description = start + "; between ${rangeText lo hi}";
        };
        unsign = bits: size: ranged 0 (size - 1) "unsignedInt${toString bits}" "${toString bits} bit unsigned integer";
        sign = bits: size: ranged (0 - (size / 2)) (size / 2 - 1) "signedInt${toString bits}" "${toString bits} bit signed integer";
      in {
        inherit between;
        unsigned = addCheck int (x: x >= 0) // {
          name = "unsignedInt";
          description = "unsigned integer, meaning >=0";
          descriptionClass = "nonRestrictiveClause";
        };
        positive = addCheck int (x: x > 0) // {
          name = "positiveInt";
          description = "positive integer, meaning >0";
          descriptionClass = "nonRestrictiveClause";
        };
        u8 = unsign 8 256;
        u16 = unsign 16 65536;
        u32 = unsign 32 4294967296;
        s8 = sign 8 256;
        s16 = sign 16 65536;
        s32 = sign 32 4294967296;
      };

    port = ints.u16;

    float = mkOptionType {
      name = "float";
      description = "floating point number";
      descriptionClass = "noun";
      check = isFloat;
      merge = mergeEqualOption;
    };

    number = either int float;

    numbers =
      let rangeText = lo: hi: "${b.toJSON lo} and ${b.toJSON hi} (both inclusive)"; in {
        between = lo: hi:
          assert lib.asserts.assertMsg (lo <= hi) "numbers.between: lowest must be smaller than highest";
          addCheck number (x: x >= lo && x <= hi) // {
            name = "numberBetween";
            description = "integer or floating point number between ${rangeText lo hi}";
          };
        nonnegative = addCheck number (x: x >= 0) // {
          name = "numberNonnegative";
          description = "nonnegative integer or floating point number, meaning >=0";
          descriptionClass = "nonRestrictiveClause";
        };
        positive = addCheck number (x: x > 0) // {
          name = "numberPositive";
          description = "positive integer or floating point number, meaning >0";
          descriptionClass = "nonRestrictiveClause";
        };
      };

    str = mkOptionType {
      name = "str";
      description = "string";
      descriptionClass = "noun";
      check = isString;
      merge = mergeEqualOption;
    };

    nonEmptyStr = mkOptionType {
      name = "nonEmptyStr";
      description = "non-empty string";
      descriptionClass = "noun";
      check = x: str.check x && b.match "[ \t\n]*" x == null;
      inherit (str) merge;
    };

    singleLineStr =
      let base = strMatching "[^\n\r]*\n?"; in
      mkOptionType {
        name = "singleLineStr";
        description = "(optionally newline-terminated) single-line string";
        descriptionClass = "noun";
        inherit (base) check;
        merge = loc: defs: lib.strings.removeSuffix "\n" (base.merge loc defs);
      };

    strMatching = pattern: mkOptionType {
      name = "strMatching ${escapeNixString pattern}";
      description = "string matching the pattern ${pattern}";
      descriptionClass = "noun";
      check = x: str.check x && b.match pattern x != null;
      inherit (str) merge;
      functor = defaultFunctor "strMatching" // {
        type = payload: strMatching payload.pattern;
        payload = { inherit pattern; };
        binOp = l: r: if l == r then l else null;
      };
    };

    separatedString = sep: mkOptionType rec {
      name = "separatedString";
      description = "strings concatenated with ${b.toJSON sep}";
      descriptionClass = "noun";
      check = isString;
      merge = loc: defs: concatStringsSep sep (getValues defs);
      functor = defaultFunctor name // {
        payload = { inherit sep; };
        type = payload: separatedString payload.sep;
        binOp = l: r: if l.sep == r.sep then { inherit (l) sep; } else null;
      };
    };

    lines = separatedString "\n";
    commas = separatedString ",";
    envVar = separatedString ":";
    string = separatedString "" // { name = "string"; deprecationMessage = "See https://github.com/NixOS/nixpkgs/pull/66346 for better alternative types."; };

    passwdEntry = entryType:
      addCheck entryType (s: !(hasInfix ":" s || hasInfix "\n" s)) // {
        name = "passwdEntry ${entryType.name}";
        description = "${optionDescriptionPhrase (c: c == "noun") entryType}, not containing newlines or colons";
        descriptionClass = "nonRestrictiveClause";
      };

    attrs = mkOptionType {
      name = "attrs";
      description = "attribute set";
      check = isAttrs;
      merge = loc: foldl' (acc: def: acc // def.value) { };
      emptyValue = { value = { }; };
    };

    fileset = mkOptionType {
      name = "fileset";
      description = "fileset";
      descriptionClass = "noun";
      check = lib.fileset.isFileset;
      merge = loc: defs: lib.fileset.unions (map (x: x.value) defs);
      emptyValue.value = lib.fileset.empty;
    };

    package = mkOptionType {
      name = "package";
      descriptionClass = "noun";
      check = x: isDerivation x || isStorePath x;
      merge = loc: defs:
        let res = mergeOneOption loc defs; in
        if b.isPath res || (isString res && !b.hasContext res) then toDerivation res else res;
    };

    shellPackage = package // { check = x: isDerivation x && x ? shellPath; };

    pkgs = addCheck (unique { message = "A Nixpkgs pkgs set can not be merged with another pkgs set."; } attrs // {
      name = "pkgs";
      descriptionClass = "noun";
      description = "Nixpkgs package set";
    }) (x: (x._type or null) == "pkgs");

    path = pathWith { absolute = true; };
    pathInStore = pathWith { inStore = true; };
    externalPath = pathWith { absolute = true; inStore = false; };

    pathWith = { inStore ? null, absolute ? null }:
      throwIf (inStore != null && absolute != null && inStore && !absolute)
        "In pathWith, inStore means the path must be absolute"
        mkOptionType {
          name = "path";
          description =
            (if absolute == null then "" else if absolute then "absolute " else "relative ")
            + "path"
            + (if inStore == null then "" else if inStore then " in the Nix store" else " not in the Nix store");
          descriptionClass = "noun";
          merge = mergeEqualOption;
          functor = defaultFunctor "path" // {
            type = pathWith;
            payload = { inherit inStore absolute; };
            binOp = l: r: if l == r then l else null;
          };
          check = x:
            let
              s = toString x;
              isAbs = b.substring 0 1 s == "/";
              inStorePath = lib.path.hasStorePathPrefix (if b.isPath x then x else /. + b.unsafeDiscardStringContext x);
              rightKind = if inStore == null || inStore then isStringLike x else isString x;
            in
            rightKind
            && (inStore == null || (isAbs && inStore == inStorePath) || (!isAbs && !inStore))
            && (absolute == null || absolute == isAbs);
        };

    # ------------------------------------------------------------ compound types

    listOf = elemType: mkOptionType rec {
      name = "listOf";
      description = "list of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = coherentCheck isList;
      merge = v2Merge ({ loc, defs }:
        let
          evals = filter (x: x.optionalValue ? value) (concatLists (imap1 (n: def:
            imap1 (m: item:
              modules.mergeDefinitions (loc ++ [ "[definition ${toString n}-entry ${toString m}]" ]) elemType [
                { inherit (def) file; value = item; }
              ]) def.value
          ) defs));
        in {
          headError = defsError check loc defs;
          value = map (x: x.optionalValue.value or x.mergedValue) evals;
          valueMeta.list = map (x: x.checkedAndMerged.valueMeta) evals;
        });
      emptyValue = { value = [ ]; };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: listOf (elemType.substSubModules m);
      functor = elemFunctor name { inherit elemType; } // { type = payload: listOf payload.elemType; };
      nestedTypes.elemType = elemType;
    };

    nonEmptyListOf = elemType:
      let l = addCheck (listOf elemType) (x: x != [ ]); in
      l // {
        description = "non-empty ${optionDescriptionPhrase (c: c == "noun") l}";
        emptyValue = { };
        substSubModules = m: nonEmptyListOf (elemType.substSubModules m);
      };

    attrsOf = elemType: attrsWith { inherit elemType; };
    lazyAttrsOf = elemType: attrsWith { inherit elemType; lazy = true; };

    attrsWith =
      let
        pushPositions = map (def: mapAttrs (n: v: { inherit (def) file; value = v; }) def.value);
        binOp = l: r:
          let
            elemType = l.elemType.typeMerge r.elemType.functor;
            lazy = if l.lazy == r.lazy then l.lazy else null;
            placeholder =
              if l.placeholder == r.placeholder then l.placeholder
              else if l.placeholder == "name" then r.placeholder
              else if r.placeholder == "name" then l.placeholder
              else null;
          in
          if elemType == null || lazy == null || placeholder == null then null
          else { inherit elemType lazy placeholder; };
      in
      { elemType, lazy ? false, placeholder ? "name" }:
      mkOptionType rec {
        name = if lazy then "lazyAttrsOf" else "attrsOf";
        description = (if lazy then "lazy attribute set" else "attribute set")
          + " of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
        descriptionClass = "composite";
        check = coherentCheck isAttrs;
        merge = v2Merge ({ loc, defs }:
          let
            all = zipAttrsWith (n: defs: modules.mergeDefinitions (loc ++ [ n ]) elemType defs) (pushPositions defs);
            evals = if lazy then all else filterAttrs (n: v: v.optionalValue ? value) all;
          in {
            headError = defsError check loc defs;
            value = mapAttrs (n: v:
              if lazy then v.optionalValue.value or elemType.emptyValue.value or v.mergedValue
              else v.optionalValue.value) evals;
            valueMeta.attrs = mapAttrs (n: v: v.checkedAndMerged.valueMeta) evals;
          });
        emptyValue = { value = { }; };
        getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<${placeholder}>" ]);
        getSubModules = elemType.getSubModules;
        substSubModules = m: attrsWith { elemType = elemType.substSubModules m; inherit lazy placeholder; };
        functor = elemFunctor "attrsWith" { inherit elemType lazy placeholder; } // { inherit binOp; };
        nestedTypes.elemType = elemType;
      };

    loaOf = elemType: attrsOf elemType // {
      name = "loaOf";
      deprecationMessage = "Mixing lists with attribute values is no longer"
        + " possible; please use `types.attrsOf` instead. See"
        + " https://github.com/NixOS/nixpkgs/issues/1800 for the motivation.";
      nestedTypes.elemType = elemType;
    };

    attrTag = tags_:
      let
        tags = mapAttrs (n: opt:
          b.addErrorContext "while checking that attrTag tag ${lib.strings.escapeNixIdentifier n} is an option with a type${posSuffix tags_ n}" (
            throwIf (opt._type or null != "option")
              "In attrTag, each tag value must be an option, but tag ${lib.strings.escapeNixIdentifier n} ${
                if opt ? _type then
                  (if opt._type == "option-type" then "was a bare type, not wrapped in mkOption." else "was of type ${escapeNixString opt._type}.")
                else "was not."}"
              opt // {
                declarations = opt.declarations or (let pos = b.unsafeGetAttrPos n tags_; in if pos == null then [ ] else [ pos.file ]);
                declarationPositions = opt.declarationPositions or (let pos = b.unsafeGetAttrPos n tags_; in if pos == null then [ ] else [ pos ]);
              })
        ) tags_;
        choices = concatMapStringsSep ", " lib.strings.escapeNixIdentifier (attrNames tags);
      in
      mkOptionType {
        name = "attrTag";
        description = "attribute-tagged union with choices: ${choices}";
        descriptionClass = "noun";
        getSubOptions = prefix: mapAttrs (tag: opt: opt // { loc = prefix ++ [ tag ]; }) tags;
        check = v: isAttrs v && length (attrNames v) == 1 && tags ? ${head (attrNames v)};
        merge = loc: defs:
          let
            choice = head (attrNames (head defs).value);
            valueDefs = map (def:
              assert length (attrNames def.value) == 1;
              if head (attrNames def.value) != choice then
                throw "The option `${showOption loc}` is defined both as `${choice}` and `${head (attrNames def.value)}`, in ${showFiles (getFiles defs)}."
              else { inherit (def) file; value = def.value.${choice}; }
            ) defs;
          in
          if tags ? ${choice} then { ${choice} = (modules.evalOptionValue (loc ++ [ choice ]) tags.${choice} valueDefs).value; }
          else throw "The option `${showOption loc}` is defined as ${lib.strings.escapeNixIdentifier choice}, but ${lib.strings.escapeNixIdentifier choice} is not among the valid choices (${choices}). Value ${choice} was defined in ${showFiles (getFiles defs)}.";
        nestedTypes = tags;
        functor = defaultFunctor "attrTag" // {
          type = { tags, ... }: attrTag tags;
          payload = { inherit tags; };
          binOp =
            let wrap = option: { options = option; _file = "<attrTag {...}>"; pos = null; }; in
            l: r: {
              tags = l.tags // r.tags // mapAttrs (tag: rOpt:
                modules.mergeOptionDecls [ tag ] [ (wrap l.tags.${tag}) (wrap rOpt) ] // {
                  declarations = l.tags.${tag}.declarations ++ rOpt.declarations;
                  declarationPositions = l.tags.${tag}.declarationPositions ++ rOpt.declarationPositions;
                }) (b.intersectAttrs l.tags r.tags);
            };
        };
      };

    uniq = unique { message = ""; };

    unique = { message }: type: mkOptionType rec {
      name = "unique";
      inherit (type) description descriptionClass check;
      merge = mergeUniqueOption { inherit message; inherit (type) merge; };
      emptyValue = type.emptyValue;
      getSubOptions = type.getSubOptions;
      getSubModules = type.getSubModules;
      substSubModules = m: uniq (type.substSubModules m);
      functor = elemFunctor name { elemType = type; } // { type = payload: unique { inherit message; } payload.elemType; };
      nestedTypes.elemType = type;
    };

    nullOr = elemType: mkOptionType rec {
      name = "nullOr";
      description = "null or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") elemType}";
      descriptionClass = "conjunction";
      check = x: x == null || elemType.check x;
      merge = loc: defs:
        let nulls = count (def: def.value == null) defs; in
        if nulls == length defs then null
        else if nulls != 0 then throw "The option `${showOption loc}` is defined both null and not null, in ${showFiles (getFiles defs)}."
        else elemType.merge loc defs;
      emptyValue = { value = null; };
      getSubOptions = elemType.getSubOptions;
      getSubModules = elemType.getSubModules;
      substSubModules = m: nullOr (elemType.substSubModules m);
      functor = elemFunctor name { inherit elemType; } // { type = payload: nullOr payload.elemType; };
      nestedTypes.elemType = elemType;
    };

    functionTo = elemType: mkOptionType {
      name = "functionTo";
      description = "function that evaluates to a(n) ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
      descriptionClass = "composite";
      check = isFunction;
      merge = loc: defs: {
        __functionArgs = zipAttrsWith (_: b.all (x: x)) (map (fn: lib.trivial.functionArgs fn.value) defs);
        __functor = _: callerArgs:
          (modules.mergeDefinitions (loc ++ [ "<function body>" ]) elemType
            (map (fn: { inherit (fn) file; value = fn.value callerArgs; }) defs)).mergedValue;
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<function body>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: functionTo (elemType.substSubModules m);
      functor = elemFunctor "functionTo" { inherit elemType; } // { type = payload: functionTo payload.elemType; };
      nestedTypes.elemType = elemType;
    };

    submodule = ms: submoduleWith { shorthandOnlyDefinesConfig = true; modules = toList ms; };
    submoduleOf = submodule;

    deferredModule = deferredModuleWith { };

    deferredModuleWith = attrs@{ staticModules ? [ ] }: mkOptionType {
      name = "deferredModule";
      description = "module";
      descriptionClass = "noun";
      check = x: isAttrs x || isFunction x || path.check x;
      merge = loc: defs: {
        imports = staticModules ++ map (def: modules.setDefaultModuleLocation "${def.file}, via option ${showOption loc}" def.value) defs;
      };
      inherit (submoduleWith { modules = staticModules; }) getSubOptions getSubModules;
      substSubModules = m: deferredModuleWith (attrs // { staticModules = m; });
      functor = defaultFunctor "deferredModuleWith" // {
        type = deferredModuleWith;
        payload = { inherit staticModules; };
        binOp = l: r: { staticModules = l.staticModules ++ r.staticModules; };
      };
    };

    optionType = mkOptionType {
      name = "optionType";
      description = "optionType";
      descriptionClass = "noun";
      check = v: v._type or null == "option-type";
      merge = loc: defs:
        if length defs == 1 then (head defs).value
        else
          let
            decls = map ({ value, file }: { _file = file; options = lib.options.mkOption { type = value; }; }) defs;
          in (modules.fixupOptionType loc (modules.mergeOptionDecls loc (map (d: d // { pos = null; }) decls))).type;
    };

    optionDeclaration = mkOptionType {
      name = "optionDeclaration";
      description = "option declaration";
      descriptionClass = "noun";
      check = x: lib.options.isOption x && !(x ? loc);
      merge = mergeOneOption;
    };

    submoduleWith = { modules, specialArgs ? { }, shorthandOnlyDefinesConfig ? false, description ? null, class ? null }@attrs:
      let
        toModules = defs: map ({ value, file }:
          if isAttrs value && shorthandOnlyDefinesConfig then { _file = file; config = value; }
          else { _file = file; imports = [ value ]; }
        ) defs;

        base = lib.modules.evalModules {
          inherit class specialArgs;
          modules = [ { _module.args.name = lib.modules.mkOptionDefault "‹name›"; } ] ++ modules;
        };

        freeformType = base._module.freeformType;
        name = "submodule";
        check = coherentCheck (x: isAttrs x || isFunction x || path.check x);
      in
      mkOptionType {
        inherit name check;
        description =
          if description != null then description
          else
            let docs = base.extendModules { modules = [ noCheckForDocsModule ]; }; in
            if docs._module.freeformType ? description then
              "open ${name} of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") docs._module.freeformType}"
            else name;
        merge = v2Merge ({ loc, defs }:
          let
            configuration = base.extendModules {
              modules = [ { _module.args.name = last loc; } ] ++ toModules defs;
              prefix = loc;
            };
          in {
            headError = defsError check loc defs;
            value = configuration.config;
            valueMeta = { inherit configuration; };
          });
        emptyValue = { value = base.config; };
        getSubOptions = prefix:
          let
            docs = base.extendModules { inherit prefix; modules = [ noCheckForDocsModule ]; };
            ff = docs._module.freeformType;
          in
          docs.options // optionalAttrs (ff != null) { _freeformOptions = ff.getSubOptions prefix; };
        getSubModules = modules;
        substSubModules = m: submoduleWith (attrs // { modules = m; });
        nestedTypes = optionalAttrs (freeformType != null) { inherit freeformType; };
        functor = defaultFunctor name // {
          type = submoduleWith;
          payload = { inherit modules class specialArgs shorthandOnlyDefinesConfig description; };
          binOp = l: r: {
            class =
              if l.class or null == null then r.class or null
              else if r.class or null == null then l.class or null
              else if l.class or null == r.class then l.class or null
              else throw "A submoduleWith option is declared multiple times with conflicting class values \"${toString l.class}\" and \"${toString r.class}\".";
            modules = l.modules ++ r.modules;
            specialArgs =
              let common = b.intersectAttrs l.specialArgs r.specialArgs; in
              if common == { } then l.specialArgs // r.specialArgs
              else throw "A submoduleWith option is declared multiple times with the same specialArgs \"${toString (attrNames common)}\"";
            shorthandOnlyDefinesConfig =
              if l.shorthandOnlyDefinesConfig == null then r.shorthandOnlyDefinesConfig
              else if r.shorthandOnlyDefinesConfig == null then l.shorthandOnlyDefinesConfig
              else if l.shorthandOnlyDefinesConfig == r.shorthandOnlyDefinesConfig then l.shorthandOnlyDefinesConfig
              else throw "A submoduleWith option is declared multiple times with conflicting shorthandOnlyDefinesConfig values";
            description =
              if l.description == null then r.description
              else if r.description == null then l.description
              else if l.description == r.description then l.description
              else throw "A submoduleWith option is declared multiple times with conflicting descriptions";
          };
        };
      };

    enum = values:
      let
        show = v:
          if isString v then ''"${v}"''
          else if isInt v then toString v
          else if isBool v then boolToString v
          else "<${b.typeOf v}>";
      in
      mkOptionType rec {
        name = "enum";
        description =
          if values == [ ] then "impossible (empty enum)"
          else if length values == 1 then "value ${show (head values)} (singular enum)"
          else "one of ${concatMapStringsSep ", " show values}";
        descriptionClass = if length values < 2 then "noun" else "conjunction";
        check = flip b.elem values;
        merge = mergeEqualOption;
        functor = defaultFunctor name // {
          payload = { inherit values; };
          type = payload: enum payload.values;
          binOp = l: r: { values = lib.lists.unique (l.values ++ r.values); };
        };
      };

    either = t1: t2: mkOptionType rec {
      name = "either";
      description =
        if t1.descriptionClass or null == "nonRestrictiveClause" then
          "${t1.description}, or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") t2}"
        else
          "${optionDescriptionPhrase (c: c == "noun" || c == "conjunction") t1} or ${optionDescriptionPhrase (c: c == "noun" || c == "conjunction" || c == "composite") t2}";
      descriptionClass = "conjunction";
      check = coherentCheck (x: t1.check x || t2.check x);
      merge = v2Merge ({ loc, defs }:
        let
          r1 = runMerge loc t1 defs;
          r2 = runMerge loc t2 defs;
        in
        if r1.headError == null then r1
        else if r2.headError == null then r2
        else rec {
          valueMeta = { inherit headError; };
          headError = {
            message = "The option `${showOption loc}` is neither a value of type `${t1.description}` nor `${t2.description}`, Definition values: ${showDefs defs}";
          };
          value = lib.trivial.warn ''
            One or more definitions did not pass the type-check of the 'either' type.
            ${headError.message}
            If `either`, `oneOf` or similar is used in freeformType, ensure that it is preceded by an 'attrsOf' such as: `freeformType = types.attrsOf (types.either t1 t2)`.
            Otherwise consider using the correct type for the option `${showOption loc}`.  This will be an error in Nixpkgs 26.05.
          '' (mergeOneOption loc defs);
        });
      typeMerge = f':
        let
          m1 = t1.typeMerge (elemAt f'.payload.elemType 0).functor;
          m2 = t2.typeMerge (elemAt f'.payload.elemType 1).functor;
        in
        if name == f'.name && m1 != null && m2 != null then functor.type m1 m2 else null;
      functor = elemFunctor name { elemType = [ t1 t2 ]; };
      nestedTypes.left = t1;
      nestedTypes.right = t2;
    };

    oneOf = ts:
      let h = if ts == [ ] then throw "types.oneOf needs to get at least one type in its argument" else head ts; in
      foldl' either h (tail ts);

    coercedTo = coercedType: coerceFunc: finalType:
      assert lib.asserts.assertMsg (coercedType.getSubModules == null)
        "coercedTo: coercedType must not have submodules (it’s a ${coercedType.description})";
      mkOptionType rec {
        name = "coercedTo";
        description = "${optionDescriptionPhrase (c: c == "noun") finalType} or ${optionDescriptionPhrase (c: c == "noun") coercedType} convertible to it";
        check = coherentCheck (x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x);
        merge = v2Merge ({ loc, defs }:
          let
            finalDefs = map (def: def // {
              value =
                if coercedType.merge ? v2 then
                  (let r = modules.checkV2MergeCoherence loc coercedType (coercedType.merge.v2 { inherit loc; defs = [ def ]; }); in
                  if r.headError == null then coerceFunc def.value else def.value)
                else if coercedType.check def.value then coerceFunc def.value
                else def.value;
            }) defs;
          in
          if finalType.merge ? v2 then modules.checkV2MergeCoherence loc finalType (finalType.merge.v2 { inherit loc; defs = finalDefs; })
          else {
            value = finalType.merge loc finalDefs;
            valueMeta = { };
            headError = defsError check loc defs;
          });
        emptyValue = finalType.emptyValue;
        getSubOptions = finalType.getSubOptions;
        getSubModules = finalType.getSubModules;
        substSubModules = m: coercedTo coercedType coerceFunc (finalType.substSubModules m);
        typeMerge = t: null;
        functor = defaultFunctor name // { wrappedDeprecationMessage = wrappedDeprecation { elemType = finalType; }; };
        nestedTypes.coercedType = coercedType;
        nestedTypes.finalType = finalType;
      };

    addCheck = elemType: check:
      if elemType.merge ? v2 then
        elemType // {
          check = coherentCheck (x: elemType.check x && check x);
          merge = v2Merge ({ loc, defs }:
            let
              orig = modules.checkV2MergeCoherence loc elemType (elemType.merge.v2 { inherit loc defs; });
            in orig // {
              headError = if orig.headError != null then orig.headError else defsError check loc defs;
            });
        }
      else elemType // { check = x: elemType.check x && check x; };

    # An ordered list of single-key attribute sets ("attribute list"). Definitions
    # are lists of `{ name = value; }` or attribute sets; entries are ordered by
    # mkOrder (on the element or on the value), and mkOverride applies per key.
    attrListOf = elemType: attrListWith { inherit elemType; };

    attrListWith = { elemType, asAttrs ? false, mergeAttrValues ? name: values: values }:
      mkOptionType rec {
        name = "attrListOf";
        description = "attribute list of ${optionDescriptionPhrase (c: c == "noun" || c == "composite") elemType}";
        descriptionClass = "composite";
        check = coherentCheck (v: isList v || isAttrs v);
        merge = v2Merge ({ loc, defs }:
          let
            typeOf' = v: if isAttrs v then v._type or null else null;
            shapeError = msg: throw "A definition for option `${showOption loc}' is not of type `${description}'. ${msg}";

            # Element wrappers (mkOrder, mkIf) around a `{ name = value; }` entry.
            peelElement = e: acc:
              let t = typeOf' e; in
              if t == "order" then peelElement e.content (acc // { order = if acc.order == null then e.priority else acc.order; })
              else if t == "if" then (if e.condition then peelElement e.content acc else null)
              else acc // { elem = e; };

            entriesOf = def:
              let defOrder = def.priority or null; in
              if isList def.value then
                concatLists (map (e:
                  let p = peelElement e { order = null; }; in
                  if p == null then [ ]
                  else if !(isAttrs p.elem) then shapeError "Each list element must be an attribute set, but got ${b.typeOf p.elem}"
                  else if length (attrNames p.elem) != 1 then shapeError "Each list element must be a single-key attribute set, but got ${toString (length (attrNames p.elem))} keys"
                  else
                    let n = head (attrNames p.elem); in
                    [ { name = n; raw = p.elem.${n}; inherit (def) file; order = if p.order != null then p.order else defOrder; } ]
                ) def.value)
              else
                map (n: { name = n; raw = def.value.${n}; inherit (def) file; order = defOrder; }) (attrNames def.value);

            # Outer value wrappers, up to the first mkOverride (whose content stays unforced).
            peelOuter = v: acc:
              let t = typeOf' v; in
              if t == "order" then peelOuter v.content (acc // { order = if acc.order == null then v.priority else acc.order; })
              else if t == "if" then (if v.condition then peelOuter v.content acc else null)
              else if t == "override" then acc // { prio = v.priority; rest = v.content; }
              else acc // { prio = modules.defaultOverridePriority; rest = v; };

            peelInner = v: acc:
              let t = typeOf' v; in
              if t == "order" then peelInner v.content (acc // { order = if acc.order == null then v.priority else acc.order; })
              else if t == "if" then (if v.condition then peelInner v.content acc else null)
              else if t == "override" then peelInner v.content acc
              else acc // { value = v; };

            outer = concatLists (map (e:
              let p = peelOuter e.raw { order = e.order; }; in
              if p == null then [ ] else [ (e // p) ]
            ) (concatLists (map entriesOf defs)));

            bestPrio = foldl' (acc: e:
              acc // { ${e.name} = if acc ? ${e.name} && acc.${e.name} < e.prio then acc.${e.name} else e.prio; }
            ) { } outer;

            survivors = concatLists (map (e:
              if e.prio != bestPrio.${e.name} then [ ]
              else
                let p = peelInner e.rest { inherit (e) order; }; in
                if p == null then [ ]
                else [ {
                  inherit (e) name file;
                  order = if p.order == null then modules.defaultOrderPriority else p.order;
                  merged = modules.mergeDefinitions (loc ++ [ e.name ]) elemType [ { inherit (e) file; inherit (p) value; } ];
                } ]
            ) outer);

            sorted = b.sort (x: y: x.order < y.order) (filter (e: e.merged.optionalValue ? value) survivors);
            asList = map (e: { ${e.name} = e.merged.mergedValue; }) sorted;
            grouped = zipAttrsWith mergeAttrValues asList;
          in {
            headError = defsError check loc defs;
            value = if asAttrs then grouped else asList;
            valueMeta = {
              attrList = map (e: e.merged.checkedAndMerged.valueMeta) sorted;
              definitions = map (e: modules.mkDefinition {
                inherit (e) file;
                value = modules.mkOrder e.order { ${e.name} = e.merged.mergedValue; };
              }) sorted;
            } // optionalAttrs asAttrs { attrListValue = asList; };
          });
        emptyValue = { value = if asAttrs then { } else [ ]; };
        getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<name>" ]);
        getSubModules = elemType.getSubModules;
        substSubModules = m: attrListWith { elemType = elemType.substSubModules m; inherit asAttrs mergeAttrValues; };
        typeMerge = t: null;
        nestedTypes.elemType = elemType;
      };

    # Values that can be written as JSON-like data: null (optional), bools,
    # numbers, strings, paths, lists and attribute sets of such values.
    serializableValueWith = { typeName, nullable ? true }:
      let
        leaf = v: isBool v || isInt v || isFloat v || isString v || b.isPath v;
        checkAll = loc: defs:
          let bad = filter (d: !self'.check d.value) defs; in
          if bad == [ ] then (head defs).value
          else throw "A definition for option `${showOption loc}' is not of type `${typeName} value'. Definition values:${showDefs bad}";
        self' = mkOptionType {
          name = "serializableValue";
          description = "${typeName} value";
          descriptionClass = "noun";
          check = v: (nullable && v == null) || leaf v || isList v || isAttrs v;
          merge = loc: defs:
            let v = (head defs).value; in
            if length defs == 1 then
              (if isAttrs v then mapAttrs (n: x: self'.merge (loc ++ [ n ]) [ { inherit (head defs) file; value = x; } ]) (checkAll loc defs)
              else if isList v then map (x: self'.merge (loc ++ [ "*" ]) [ { inherit (head defs) file; value = x; } ]) (checkAll loc defs)
              else checkAll loc defs)
            else if b.all (d: isAttrs d.value) defs then
              (attrsOf self').merge loc defs
            else mergeEqualOption loc (map (d: d // { value = checkAll loc [ d ]; }) defs);
          functor = defaultFunctor "serializableValueWith" // {
            type = serializableValueWith;
            payload = { inherit typeName nullable; };
            binOp = l: r: if l == r then l else null;
          };
        };
      in self';

    json = serializableValueWith { typeName = "JSON"; };
    toml = serializableValueWith { typeName = "TOML"; nullable = false; };
  };
in
self
