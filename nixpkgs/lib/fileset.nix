# A small file-set library (lib.fileset): sets of files under path roots.
{ lib }:
let
  b = builtins;

  mk = files: { _type = "fileset"; _files = files; };

  # All regular files at or below a path (a file counts as itself).
  filesUnder = p:
    let
      parent = b.dirOf p;
      name = b.baseNameOf p;
      kind =
        if b ? readFileType then b.readFileType p
        else if toString p == "/" then "directory"
        else (b.readDir parent).${name} or "missing";
    in
    if kind == "directory" then
      b.concatLists (lib.attrsets.mapAttrsToList (n: t:
        if t == "directory" then filesUnder (p + "/${n}") else [ (p + "/${n}") ]
      ) (b.readDir p))
    else if kind == "missing" then throw "lib.fileset: ${toString p} does not exist."
    else [ p ];

  coerce = context: v:
    if b.isPath v then mk (filesUnder v)
    else if v._type or null == "fileset" then v
    else if b.isString v then
      throw "${context}: Argument (${v}) is a string-like value, but it should be a file set or a path instead."
    else throw "${context}: Argument is of type ${b.typeOf v}, but it should be a file set or a path instead.";

  dedup = files: b.attrValues (b.listToAttrs (b.map (f: { name = toString f; value = f; }) files));
in
rec {
  empty = mk [ ];
  isFileset = x: b.isPath x || (x._type or null) == "fileset";
  unions = list:
    if !b.isList list then throw "lib.fileset.unions: Argument is of type ${b.typeOf list}, but it should be a list instead."
    else mk (dedup (b.concatMap (x: (coerce "lib.fileset.unions" x)._files) list));
  union = x: y: unions [ x y ];
  intersection = x: y:
    let ys = b.map toString (coerce "lib.fileset.intersection" y)._files; in
    mk (b.filter (f: b.elem (toString f) ys) (coerce "lib.fileset.intersection" x)._files);
  difference = x: y:
    let ys = b.map toString (coerce "lib.fileset.difference" y)._files; in
    mk (b.filter (f: !(b.elem (toString f) ys)) (coerce "lib.fileset.difference" x)._files);
  toList = fs: b.sort (x: y: toString x < toString y) (coerce "lib.fileset.toList" fs)._files;
  fileFilter = pred: path:
    mk (b.filter (f: pred { name = b.baseNameOf f; hasExt = e: lib.strings.hasSuffix ".${e}" (b.baseNameOf f); type = "regular"; }) (filesUnder path));
  maybeMissing = path: if b.pathExists path then coerce "lib.fileset.maybeMissing" path else empty;
  trace = fs: x: b.trace (b.map toString (toList fs)) x;
  traceVal = fs: trace fs fs;
}
