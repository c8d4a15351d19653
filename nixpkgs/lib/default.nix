# The project's nixpkgs-compatible `lib`. Each area lives in its own file
# (`lib.strings`, `lib.lists`, ...) and the commonly used functions are also
# available at the top level, as in nixpkgs (`lib.mkIf`, `lib.concatStringsSep`).
let
  b = builtins;

  fix' = f: let x = f x // { __unfix__ = f; }; in x;

  extendsWith = overlay: f: final: let prev = f final; in prev // overlay final prev;

  makeExtensible = rattrs:
    fix' (self: rattrs self // { extend = f: makeExtensible (extendsWith f rattrs); });

  build = self:
    let
      call = file: import file { lib = self; };

      trivial = call ./trivial.nix;
      lists = call ./lists.nix;
      strings = call ./strings.nix;
      attrsets = call ./attrsets.nix;
      options = call ./options.nix;
      modules = call ./modules.nix;
      types = call ./types.nix;
      fixedPoints = call ./fixed-points.nix;
      asserts = call ./asserts.nix;
      debug = call ./debug.nix;
      generators = call ./generators.nix;
      versions = call ./versions.nix;
      customisation = call ./customisation.nix;
      meta = call ./meta.nix;
      fileset = call ./fileset.nix;
      gvariant = call ./gvariant.nix;
      cli = call ./cli.nix;
      path = call ./path.nix;
      stringsWithDeps = call ./strings-with-deps.nix;
      filesystem = call ./filesystem.nix;
      sources = call ./sources.nix;
    in
    {
      inherit trivial lists strings attrsets options modules types fixedPoints asserts debug
        generators versions customisation meta fileset gvariant cli path stringsWithDeps filesystem sources;
      systems = { };
      licenses = { };
      maintainers = { };
      teams = { };
      network = { };
      derivations = { };

      inherit (b) add addErrorContext attrNames concatLists deepSeq elem elemAt filter
        genericClosure genList getAttr hasAttr head isAttrs isBool isInt isList isPath
        isString length lessThan listToAttrs pathExists readFile replaceStrings seq
        stringLength sub substring tail trace typeOf unsafeGetAttrPos hasContext isFloat;
    }
    # The top level re-exports the commonly used functions of each area. The names are
    # listed explicitly so that reading `lib.mkIf` loads only the files it needs
    # (on clashes the choice matches nixpkgs: strings' hasPrefix, lists' replicate, ...).
    // {
      inherit (asserts)
        assertEachOneOf assertMsg assertOneOf;
      inherit (attrsets)
        attrByPath attrVals attrValues attrsToList cartesianProduct cartesianProductOfSets
        catAttrs chooseDevOutputs collect concatMapAttrs dontRecurseIntoAttrs filterAttrs
        filterAttrsRecursive foldAttrs foldlAttrs genAttrs genAttrs' getAttrFromPath
        getAttrs getBin getDev getFirstOutput getInclude getLib getMan getOutput
        hasAttrByPath intersectAttrs isDerivation longestValidPathPrefix mapAttrs mapAttrs'
        mapAttrsRecursive mapAttrsRecursiveCond mapAttrsToList mapAttrsToListRecursive
        mapAttrsToListRecursiveCond mapCartesianProduct matchAttrs mergeAttrsList
        nameValuePair optionalAttrs overrideExisting recurseIntoAttrs recursiveUpdate
        recursiveUpdateUntil removeAttrs setAttrByPath showAttrPath toDerivation
        unionOfDisjoint updateManyAttrsByPath zip zipAttrs zipAttrsWith zipAttrsWithNames;
      inherit (customisation)
        callPackageWith callPackagesWith extendDerivation hydraJob makeOverridable makeScope
        overrideDerivation;
      inherit (debug)
        runTests testAllTrue traceFnSeqN traceIf traceSeq traceSeqN traceVal traceValFn
        traceValSeq traceValSeqFn traceValSeqN traceValSeqNFn;
      inherit (filesystem)
        pathIsDirectory pathIsRegularFile pathType;
      inherit (fixedPoints)
        composeExtensions composeManyExtensions converge extends fix fix' makeExtensible
        makeExtensibleWithCustomName toExtension;
      inherit (generators)
        mkLuaInline;
      inherit (lists)
        all allUnique any commonPrefix compareLists concatAttrValues concatMap
        concatMapAttrsToList count crossLists drop dropEnd findFirst findFirstIndex
        findSingle flatten fold foldl foldl' foldr forEach groupBy groupBy' ifoldr imap0
        imap1 init insertAt intersectLists last listDfs map mutuallyExclusive naturalSort
        optional optionals partition partition' range remove replaceElemAt replicate
        reverseList singleton sort sortOn sublist subtractLists take takeEnd toList toposort
        unique uniqueStrings zipLists zipListsWith zipWithIndex;
      inherit (meta)
        addMetaAttrs appendToName availableOn dontDistribute getExe getExe'
        getLicenseFromSpdxId hiPrio hiPrioSet lowPrio lowPrioSet mapDerivationAttrset
        platformMatch setName setPrio updateName;
      inherit (modules)
        applyModuleArgsIfFunction checkV2MergeCoherence collectModules defaultOrderPriority
        defaultOverridePriority defaultPriority dischargeProperties doRename evalModules
        evalOptionValue filterOverrides filterOverrides' fixMergeModules fixupOptionType
        importApply mapDefinitionValue mergeAttrDefinitionsWithPrio mergeDefinitions
        mergeModules mergeModules' mergeOptionDecls mkAfter mkAliasAndWrapDefinitions
        mkAliasAndWrapDefsWithPriority mkAliasDefinitions mkAliasIfDef mkAliasOptionModule
        mkAliasOptionModuleMD mkAssert mkBefore mkChangedOptionModule mkDefault mkDefinition
        mkDerivedConfig mkFixStrictness mkForce mkIf mkImageMediaOverride mkMerge
        mkMergedOptionModule mkOptionDefault mkOrder mkOverride mkRemovedOptionModule
        mkRenamedOptionModule mkRenamedOptionModuleWith mkVMOverride pushDownProperties
        setDefaultModuleLocation sortProperties unifyModuleSyntax;
      inherit (options)
        getFiles getValues isOption literalExample literalExpression literalMD mdDoc
        mergeDefaultOption mergeEqualOption mergeOneOption mergeUniqueOption mkEnableOption
        mkOption mkOptionType' mkPackageOption mkPackageOptionMD mkSinkUndeclaredOptions
        optionAttrSetToDocList optionAttrSetToDocList' prioritySuggestion renderOptionValue
        scrubOptionValue showDefs showFiles showOption showOptionWithDefLocs unknownModule;
      inherit (sources)
        cleanSource cleanSourceFilter cleanSourceWith sourceByRegex sourceFilesBySuffices;
      inherit (strings)
        addContextFrom asciiTable charToInt cmakeBool cmakeFeature cmakeOptionType
        commonPrefixLength commonSuffixLength compareVersions concatImapStrings
        concatImapStringsSep concatLines concatMapAttrsStringSep concatMapStrings
        concatMapStringsSep concatStrings concatStringsSep enableFeature enableFeatureAs
        escape escapeC escapeNixIdentifier escapeNixString escapeRegex escapeShellArg
        escapeShellArgs escapeURL escapeXML fileContents fixedWidthNumber fixedWidthString
        floatToString fromJSON getName getVersion hasInfix hasPrefix hasSuffix intersperse
        isCoercibleToString isConvertibleWithToString isStringLike isValidPosixName join
        levenshtein levenshteinAtMost lowerChars makeBinPath makeIncludePath makeLibraryPath
        makeSearchPath makeSearchPathOutput match mesonBool mesonEnable mesonOption
        nameFromURL normalizePath optionalString parseDecimal parseDrvName readPathsFromFile
        removePrefix removeSuffix sanitizeDerivationName split splitString splitStringBy
        storeDir stringAsChars stringToCharacters toCamelCase toInt toIntBase10 toJSON
        toLower toSentenceCase toShellVar toShellVars toUpper trim trimWith
        unsafeDiscardStringContext upperChars versionAtLeast versionOlder withFeature
        withFeatureAs;
      inherit (stringsWithDeps)
        fullDepEntry noDepEntry packEntry stringAfter textClosureList textClosureMap;
      inherit (trivial)
        and bitAnd bitNot bitOr bitXor boolToString boolToYesNo checkListOfEnum codeName
        compare concat const defaultTo flip fromHexString functionArgs id importJSON
        importTOML inNixShell inPureEvalMode info isFunction isInOldestRelease isStorePath
        mapNullable max mergeAttrs min mirrorFunctionArgs mod oldestSupportedRelease
        oldestSupportedReleaseIsAtLeast or pipe release revisionWithDefault setFunctionArgs
        showWarnings splitByAndCompare throwIf throwIfNot toFunction toHexString version
        versionSuffix warn warnIf warnIfNot xor;
      inherit (types)
        defaultFunctor defaultTypeMerge isOptionType isType mkOptionType setType;
      inherit (versions)
        splitVersion;
      fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
      fakeSha256 = "0000000000000000000000000000000000000000000000000000";
      fakeSha512 = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
      toBaseDigits = trivial.toBaseDigits;
      # old names still found in configurations
      mapAttrsFlatten = attrsets.mapAttrsToList;
      imap = lists.imap1;
      zipWithNames = attrsets.zipAttrsWithNames;
    };
in
makeExtensible build
