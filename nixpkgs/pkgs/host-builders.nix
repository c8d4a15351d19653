# Builders backed by the system layer's host object (see ../default.nix).
#
# Host primops (all take an attribute set; results are store path strings with context):
#   host.writeTextFile { name; text; executable; destination; }
#   host.runCommand { name; env; script; }        runs `script` in bash on the host at
#                                                 evaluation time, without network; $out is
#                                                 the directory or file to create
#   host.symlinkJoin { name; paths; }
#   host.packageSet EXTRAS                         every host package (derivation-like values
#                                                 whose outPath realizes the package) + EXTRAS
{ lib, host }:
let
  writeTextFile = { name, text, executable ? false, destination ? "", checkPhase ? "", ... }:
    let out = host.writeTextFile { inherit name text executable destination; };
    in { type = "derivation"; inherit name; outPath = out; outputs = [ "out" ]; passthru = { }; };
in {
  builders = import ./trivial-builders.nix {
    inherit lib writeTextFile;
    runCommandRaw = name: env: script:
      let out = host.runCommand { inherit name env script; };
      in { type = "derivation"; inherit name; outPath = out; outputs = [ "out" ]; };
    symlinkJoinRaw = name: paths:
      let out = host.symlinkJoin { inherit name; paths = map toString paths; };
      in { type = "derivation"; inherit name paths; outPath = out; outputs = [ "out" ]; };
  };
}
