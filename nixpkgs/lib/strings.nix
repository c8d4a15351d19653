# String helpers (lib.strings).
{ lib }:
let
  b = builtins;
  inherit (lib.lists) foldl';
in
rec {
  inherit (b) compareVersions elem elemAt filter fromJSON genList head isInt isList isAttrs isPath isString match parseDrvName readFile replaceStrings split storeDir stringLength substring tail toJSON typeOf unsafeDiscardStringContext concatStringsSep;

  join = concatStringsSep;
  concatStrings = b.concatStringsSep "";
  concatMapStrings = f: list: concatStrings (b.map f list);
  concatImapStrings = f: list: concatStrings (lib.lists.imap1 f list);
  intersperse = sep: list:
    if list == [ ] || b.length list == 1 then list
    else b.tail (b.concatMap (x: [ sep x ]) list);
  concatMapStringsSep = sep: f: list: b.concatStringsSep sep (b.map f list);
  concatImapStringsSep = sep: f: list: b.concatStringsSep sep (lib.lists.imap1 f list);
  concatLines = list: concatMapStrings (s: s + "\n") list;
  concatMapAttrsStringSep = sep: f: attrs: b.concatStringsSep sep (lib.attrsets.mapAttrsToList f attrs);
  replicate = n: s: concatStrings (lib.lists.replicate n s);
  trim = trimWith { start = true; end = true; };
  trimWith = { start ? false, end ? false }: s:
    let
      re = if start && end then "[ \t\r\n]*(.*[^ \t\r\n])[ \t\r\n]*"
        else if start then "[ \t\r\n]*(.*)"
        else if end then "(.*[^ \t\r\n])[ \t\r\n]*"
        else "(.*)";
      m = b.match re s;
    in if m == null then "" else b.head m;
  makeSearchPath = subDir: paths:
    b.concatStringsSep ":" (b.map (path: path + "/" + subDir) (b.filter (x: x != null) paths));
  makeSearchPathOutput = output: subDir: pkgs: makeSearchPath subDir (b.map (lib.attrsets.getOutput output) pkgs);
  makeLibraryPath = makeSearchPathOutput "lib" "lib";
  makeIncludePath = makeSearchPathOutput "dev" "include";
  makeBinPath = makeSearchPathOutput "bin" "bin";
  normalizePath = s:
    let parts = b.filter b.isString (b.split "/+" s); in
    b.concatStringsSep "/" parts;
  optionalString = cond: string: if cond then string else "";
  hasPrefix = pref: str: b.substring 0 (b.stringLength pref) str == pref;
  hasSuffix = suffix: content:
    let lc = b.stringLength content; ls = b.stringLength suffix; in
    lc >= ls && b.substring (lc - ls) lc content == suffix;
  hasInfix = infix: content: b.match ".*${escapeRegex infix}.*" "${content}" != null;
  stringToCharacters = s: b.genList (p: b.substring p 1 s) (b.stringLength s);
  stringAsChars = f: s: concatStrings (b.map f (stringToCharacters s));
  charToInt = c: b.getAttr c asciiTable;
  escape = list: b.replaceStrings list (b.map (c: "\\${c}") list);
  escapeC = list: b.replaceStrings list (b.map (c: "\\x${lib.strings.toLower (lib.trivial.toHexString (charToInt c))}") list);
  escapeURL =
    let
      unreserved = [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "-" "_" "." "~" ];
      toEscape = b.removeAttrs asciiTable unreserved;
    in b.replaceStrings (b.attrNames toEscape) (lib.attrsets.mapAttrsToList (_: c: "%${fixedWidthString 2 "0" (lib.trivial.toHexString c)}") toEscape);
  escapeShellArg = arg:
    let s = toString arg; in
    if b.match "[[:alnum:],._+:@%/-]+" s == null then "'${b.replaceStrings [ "'" ] [ "'\\''" ] s}'" else s;
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;
  isValidPosixName = name: b.match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;
  toShellVar = name: value:
    lib.trivial.throwIfNot (isValidPosixName name) "toShellVar: ${name} is not a valid shell variable name" (
      if b.isAttrs value && !isStringLike value then
        "declare -A ${name}=(${concatStringsSep " " (lib.attrsets.mapAttrsToList (n: v: "[${escapeShellArg n}]=${escapeShellArg v}") value)})"
      else if b.isList value then "declare -a ${name}=(${escapeShellArgs value})"
      else "${name}=${escapeShellArg value}");
  toShellVars = vars: concatStringsSep "\n" (lib.attrsets.mapAttrsToList toShellVar vars);
  escapeNixString = s: escape [ "$" ] (b.toJSON s);
  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");
  escapeNixIdentifier = s:
    if b.match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null then s else escapeNixString s;
  escapeXML = b.replaceStrings [ "\"" "'" "<" ">" "&" ] [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];
  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  toLower = b.replaceStrings upperChars lowerChars;
  toUpper = b.replaceStrings lowerChars upperChars;
  toSentenceCase = str:
    if str == "" then "" else toUpper (b.substring 0 1 str) + toLower (b.substring 1 (-1) str);
  toCamelCase = str:
    let
      parts = b.filter (x: b.isString x && x != "") (b.split "[-_ ]+" str);
    in if parts == [ ] then "" else toLower (b.head parts) + concatMapStrings toSentenceCase (b.tail parts);
  addContextFrom = src: target: b.substring 0 0 src + target;
  splitString = sep: s:
    let splits = b.filter b.isString (b.split (escapeRegex (toString sep)) (toString s)); in
    b.map (addContextFrom s) splits;
  splitStringBy = predicate: keepSplit: str:
    let
      chars = stringToCharacters str;
      n = b.length chars;
      go = i: cur: acc:
        if i == n then acc ++ [ cur ]
        else
          let c = b.elemAt chars i; prev = if i == 0 then "" else b.elemAt chars (i - 1); in
          if i > 0 && predicate prev c then go (i + 1) (if keepSplit then c else "") (acc ++ [ cur ])
          else go (i + 1) (cur + c) acc;
    in go 0 "" [ ];
  removePrefix = prefix: str:
    let pl = b.stringLength prefix; in
    if b.substring 0 pl str == prefix then b.substring pl (-1) str else str;
  removeSuffix = suffix: str:
    let sl = b.stringLength suffix; l = b.stringLength str; in
    if sl <= l && b.substring (l - sl) sl str == suffix then b.substring 0 (l - sl) str else str;
  versionOlder = v1: v2: b.compareVersions v2 v1 == 1;
  versionAtLeast = v1: v2: !versionOlder v1 v2;
  getName = x: let parse = drv: (b.parseDrvName drv).name; in
    if b.isString x then parse x else x.pname or (parse x.name);
  getVersion = x: let parse = drv: (b.parseDrvName drv).version; in
    if b.isString x then parse x else x.version or (parse x.name);
  nameFromURL = url: sep:
    let
      components = splitString "/" url;
      filename = lib.lists.last components;
      name = b.head (splitString sep filename);
    in assert name != filename; name;
  cmakeOptionType = type: feature: value:
    "-D${feature}:${toUpper type}=${value}";
  cmakeBool = condition: flag: cmakeOptionType "bool" condition (lib.trivial.boolToString flag);
  cmakeFeature = feature: value: cmakeOptionType "string" feature value;
  mesonOption = feature: value: "-D${feature}=${value}";
  mesonBool = condition: flag: mesonOption condition (lib.trivial.boolToString flag);
  mesonEnable = feature: flag: mesonOption feature (if flag then "enabled" else "disabled");
  enableFeature = flag: feature: "--${if flag then "enable" else "disable"}-${feature}";
  enableFeatureAs = flag: feature: value: enableFeature flag feature + optionalString flag "=${value}";
  withFeature = flag: feature: "--${if flag then "with" else "without"}-${feature}";
  withFeatureAs = flag: feature: value: withFeature flag feature + optionalString flag "=${value}";
  fixedWidthString = width: filler: str:
    let strw = b.stringLength str; reqWidth = width - (b.stringLength filler); in
    assert lib.assertMsg (strw <= width) "fixedWidthString: requested string length (${toString width}) must not be shorter than actual length (${toString strw})";
    if strw == width then str else filler + fixedWidthString reqWidth filler str;
  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);
  floatToString = float:
    let result = toString float; precise = float == b.fromJSON result; in
    lib.trivial.warnIf (!precise) "Imprecise conversion from float to string ${result}" result;
  isCoercibleToString = x: lib.trivial.warnIf true "lib.strings.isCoercibleToString is deprecated in favor of either isStringLike or isConvertibleWithToString." (isConvertibleWithToString x);
  isConvertibleWithToString =
    let types = [ "null" "int" "float" "bool" ]; in
    x: isStringLike x || b.elem (b.typeOf x) types || (b.isList x && b.all isConvertibleWithToString x);
  isStringLike = x: b.isString x || b.isPath x || x ? outPath || x ? __toString;
  isStorePath = x:
    if isStringLike x then
      let str = toString x; in
      b.substring 0 1 str == "/" && (
        let d = b.dirOf str; in d == b.storeDir && b.match "[0-9a-z]{32}-.+" (b.baseNameOf str) != null)
    else false;
  # Parse a decimal integer (surrounding whitespace allowed). toInt rejects leading
  # zeros (they could be meant as octal); toIntBase10 accepts them.
  toInt = str:
    let m = b.match "[[:space:]]*(-?)(0|[1-9][0-9]*)[[:space:]]*" str; in
    if m == null then throw "toInt: Could not convert ${escapeNixString str} to int."
    else parseDecimal str (b.elemAt m 0) (b.elemAt m 1);
  toIntBase10 = str:
    let m = b.match "[[:space:]]*(-?)0*([0-9]+)[[:space:]]*" str; in
    if m == null then throw "toIntBase10: Could not convert ${escapeNixString str} to int."
    else parseDecimal str (b.elemAt m 0) (b.elemAt m 1);
  parseDecimal = str: sign: digits:
    let v = b.fromJSON (sign + digits); in
    if b.isInt v then v else throw "toInt: Could not convert ${escapeNixString str} to int.";
  readPathsFromFile = rootPath: file:
    let
      lines = b.filter (l: b.isString l && l != "" && b.substring 0 1 l != "#") (b.split "\n" (b.readFile file));
    in b.map (p: rootPath + "/${p}") lines;
  fileContents = file: removeSuffix "\n" (b.readFile file);
  sanitizeDerivationName =
    let okRegex = b.match "[[:alnum:]+_?=-][[:alnum:]+._?=-]*"; in
    string:
    if b.stringLength string <= 207 && okRegex string != null then b.unsafeDiscardStringContext string
    else lib.trivial.pipe string [
      b.unsafeDiscardStringContext
      (x: b.elemAt (b.match "\\.*(.*)" x) 0)
      (b.split "[^[:alnum:]+._?=-]+")
      (b.map (s: if b.isList s then "-" else s))
      (b.concatStringsSep "")
      (x: b.substring (lib.trivial.max (b.stringLength x - 207) 0) (-1) x)
      (x: if b.stringLength x == 0 then "unknown" else x)
    ];
  levenshtein = a: c:
    let
      la = b.stringLength a; lc = b.stringLength c;
      ca = stringToCharacters a; cc = stringToCharacters c;
      row0 = b.genList (j: j) (lc + 1);
      step = prev: i:
        b.foldl' (row: j:
          row ++ [ (lib.lists.foldl' lib.trivial.min (b.elemAt prev (j + 1) + 1) [
            (b.elemAt row j + 1)
            (b.elemAt prev j + (if b.elemAt ca i == b.elemAt cc j then 0 else 1))
          ]) ]
        ) [ (i + 1) ] (b.genList (j: j) lc);
      last = b.foldl' step row0 (b.genList (i: i) la);
    in b.elemAt last lc;
  levenshteinAtMost =
    let
      f = k: if k <= 0 then a: c: a == c
        else a: c:
          let la = b.stringLength a; lc = b.stringLength c; d = if la > lc then la - lc else lc - la; in
          d <= k && levenshtein a c <= k;
    in f;
  commonPrefixLength = a: c:
    let
      m = lib.trivial.min (b.stringLength a) (b.stringLength c);
      go = i: if i >= m || b.substring i 1 a != b.substring i 1 c then i else go (i + 1);
    in go 0;
  commonSuffixLength = a: c:
    let
      la = b.stringLength a; lc = b.stringLength c;
      m = lib.trivial.min la lc;
      go = i: if i >= m || b.substring (la - i - 1) 1 a != b.substring (lc - i - 1) 1 c then i else go (i + 1);
    in go 0;
  asciiTable = b.listToAttrs (b.genList (i: {
    name = b.substring i 1 " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    value = i + 32;
  }) 95) // { "\t" = 9; "\n" = 10; "\r" = 13; };
}
