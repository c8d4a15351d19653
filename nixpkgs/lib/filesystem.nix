# Reading directory trees (lib.filesystem).
{ lib }:
let
  b = builtins;
in
rec {
  listFilesRecursive = dir:
    b.concatLists (lib.attrsets.mapAttrsToList (name: type:
      if type == "directory" then listFilesRecursive (dir + "/${name}") else [ (dir + "/${name}") ]
    ) (b.readDir dir));
  pathType = p:
    if toString p == "/" then "directory"
    else (b.readDir (b.dirOf p)).${b.baseNameOf p} or (throw "lib.filesystem.pathType: Path ${toString p} does not exist.");
  pathIsDirectory = p: b.pathExists p && pathType p == "directory";
  pathIsRegularFile = p: b.pathExists p && pathType p == "regular";
  haskellPathsInDir = root: { };
  locateDominatingFile = pattern: file: null;
  packagesFromDirectoryRecursive = args: throw "lib.filesystem.packagesFromDirectoryRecursive is not supported by this lib";
}
