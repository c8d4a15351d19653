# Path helpers (lib.path), the part configurations and types use.
{ lib }:
let
  b = builtins;
  storePrefix = b.storeDir + "/";
in
rec {
  # Whether a path value lies inside a store path (<storeDir>/<hash>-<name>...).
  hasStorePathPrefix = p:
    let
      s = toString p;
      rest = b.substring (b.stringLength storePrefix) (-1) s;
      first = b.head (b.split "/" rest);
    in
    b.substring 0 (b.stringLength storePrefix) s == storePrefix
    && b.match "[0-9a-df-np-sv-z]{32}-.+" first != null;

  append = path: subpath:
    assert lib.asserts.assertMsg (b.isPath path) "lib.path.append: The first argument is of type ${b.typeOf path}, but a path was expected";
    path + ("/" + subpath);

  hasPrefix = path1: path2:
    let s1 = toString path1; s2 = toString path2; in
    s1 == s2 || s1 == "/" || lib.strings.hasPrefix (s1 + "/") s2;

  removePrefix = path1: path2:
    let s1 = toString path1; s2 = toString path2; in
    if s1 == s2 then "./."
    else if lib.strings.hasPrefix (s1 + "/") s2 then "./" + b.substring (b.stringLength s1 + 1) (-1) s2
    else throw "lib.path.removePrefix: The first path argument \"${s1}\" is not a component-wise prefix of the second path argument \"${s2}\".";

  splitRoot = path: { root = /.; subpath = "./" + lib.strings.removePrefix "/" (toString path); };

  subpath = {
    isValid = value: b.isString value && value != "" && b.substring 0 1 value != "/"
      && !(b.elem ".." (lib.strings.splitString "/" value));
    join = subpaths: "./" + b.concatStringsSep "/" (b.filter (x: x != "" && x != ".") (b.concatMap (lib.strings.splitString "/") subpaths));
    components = sp: b.filter (x: x != "" && x != ".") (lib.strings.splitString "/" sp);
    normalise = sp: let c = subpath.components sp; in if c == [ ] then "./." else "./" + b.concatStringsSep "/" c;
  };
}
