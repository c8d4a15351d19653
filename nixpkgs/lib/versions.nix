# Version string helpers (lib.versions).
{ lib }:
let b = builtins; in
rec {
  splitVersion = b.splitVersion;
  major = v: b.elemAt (splitVersion v) 0;
  minor = v: b.elemAt (splitVersion v) 1;
  patch = v: b.elemAt (splitVersion v) 2;
  majorMinor = v: b.concatStringsSep "." (lib.lists.take 2 (splitVersion v));
  pad = n: version:
    let
      numericVersion = b.head (b.split "[^.0-9]" version);
      parts = splitVersion numericVersion;
      missing = lib.trivial.max 0 (n - b.length parts);
    in numericVersion + b.concatStringsSep "" (lib.lists.replicate missing ".0");
}
