# Basic combinators and small helpers (lib.trivial).
{ lib }:
let
  b = builtins;
in
rec {
  id = x: x;
  const = x: _: x;
  pipe = start: fns: b.foldl' (acc: f: f acc) start fns;
  concat = a: c: a ++ c;
  or = a: c: a || c;
  and = a: c: a && c;
  xor = a: c: (!a) != (!c);
  bitAnd = b.bitAnd;
  bitOr = b.bitOr;
  bitXor = b.bitXor;
  bitNot = b.sub (-1);
  boolToString = v: if v then "true" else "false";
  boolToYesNo = v: if v then "yes" else "no";
  mergeAttrs = x: y: x // y;
  flip = f: x: y: f y x;
  defaultTo = d: v: if v == null then d else v;
  mapNullable = f: v: if v == null then null else f v;

  inherit (b) pathExists readFile isBool isInt isFloat add sub lessThan seq deepSeq genericClosure;

  version = "26.11pre-container";
  release = "26.11";
  oldestSupportedRelease = 2505;
  isInOldestRelease = rel: rel <= oldestSupportedRelease;
  oldestSupportedReleaseIsAtLeast = rel: rel <= oldestSupportedRelease;
  codeName = "Container";
  versionSuffix = "";
  revisionWithDefault = d: d;
  inNixShell = b.getEnv "IN_NIX_SHELL" != "";
  inPureEvalMode = !(b ? currentSystem);

  min = x: y: if x < y then x else y;
  max = x: y: if x > y then x else y;
  mod = base: m: base - m * (base / m);
  compare = a: c: if a < c then -1 else if a > c then 1 else 0;
  splitByAndCompare = p: yes: no: a: c:
    if p a then (if p c then yes a c else -1)
    else if p c then 1 else no a c;

  importJSON = path: b.fromJSON (b.readFile path);
  importTOML = path: b.fromTOML (b.readFile path);

  # Warnings: print via trace; abort when NIX_ABORT_ON_WARN is set.
  warn =
    if b ? warn then b.warn
    else msg: v:
      let abortOnWarn = b.elem (b.getEnv "NIX_ABORT_ON_WARN") [ "1" "true" "yes" ]; in
      if abortOnWarn then
        b.trace "warning: ${msg}" (abort "NIX_ABORT_ON_WARN=true; warnings are treated as unrecoverable errors.")
      else b.trace "warning: ${msg}" v;
  warnIf = cond: msg: if cond then warn msg else x: x;
  warnIfNot = cond: msg: if cond then x: x else warn msg;
  throwIf = cond: msg: if cond then throw msg else x: x;
  throwIfNot = cond: msg: if cond then x: x else throw msg;
  checkListOfEnum = msg: valid: given:
    let bad = b.filter (v: !(b.elem v valid)) given; in
    throwIfNot (bad == [ ])
      "${msg}: ${b.concatStringsSep ", " (b.map b.toString bad)} unexpected; valid ones: ${b.concatStringsSep ", " (b.map b.toString valid)}";

  info = msg: b.trace "INFO: ${msg}";
  showWarnings = warnings: res: lib.lists.foldr (w: x: warn w x) res warnings;

  setFunctionArgs = f: args: {
    __functor = self: f;
    __functionArgs = args;
  };
  functionArgs = f:
    if f ? __functor then f.__functionArgs or (functionArgs (f.__functor f))
    else b.functionArgs f;
  isFunction = f: b.isFunction f || (f ? __functor && isFunction (f.__functor f));
  mirrorFunctionArgs = f: g: setFunctionArgs g (functionArgs f);
  toFunction = v: if isFunction v then v else _: v;

  fromHexString = s:
    let
      digits = lib.strings.stringToCharacters (lib.strings.toLower (lib.strings.removePrefix "0x" s));
      val = c: { "0"=0;"1"=1;"2"=2;"3"=3;"4"=4;"5"=5;"6"=6;"7"=7;"8"=8;"9"=9;a=10;b=11;c=12;d=13;e=14;f=15; }.${c};
    in b.foldl' (acc: c: acc * 16 + val c) 0 digits;
  toHexString = n:
    let
      d = [ "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "A" "B" "C" "D" "E" "F" ];
      go = n: if n < 16 then b.elemAt d n else go (n / 16) + b.elemAt d (mod n 16);
    in go n;
  toBaseDigits = base: n:
    let go = n: if n < base then [ n ] else go (n / base) ++ [ (mod n base) ]; in go n;

  isStorePath = lib.strings.isStorePath;
}
