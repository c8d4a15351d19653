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
    # flattened areas; later ones win on name clashes, matching nixpkgs' choices
    // b.removeAttrs modules [ "importJSON" "importTOML" ]
    // options
    // {
      inherit (types) isType setType defaultTypeMerge defaultFunctor isOptionType mkOptionType;
    }
    // attrsets
    // lists
    // b.removeAttrs strings [ "replicate" ]
    // trivial
    // fixedPoints
    // asserts
    // debug
    // customisation
    // meta
    // stringsWithDeps
    // b.removeAttrs sources [ "pathIsGitRepo" "commitIdFromGitRepo" ]
    // {
      inherit (filesystem) pathType pathIsDirectory pathIsRegularFile;
      fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
      fakeSha256 = "0000000000000000000000000000000000000000000000000000";
      fakeSha512 = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
      inherit (generators) mkLuaInline;
      inherit (strings) hasPrefix removePrefix;
      inherit (versions) splitVersion;
      toBaseDigits = trivial.toBaseDigits;
    };
in
makeExtensible build
