# The module system: evalModules, definitions with properties (mkIf, mkMerge,
# mkOverride, mkOrder), option merging and the rename helpers (lib.modules).
{ lib }:
let
  b = builtins;
  inherit (b) addErrorContext attrNames catAttrs concatLists concatMap elem filter
    foldl' functionArgs head isAttrs isBool isList isString length map mapAttrs seq
    sort substring tail typeOf unsafeGetAttrPos genericClosure removeAttrs;
  inherit (lib.trivial) id isFunction min;
  inherit (lib.lists) imap1 init last optional reverseList take sortOn remove;
  inherit (lib.attrsets) attrByPath getAttrFromPath mapAttrsToList mapAttrsRecursiveCond
    optionalAttrs recursiveUpdate setAttrByPath zipAttrs zipAttrsWith;
  inherit (lib.options) isOption mkOption showDefs showFiles showOption unknownModule;
  inherit (lib.strings) concatStringsSep optionalString isConvertibleWithToString levenshtein levenshteinAtMost escapeNixString;
  types = lib.types;

  # ---------------------------------------------------------------- messages

  # Nix strips terminal escapes from errors written to a non-terminal, so these
  # highlights are plain text here.
  hlWarn = s: s;
  hlGood = s: s;
  hlCode = s: s;
  trimText = lib.strings.trim;
  joinParagraphs = lib.strings.concatMapStringsSep "\n\n" trimText;
  joinLines = lib.strings.concatMapStringsSep "\n" trimText;
  pick = cases: v: if isString v && cases ? ${v} then [ cases.${v} ] else [ ];

  notAModuleMessage = { fallbackFile, value, _type, expectedClass ? null, prefix }:
    let
      intoFile = optionalString (fallbackFile != null && fallbackFile != unknownModule)
        ", while trying to load a module into ${toString fallbackFile}";
      intoPrefix = optionalString (prefix != [ ])
        ", while trying to load a module into ${hlCode (showOption prefix)}";
    in
    joinParagraphs ([
      ''
        Expected a module, but found a value of type ${hlWarn (escapeNixString _type)}${intoFile}${intoPrefix}.
        A module is typically loaded by adding it to the ${hlCode "imports = [ ... ];"} attribute of an existing module, or in the ${hlCode "modules = [ ... ];"} argument of various functions.
        Please make sure that each of the list items is a module, and not a different kind of value.
      ''
    ] ++ pick {
      configuration = trimText ''
        If you really mean to import this configuration, instead please only import the modules that make up the configuration.
        You may have to create a `let` binding, file or attribute to give yourself access to the relevant modules.
        While loading a configuration into the module system is a very sensible idea, it can not be done cleanly in practice.
      '';
      flake = joinLines ([
        (trimText ''
          Perhaps you forgot to select an attribute name?
          Instead of, for example,
              ${hlWarn "inputs.someflake"}
          you need to write something like
              ${hlWarn "inputs.someflake"}${if expectedClass == null then hlGood ".modules.someApp.default" else hlGood ".modules.${expectedClass}.default"}
        '')
      ] ++ pick {
        nixos = trimText ''
          or
              ${hlWarn "inputs.someflake"}${hlGood ".nixosModules.default"}
        '';
        darwin = trimText ''
          or
              ${hlWarn "inputs.someflake"}${hlGood ".darwinModules.default"}
        '';
      } expectedClass);
    } _type);

  configRecursionHint = "if you get an infinite recursion here, you probably reference `config` in `imports`. If you are trying to achieve a conditional import behavior dependent on `config`, consider importing unconditionally, and using `mkEnableOption` and `mkIf` to control its effect.";

  # ---------------------------------------------------------------- collecting modules

  # Turn any module value (function, attrset, path, ...) into the canonical
  # { _file, _class, key, disabledModules, imports, options, config } form.
  loadModule = class: args: fallbackFile: fallbackKey: m:
    if isFunction m then
      unifyModuleSyntax fallbackFile fallbackKey (applyModuleArgs fallbackKey m args)
    else if isAttrs m then
      let t = m._type or "module"; in
      if t == "module" then unifyModuleSyntax fallbackFile fallbackKey m
      else if t == "if" || t == "override" then loadModule class args fallbackFile fallbackKey { config = m; }
      else throw (notAModuleMessage {
        inherit fallbackFile;
        value = m;
        _type = m._type;
        expectedClass = class;
        prefix = args._prefix;
      })
    else if isList m then
      throw "Module imports can't be nested lists. Perhaps you meant to remove one level of lists? Definitions: ${showDefs [ { file = fallbackFile; value = m; } ]}"
    else
      let file = toString m; in
      unifyModuleSyntax file file (applyModuleArgsIfFunction file (import m) args);

  classChecker = class:
    if class == null then m: m
    else m:
      if m._class == null || m._class == class then m
      else throw ''
        The module `${m._file or m.key}` (class: ${escapeNixString m._class}) cannot be imported into a module evaluation that expects class ${escapeNixString class}.

        Help:
        - Ensure that you are importing the correct module.
        - Verify that the module's `_class`, ${escapeNixString m._class} matches the expected `class` ${escapeNixString class}.
        - If you are using a custom class, make sure it is correctly defined and used consistently across your modules.
      '';

  disabledKeyOf = modulesPath: file: m:
    if isString m then
      (if substring 0 1 m == "/" then m else toString modulesPath + "/" + m)
    else if isConvertibleWithToString m then
      (if m ? key && m.key != toString m then
        throw "Module `${file}` contains a disabledModules item that is an attribute set that can be converted to a string (${toString m}) but also has a `.key` attribute (${m.key}) with a different value. This makes it ambiguous which module should be disabled."
      else toString m)
    else if m ? key then m.key
    else if isAttrs m then
      throw "Module `${file}` contains a disabledModules item that is an attribute set, presumably a module, that does not have a `key` attribute. This means that the module system doesn't have any means to identify the module that should be disabled. Make sure that you've put the correct value in disabledModules: a string path relative to modulesPath, a path value, or an attribute set with a `key` attribute."
    else
      throw "Each disabledModules item must be a path, string, or a attribute set with a key attribute, or a value supported by toString. However, one of the disabledModules items in `${toString file}` is none of that, but is of type ${typeOf m}.";

  # Build the import tree: [ { key, module, modules, disabled } ].
  collectTree = class: args:
    let
      check = classChecker class;
      go = parentFile: parentKey: ms:
        let
          nodes = b.genList (i:
            let
              module = check (loadModule class args parentFile "${parentKey}:anon-${toString (i + 1)}" (b.elemAt ms i));
              sub = go module._file module.key module.imports;
            in {
              key = module.key;
              inherit module;
              modules = sub.modules;
              disabled =
                (if module.disabledModules != [ ] then [ { file = module._file; disabled = module.disabledModules; } ] else [ ])
                ++ sub.disabled;
            }) (length ms);
        in {
          modules = nodes;
          disabled = concatLists (catAttrs "disabled" nodes);
        };
    in go;

  collectModules = class: modulesPath: initialModules: args:
    let
      tree = collectTree class args unknownModule "" initialModules;
      disabledKeys = concatMap ({ file, disabled }: map (disabledKeyOf modulesPath file) disabled) tree.disabled;
      isDisabled = node: elem node.key disabledKeys;
      keep = if disabledKeys == [ ] then (l: l) else filter (n: !isDisabled n);
      graphOf = node: {
        disabled = isDisabled node;
        inherit (node) key;
        file = node.module._file;
        imports = map graphOf node.modules;
      };
    in {
      modules = catAttrs "module" (genericClosure {
        startSet = keep tree.modules;
        operator = node: keep node.modules;
      });
      graph = map graphOf (filter (x: x.key != "lib/modules.nix") tree.modules);
    };

  setDefaultModuleLocation = file: m: { _file = file; imports = [ m ]; };

  unifyModuleSyntax = file: key: m:
    let
      withMeta = cfg: if m ? meta then mkMerge [ cfg { meta = m.meta; } ] else cfg;
      withFreeform = cfg: if m ? freeformType then mkMerge [ cfg { _module.freeformType = m.freeformType; } ] else cfg;
      explicitKeys = [ "_class" "_file" "key" "disabledModules" "imports" "options" "config" "meta" "freeformType" ];
    in
    if m ? config || m ? options then
      let extra = removeAttrs m explicitKeys; in
      if extra != { } then
        throw "Module `${key}' has an unsupported attribute `${head (attrNames extra)}'. This is caused by introducing a top-level `config' or `options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${toString (attrNames extra)}) into the explicit `config' attribute."
      else {
        _file = toString m._file or file;
        _class = m._class or null;
        key = toString m.key or key;
        disabledModules = m.disabledModules or [ ];
        imports = m.imports or [ ];
        options = m.options or { };
        config = withFreeform (withMeta (m.config or { }));
      }
    else if !isAttrs m then
      throw "module ${file} (${key}) does not look like a module."
    else {
      _file = toString m._file or file;
      _class = m._class or null;
      key = toString m.key or key;
      disabledModules = m.disabledModules or [ ];
      imports = m.require or [ ] ++ m.imports or [ ];
      options = { };
      config = withFreeform (removeAttrs m [ "_class" "_file" "key" "disabledModules" "require" "imports" "freeformType" ]);
    };

  applyModuleArgsIfFunction = key: f: args@{ config, ... }:
    if isFunction f then applyModuleArgs key f args else f;

  # Call a module function. Each named argument is looked up lazily, first in
  # the fixed arguments, then in config._module.args.
  applyModuleArgs = key: f: args@{ config, ... }:
    let
      lookup = name: _:
        addErrorContext "while evaluating the module argument `${name}' in \"${key}\":" (
          args.${name} or (addErrorContext
            "noting that argument `${name}` is not externally provided, so querying `_module.args` instead, requiring `config`"
            config._module.args.${name}));
    in f (args // mapAttrs lookup (lib.trivial.functionArgs f));

  # ---------------------------------------------------------------- merging

  showDeclPrefix = loc: decl: prefix:
    " - option(s) with prefix `${showOption (loc ++ [ prefix ])}' in module `${decl._file}'";
  showRawDecls = loc: decls:
    concatStringsSep "\n" (sort (x: y: x < y) (concatMap (decl: map (showDeclPrefix loc decl) (attrNames decl.options)) decls));

  mergeModules = prefix: modules:
    mergeModules' prefix modules
      (concatMap (m: map (config: { file = m._file; inherit config; }) (pushDownProperties m.config)) modules);

  declarationTypeError = loc: actualTag: file:
    let
      name = lib.strings.escapeNixIdentifier (last loc);
      path = showOption loc;
      comment = optionalString (length loc > 1) "\n    # ${path}";
    in
    throw (concatStringsSep "\n\n" ([
      "In module ${file}: expected an option declaration at option path `${path}` but got an attribute set with type ${actualTag}"
    ] ++ optional (actualTag == "option-type") ''
      When declaring an option, you must wrap the type in a `mkOption` call. It should look somewhat like:
          ${comment}
          ${name} = lib.mkOption {
            description = ...;
            type = <the type you wrote for ${name}>;
            ...
          };
    ''));

  mergeModules' = prefix: modules: configs:
    let
      declsByName = zipAttrs (map (module:
        let tree = module.options; in
        if !(isAttrs tree) then
          throw ''
            An option declaration for `${concatStringsSep "." prefix}' has type
            `${typeOf tree}' rather than an attribute set.
            Did you mean to define this outside of `options'?
          ''
        else mapAttrs (n: option: {
          inherit (module) _file;
          pos = unsafeGetAttrPos n tree;
          options = option;
        }) tree
      ) modules);

      checkedConfigs =
        assert b.all (c: isAttrs c.config || throw ''
          In module `${c.file}', you're trying to define a value of type `${typeOf c.config}'
          rather than an attribute set for the option
          `${concatStringsSep "." prefix}'!

          This usually happens if `${concatStringsSep "." prefix}' has option
          definitions inside that are not matched. Please check how to properly define
          this option by e.g. referring to `man 5 configuration.nix'!
        '') configs;
        configs;

      pushedDefsByName = zipAttrsWith (n: concatLists) (map (module:
        mapAttrs (n: value: map (config: { inherit (module) file; inherit config; }) (pushDownProperties value)) module.config
      ) checkedConfigs);

      rawDefsByName = zipAttrs (map (module:
        mapAttrs (n: value: { inherit (module) file; inherit value; }) module.config
      ) checkedConfigs);

      asSubmoduleDecl = decl:
        if isOption decl.options then decl
        else decl // {
          options = mkOption {
            type = types.submoduleWith {
              modules = [ { options = decl.options; } ];
              shorthandOnlyDefinesConfig = null;
            };
          };
        };

      results = mapAttrs (name: decls:
        let
          loc = prefix ++ [ name ];
          defns = pushedDefsByName.${name} or [ ];
          rawDefns = rawDefsByName.${name} or [ ];
          optionDecls = filter (m:
            m.options ? _type && (m.options._type == "option" || declarationTypeError loc m.options._type m._file)
          ) decls;
        in
        if length optionDecls == length decls then {
          matchedOptions = evalOptionValue loc (fixupOptionType loc (mergeOptionDecls loc decls)) rawDefns;
          unmatchedDefns = [ ];
        }
        else if optionDecls != [ ] then
          if b.all (x: x.options.type.name or null == "submodule") optionDecls then {
            matchedOptions = evalOptionValue loc (fixupOptionType loc (mergeOptionDecls loc (map asSubmoduleDecl decls))) rawDefns;
            unmatchedDefns = [ ];
          }
          else
            let nonOptions = filter (m: !isOption m.options) decls; in
            throw "The option `${showOption loc}' in module `${(head optionDecls)._file}' would be a parent of the following options, but its type `${(head optionDecls).options.type.description or "<no description>"}' does not support nested options.\n${showRawDecls loc nonOptions}"
        else
          # nested options: their unmatched definitions, prefixed with this name here
          let r = mergeModules' loc decls defns; in {
            inherit (r) matchedOptions;
            unmatchedDefns = map (def: def // { prefix = [ name ] ++ (def.prefix or [ ]); }) r.unmatchedDefns;
          }
      ) declsByName;

      matchedOptions = mapAttrs (n: v: v.matchedOptions) results;

      # definitions of names that nothing declares
      undeclared = removeAttrs rawDefsByName (attrNames matchedOptions);
    in {
      inherit matchedOptions;
      # in name order, as one list
      unmatchedDefns =
        if configs == [ ] then [ ]
        else if undeclared == { } then concatLists (catAttrs "unmatchedDefns" (b.attrValues results))
        else concatLists (b.attrValues (
          mapAttrs (n: v: v.unmatchedDefns) results
          // mapAttrs (name: map (def: def // { prefix = [ name ] ++ (def.prefix or [ ]); })) undeclared));
    };

  # One declaration (nearly every option): what the fold below gives for it, without the fold.
  mergeOptionDecls = loc: opts:
    if length opts == 1 then
      let
        opt = head opts;
        subModules = opt.options.type.getSubModules or null;
      in
      opt.options // {
        inherit loc;
        declarations = [ opt._file ];
        declarationPositions = [
          (if opt.pos != null then opt.pos else { file = opt._file; line = null; column = null; })
        ];
        options = if subModules != null then map (setDefaultModuleLocation opt._file) subModules else [ ];
      }
    else
    foldl' (res: opt:
      let
        alreadyDeclared = throw "The option `${showOption loc}' in `${opt._file}' is already declared in ${showFiles res.declarations}.";
        both = k: opt.options ? ${k} && res ? ${k};
        typeAttr =
          if opt.options ? type && res ? type then
            let merged = res.type.typeMerge opt.options.type.functor; in
            if merged != null then { type = merged; } else alreadyDeclared
          else { };
        subModules = opt.options.type.getSubModules or null;
        options =
          if subModules != null then map (setDefaultModuleLocation opt._file) subModules ++ res.options
          else res.options;
      in
      if both "default" || both "example" || both "description" || both "apply" then alreadyDeclared
      else
        opt.options // res // {
          declarations = res.declarations ++ [ opt._file ];
          declarationPositions = res.declarationPositions ++ [
            (if opt.pos != null then opt.pos else { file = opt._file; line = null; column = null; })
          ];
          inherit options;
        } // typeAttr
    ) { inherit loc; declarations = [ ]; declarationPositions = [ ]; options = [ ]; } opts;

  evalOptionValue = loc: opt: defs:
    let
      withDefault =
        if opt ? default then [ { file = head opt.declarations; value = { _type = "override"; priority = 1500; content = opt.default; }; } ] ++ defs
        else defs;
      res =
        if opt.readOnly or false && length withDefault > 1 then
          let separate = map (def: def // { value = (mergeDefinitions loc opt.type [ def ]).mergedValue; }) withDefault; in
          throw "The option `${showOption loc}' is read-only, but it's set multiple times. Definition values:${showDefs separate}"
        else mergeDefinitions loc opt.type withDefault;
      value = if opt ? apply then opt.apply res.mergedValue else res.mergedValue;
      deprecated =
        if opt.type.deprecationMessage or null != null then
          lib.trivial.warn "The type `types.${opt.type.name}' of option `${showOption loc}' defined in ${showFiles opt.declarations} is deprecated. ${opt.type.deprecationMessage}" opt
        else opt;
    in
    deprecated // {
      value = addErrorContext "while evaluating the option `${showOption loc}':" value;
      inherit (res.defsFinal') highestPrio;
      definitions = catAttrs "value" res.defsFinal;
      files = catAttrs "file" res.defsFinal;
      definitionsWithLocations = res.defsFinal;
      inherit (res) isDefined;
      inherit (res.checkedAndMerged) valueMeta;
      __toString = _: showOption loc;
    };

  checkV2MergeCoherence = loc: type: result:
    if type.check.isV2MergeCoherent or false then result
    else throw ''
      The option `${showOption loc}' has a type `${type.description}' that uses
      an ad-hoc `type // { check = ...; }' override, which is incompatible with
      the v2 merge mechanism.

      Please use `lib.types.addCheck` instead of `type // { check }' to add
      custom validation. For example:

        lib.types.addCheck baseType (value: /* your check */)

      instead of:

        baseType // { check = value: /* your check */; }
    '';

  mergeDefinitions = loc: type: defs: rec {
    defsFinal' =
      let
        normalized = concatMap (m:
          map (value: if value._type or null == "definition" then value else { inherit (m) file; inherit value; })
            (addErrorContext "while evaluating definitions from `${m.file}':" (dischargeProperties m.value))
        ) defs;
        filtered = filterOverrides' normalized;
        sorted =
          if b.any (def: def.value._type or "" == "order") filtered.values then sortProperties filtered.values
          else filtered.values;
        # Most options have one plain definition: nothing to discharge, filter or sort.
        d = head defs;
        single = length defs == 1 && (
          addErrorContext "while evaluating definitions from `${d.file}':" (!(isAttrs d.value && d.value ? _type)));
        # Or only their default (one definition under mkOptionDefault, or a lone mkOverride):
        # what normalizing, filtering and sorting give for it, without the list passes.
        singleOverride =
          let
            prio = d.value.priority;
            best = if prio < 9999 then prio else 9999;
            one = [ { inherit (d) file; value = d.value.content; } ];
          in {
            values =
              if prio != best then [ ]
              else if (d.value.content._type or "") == "order" then sortProperties one
              else one;
            highestPrio = best;
          };
        # Several definitions, none with a property (mkIf, mkOverride, mkOrder, ...): each is
        # kept as it is, at the default priority.
        plain = length defs > 1 && b.all (m:
          addErrorContext "while evaluating definitions from `${m.file}':" (!(isAttrs m.value && m.value ? _type))) defs;
      in
      if single then { values = defs; highestPrio = defaultOverridePriority; }
      else if length defs == 1 && d.value._type == "override" then singleOverride
      else if plain then { values = map (m: { inherit (m) file value; }) defs; highestPrio = defaultOverridePriority; }
      else { values = sorted; inherit (filtered) highestPrio; };
    defsFinal = defsFinal'.values;

    isV2 = type.merge ? v2;

    mergedValue =
      if isDefined then
        if isV2 then
          (if checkedAndMerged.headError or null != null then
            throw "A definition for option `${showOption loc}' is not of type `${type.description}'. TypeError: ${checkedAndMerged.headError.message}"
          else checkedAndMerged.value)
        else if b.all (def: type.check def.value) defsFinal then type.merge loc defsFinal
        else
          let bad = filter (def: !type.check def.value) defsFinal; in
          throw "A definition for option `${showOption loc}' is not of type `${type.description}'. Definition values:${showDefs bad}"
      else if type.emptyValue ? value then type.emptyValue.value
      else throw "The option `${showOption loc}' was accessed but has no value defined. Try setting the option.";

    checkedAndMerged =
      if isV2 then
        let
          r =
            if type.check.isV2MergeCoherent or false then type.merge.v2 { inherit loc; defs = defsFinal; }
            else checkV2MergeCoherence loc type null; # throws
        in
        {
          inherit (r) headError value;
          valueMeta = r.valueMeta // { _internal = { inherit type; }; };
        }
      else { headError = null; value = mergedValue; valueMeta = { }; };

    isDefined = defsFinal != [ ];
    optionalValue = if isDefined then { value = mergedValue; } else { };
  };

  pushDownProperties = cfg:
    let
      overAttrs = f: v: if isAttrs v then mapAttrs f v else v;
      t = cfg._type or "";
    in
    if t == "merge" then concatMap pushDownProperties cfg.contents
    else if t == "if" then map (overAttrs (n: v: mkIf cfg.condition v)) (pushDownProperties cfg.content)
    else if t == "override" then map (overAttrs (n: v: mkOverride cfg.priority v)) (pushDownProperties cfg.content)
    else [ cfg ];

  dischargeProperties = def:
    let t = def._type or ""; in
    if t == "merge" then concatMap dischargeProperties def.contents
    else if t == "if" then
      (if isBool def.condition then (if def.condition then dischargeProperties def.content else [ ])
      else throw "‘mkIf’ called with a non-Boolean condition")
    else [ def ];

  filterOverrides = defs: (filterOverrides' defs).values;
  filterOverrides' = defs:
    let
      prioOf = def: if def.value._type or "" == "override" then def.value.priority else defaultOverridePriority;
      strip = def: if def.value._type or "" == "override" then def // { value = def.value.content; } else def;
      best = foldl' (p: def: let q = prioOf def; in if q < p then q else p) 9999 defs;
    in {
      values = concatMap (def: if prioOf def == best then [ (strip def) ] else [ ]) defs;
      highestPrio = best;
    };

  sortProperties = defs:
    let
      strip = def:
        if def.value._type or "" == "order" then def // { value = def.value.content; inherit (def.value) priority; }
        else def;
      lt = x: y: (x.priority or defaultOrderPriority) < (y.priority or defaultOrderPriority);
    in sort lt (map strip defs);

  fixupOptionType = loc: opt:
    if opt.type.getSubModules or null == null then opt // { type = opt.type or types.unspecified; }
    else opt // { type = opt.type.substSubModules opt.options; options = [ ]; };

  mergeAttrDefinitionsWithPrio = opt:
    let
      defsByAttr = zipAttrs (concatLists (concatMap ({ value, ... }@def:
        map (mapAttrsToList (k: value: { ${k} = def // { inherit value; }; })) (pushDownProperties value)
      ) opt.definitionsWithLocations));
    in
    assert opt.type.name == "attrsOf" || opt.type.name == "lazyAttrsOf";
    mapAttrs (k: v:
      let m = mergeDefinitions (opt.loc ++ [ k ]) opt.type.nestedTypes.elemType v; in
      { value = m.mergedValue; inherit (m.defsFinal') highestPrio; }
    ) defsByAttr;

  # ---------------------------------------------------------------- properties

  mkIf = condition: content: { _type = "if"; inherit condition content; };
  mkAssert = assertion: message: content:
    mkIf (if assertion then true else throw "\nFailed assertion: ${message}") content;
  mkMerge = contents: { _type = "merge"; inherit contents; };
  mkDefinition = args@{ file, value, ... }: args // { _type = "definition"; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkOptionDefault = mkOverride 1500;
  mkDefault = mkOverride 1000;
  defaultOverridePriority = 100;
  defaultPriority = defaultOverridePriority;
  mkImageMediaOverride = mkOverride 60;
  mkForce = mkOverride 50;
  mkVMOverride = mkOverride 10;
  mkFixStrictness = id;
  mkOrder = priority: content: { _type = "order"; inherit priority content; };
  mkBefore = mkOrder 500;
  defaultOrderPriority = 1000;
  mkAfter = mkOrder 1500;

  mapDefinitionValue = f: def:
    let t = def._type or null; in
    if t == "merge" then def // { contents = map (mapDefinitionValue f) def.contents; }
    else if t == "if" || t == "override" || t == "order" then def // { content = mapDefinitionValue f def.content; }
    else if t == "definition" then def // { value = mapDefinitionValue f def.value; }
    else f def;

  mkAliasDefinitions = mkAliasAndWrapDefinitions id;
  mkAliasAndWrapDefinitions = wrap: option: mkIf option.isDefined (wrap (mkMerge option.definitions));
  mkAliasAndWrapDefsWithPriority = wrap: option:
    let prio = option.highestPrio or defaultOverridePriority; in
    mkIf option.isDefined (wrap (mkMerge (map (mkOverride prio) option.definitions)));
  mkAliasIfDef = option: mkIf option.isDefined;

  mkDerivedConfig = opt: f: mkOverride (opt.highestPrio or defaultOverridePriority) (f opt.value);

  # ---------------------------------------------------------------- evalModules

  evalModules = evalArgs@{ modules, prefix ? [ ], specialArgs ? { }, class ? null, args ? { }, check ? true }:
    let
      legacy =
        optional (evalArgs ? args) { config = { _module.args = args; }; }
        ++ optional (evalArgs ? check) { config = { _module.check = mkDefault check; }; };
      allModules = modules ++ legacy;

      internalModule = rec {
        _file = "lib/modules.nix";
        key = _file;
        options = {
          _module.args = mkOption ({
            type = types.lazyAttrsOf types.raw;
            description = "Additional arguments passed to each module in addition to ones like `lib`, `config`, and `pkgs`, `modulesPath`.";
          } // (if prefix == [ ] then { } else { internal = true; }));
          _module.check = mkOption {
            type = types.bool;
            internal = true;
            default = true;
            description = "Whether to check whether all option definitions have matching declarations.";
          };
          _module.freeformType = mkOption {
            type = types.nullOr types.optionType;
            internal = true;
            default = null;
            description = "If set, merge all definitions that don't have an associated option together using this type.";
          };
          _module.specialArgs = mkOption {
            readOnly = true;
            internal = true;
            description = "Externally provided module arguments that can't be modified from within a configuration, but can be used in module imports.";
          };
        };
        config = {
          _module.args = {
            inherit extendModules;
            moduleType = type;
          };
          _module.specialArgs = specialArgs;
        };
      };

      collect = { }:
        collectModules class (specialArgs.modulesPath or "") (allModules ++ [ internalModule ]) ({
          inherit lib options specialArgs;
          _class = class;
          _prefix = prefix;
          config = addErrorContext configRecursionHint config;
        } // specialArgs);

      merged = mergeModules prefix (reverseList (collect { }).modules);

      options = merged.matchedOptions;

      config =
        let
          # mapAttrsRecursiveCond (v: !isOption v) (_: v: v.value) options, without the paths
          declaredOf = mapAttrs (_: v: if isAttrs v && (v._type or "") != "option" then declaredOf v else v.value);
          declared = declaredOf options;
          freeform =
            let defs = map (def: { file = def.file; value = setAttrByPath def.prefix def.value; }) merged.unmatchedDefns; in
            if defs == [ ] then { } else declared._module.freeformType.merge prefix defs;
        in
        if declared._module.freeformType == null then declared
        else recursiveUpdate freeform declared;

      unmatchedCheck =
        if config._module.check && config._module.freeformType == null && merged.unmatchedDefns != [ ] then
          let
            first = head merged.unmatchedDefns;
            optText = showOption (prefix ++ first.prefix);
            defText =
              addErrorContext "while evaluating the error message for definitions for `${optText}', which is an option that does not exist"
                (addErrorContext "while evaluating a definition from `${first.file}'" (showDefs [ first ]));
            absParent = init (prefix ++ first.prefix);
            relParent = init first.prefix;
            siblings = attrNames (attrByPath relParent { } options);
            candidates = if relParent == [ ] then remove "_module" siblings else siblings;
            wrong = last first.prefix;
            suggestions =
              if length candidates < 100 then take 3 (sortOn (levenshtein wrong) candidates)
              else take 3 (sortOn (levenshtein wrong) (filter (levenshteinAtMost 2 wrong) candidates));
            quote = s: "`${showOption (absParent ++ [ s ])}'";
            suggestion =
              if suggestions == [ ] then ""
              else if length suggestions == 1 then "\n\nDid you mean ${quote (head suggestions)}?"
              else "\n\nDid you mean ${concatStringsSep ", " (map quote (init suggestions))} or ${quote (last suggestions)}?";
            baseMsg = "The option `${optText}' does not exist. Definition values:${defText}${suggestion}";
          in
          if attrNames options == [ "_module" ] then
            (if showOption prefix == "" then
              throw ''
                ${baseMsg}

                It seems as if you're trying to declare an option by placing it into `config' rather than `options'!
              ''
            else
              throw ''
                ${baseMsg}

                However there are no options defined in `${showOption prefix}'. Are you sure you've
                declared your options properly? This can happen if you e.g. declared your options in `types.submodule'
                under `config' rather than `options'.
              '')
          else throw baseMsg
        else null;

      checked = seq unmatchedCheck;

      extendModules = extendArgs@{ modules ? [ ], specialArgs ? { }, prefix ? [ ] }:
        evalModules (evalArgs // {
          modules = allModules ++ modules;
          specialArgs = evalArgs.specialArgs or { } // specialArgs;
          prefix = extendArgs.prefix or evalArgs.prefix or [ ];
        });

      type = types.submoduleWith { inherit modules specialArgs class; };

      warnLegacy = x:
        if !(evalArgs ? args) && !(evalArgs ? check) then x
        else lib.trivial.warnIf (evalArgs ? args) "The args argument to evalModules is deprecated. Please set config._module.args instead."
          (lib.trivial.warnIf (evalArgs ? check) "The check argument to evalModules is deprecated. Please set config._module.check instead." x);
    in
    warnLegacy {
      _type = "configuration";
      options = checked options;
      config = checked (removeAttrs config [ "_module" ]);
      _module = checked config._module;
      inherit (collect { }) graph;
      inherit extendModules type class;
    };

  # ---------------------------------------------------------------- option renames

  doRename = { from, to, visible, warn, use, withPriority ? true, condition ? true }:
    { config, options, ... }:
    let
      fromOpt = getAttrFromPath from options;
      toOf = attrByPath to (abort "Renaming error: option `${showOption to}' does not exist.");
      toType = let opt = attrByPath to { } options; in opt.type or (types.submodule { });
    in {
      options = setAttrByPath from (mkOption {
        inherit visible;
        description = "Alias of {option}`${showOption to}`.";
        apply = x: use (toOf config);
      } // optionalAttrs (toType != null) { type = toType; });
      config = mkIf condition (mkMerge [
        (optionalAttrs (options ? warnings) {
          warnings = optional (warn && fromOpt.isDefined)
            "The option `${showOption from}' defined in ${showFiles fromOpt.files} has been renamed to `${showOption to}'.";
        })
        (if withPriority then mkAliasAndWrapDefsWithPriority (setAttrByPath to) fromOpt
         else mkAliasAndWrapDefinitions (setAttrByPath to) fromOpt)
      ]);
    };

  mkRenamedOptionModule = from: to: doRename {
    inherit from to;
    visible = false;
    warn = true;
    use = b.trace "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
  };

  mkRenamedOptionModuleWith = { from, to, sinceRelease }: doRename {
    inherit from to;
    visible = false;
    warn = lib.trivial.oldestSupportedReleaseIsAtLeast sinceRelease;
    use = lib.trivial.warnIf (lib.trivial.oldestSupportedReleaseIsAtLeast sinceRelease)
      "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
  };

  mkRemovedOptionModule = optionName: replacementInstructions:
    { options, ... }: {
      options = setAttrByPath optionName (mkOption {
        visible = false;
        apply = x: throw "The option `${showOption optionName}' can no longer be used since it's been removed. ${replacementInstructions}";
      });
      config.assertions =
        let opt = getAttrFromPath optionName options; in
        [ {
          assertion = !opt.isDefined;
          message = ''
            The option definition `${showOption optionName}' in ${showFiles opt.files} no longer has any effect; please remove it.
            ${replacementInstructions}
          '';
        } ];
    };

  mkMergedOptionModule = from: to: mergeFn:
    { config, options, ... }: {
      options = foldl' recursiveUpdate { } (map (path: setAttrByPath path (mkOption {
        visible = false;
        default = "_mkMergedOptionModule";
      })) from);
      config = {
        warnings = filter (x: x != "") (map (f:
          let
            val = getAttrFromPath f config;
            opt = getAttrFromPath f options;
          in
          optionalString (val != "_mkMergedOptionModule")
            "The option `${showOption f}' defined in ${showFiles opt.files} has been changed to `${showOption to}' that has a different type. Please read `${showOption to}' documentation and update your configuration accordingly."
        ) from);
      } // setAttrByPath to (mkMerge (optional
        (b.any (f: (getAttrFromPath f config) != "_mkMergedOptionModule") from)
        (mergeFn config)));
    };

  mkChangedOptionModule = from: to: changeFn: mkMergedOptionModule [ from ] to changeFn;

  mkAliasOptionModule = from: to: doRename {
    inherit from to;
    visible = true;
    warn = false;
    use = id;
  };
  mkAliasOptionModuleMD = mkAliasOptionModule;

  importApply = modulePath: staticArg: setDefaultModuleLocation modulePath (import modulePath staticArg);
  importJSON = file: { _file = file; config = lib.trivial.importJSON file; };
  importTOML = file: { _file = file; config = lib.trivial.importTOML file; };

  fixMergeModules = modules: args: evalModules { inherit modules args; check = false; };
in
{
  inherit evalModules collectModules setDefaultModuleLocation unifyModuleSyntax
    applyModuleArgsIfFunction mergeModules mergeModules' mergeOptionDecls evalOptionValue
    mergeDefinitions pushDownProperties dischargeProperties filterOverrides filterOverrides'
    sortProperties fixupOptionType mergeAttrDefinitionsWithPrio checkV2MergeCoherence
    mkIf mkAssert mkMerge mkDefinition mkOverride mkOptionDefault mkDefault defaultOverridePriority
    defaultPriority mkImageMediaOverride mkForce mkVMOverride mkFixStrictness mkOrder mkBefore
    defaultOrderPriority mkAfter mapDefinitionValue mkAliasDefinitions mkAliasAndWrapDefinitions
    mkAliasAndWrapDefsWithPriority mkAliasIfDef mkDerivedConfig doRename mkRenamedOptionModule
    mkRenamedOptionModuleWith mkRemovedOptionModule mkMergedOptionModule mkChangedOptionModule
    mkAliasOptionModule mkAliasOptionModuleMD importApply importJSON importTOML fixMergeModules;
}
