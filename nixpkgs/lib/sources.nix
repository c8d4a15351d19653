# Source filtering (lib.sources). Without a store to copy into, sources are the paths
# themselves, optionally filtered when copied with builtins.path.
{ lib }:
let
  b = builtins;
in
rec {
  cleanSourceFilter = name: type:
    let baseName = b.baseNameOf (toString name); in
    !((type == "directory" && (baseName == ".git" || baseName == ".svn" || baseName == "CVS" || baseName == ".hg"))
      || lib.strings.hasSuffix "~" baseName
      || b.match "^\\.sw[a-z]$" baseName != null
      || b.match "^\\..*\\.sw[a-z]$" baseName != null
      || lib.strings.hasSuffix ".o" baseName
      || lib.strings.hasSuffix ".so" baseName
      || (type == "symlink" && lib.strings.hasPrefix "result" baseName)
      || type == "unknown");
  cleanSourceWith = { src, filter ? _path: _type: true, name ? null }:
    let orig = src.origSrc or src; f = src.filter or (_: _: true); in
    {
      origSrc = orig;
      filter = path: type: filter path type && f path type;
      outPath = b.path { path = orig; name = if name != null then name else "source"; filter = path: type: filter path type && f path type; };
    };
  cleanSource = src: cleanSourceWith { filter = cleanSourceFilter; inherit src; };
  sourceByRegex = src: regexes:
    let
      isFiltered = src ? _isLibCleanSourceWith;
      origSrc = if isFiltered then src.origSrc else src;
    in cleanSourceWith {
      filter = path: type:
        let relPath = lib.strings.removePrefix (toString origSrc + "/") (toString path); in
        lib.lists.any (re: b.match re relPath != null) regexes;
      inherit src;
    };
  sourceFilesBySuffices = src: exts:
    cleanSourceWith {
      inherit src;
      filter = name: type: type == "directory" || lib.lists.any (ext: lib.strings.hasSuffix ext name) exts;
    };
  pathIsGitRepo = path: b.pathExists (path + "/.git");
  commitIdFromGitRepo = path: throw "lib.sources.commitIdFromGitRepo is not supported by this lib";
}
