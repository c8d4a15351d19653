# Trivial builders on top of three primitives (write a text file, run a command, join paths),
# which the caller provides: store-writing host primops, or stand-ins for testing.
{ lib, writeTextFile, runCommandRaw, symlinkJoinRaw }:
let
  shell = "/bin/bash";
  envString = v:
    if builtins.isList v then lib.concatMapStringsSep " " toString v
    else if builtins.isBool v then (if v then "1" else "")
    else toString v;
in rec {
  inherit writeTextFile;
  writeText = name: text: writeTextFile { inherit name text; };
  writeTextDir = path: text: writeTextFile {
    name = builtins.baseNameOf path; inherit text; destination = "/${path}";
  };
  writeScript = name: text: writeTextFile { inherit name text; executable = true; };
  writeScriptBin = name: text: writeTextFile { inherit name text; executable = true; destination = "/bin/${name}"; };
  writeShellScript = name: text: writeTextFile {
    inherit name; executable = true;
    text = "#!${shell}\n${text}";
  };
  writeShellScriptBin = name: text: writeTextFile {
    inherit name; executable = true; destination = "/bin/${name}";
    text = "#!${shell}\n${text}";
  };
  writeShellApplication = { name, text, runtimeInputs ? [ ], ... }: writeTextFile {
    inherit name; executable = true; destination = "/bin/${name}";
    text = "#!${shell}\nset -o errexit -o nounset -o pipefail\n"
      + lib.optionalString (runtimeInputs != [ ])
        "export PATH=\"${lib.makeBinPath runtimeInputs}:$PATH\"\n"
      + text;
  };
  # runCommand NAME ENV SCRIPT: SCRIPT runs with bash, without network, with $out set.
  runCommand = name: env: script:
    let
      plain = builtins.removeAttrs env [ "passthru" "meta" "nativeBuildInputs" "buildInputs" "preferLocalBuild" "allowSubstitutes" ];
      inputs = (env.nativeBuildInputs or [ ]) ++ (env.buildInputs or [ ]);
      pathLine = lib.optionalString (inputs != [ ]) "export PATH=\"${lib.makeBinPath inputs}:$PATH\"\n";
    in runCommandRaw name (builtins.mapAttrs (_: envString) plain) (pathLine + script)
       // (env.passthru or { });
  runCommandLocal = runCommand;
  runCommandNoCC = runCommand;
  runCommandCC = runCommand;
  symlinkJoin = { name, paths, postBuild ? "", ... }:
    if postBuild == "" then symlinkJoinRaw name paths
    else runCommand name { } ''
      mkdir -p $out
      for p in ${lib.concatMapStringsSep " " (p: lib.escapeShellArg (toString p)) paths}; do
        cp -rs --no-preserve=mode "$p"/. $out/ 2>/dev/null || true
      done
      ${postBuild}
    '';
  linkFarm = name: entries:
    let list = if builtins.isList entries then entries
               else lib.mapAttrsToList (n: v: { name = n; path = v; }) entries;
    in runCommand name { } (''
      mkdir -p $out
    '' + lib.concatMapStrings (e: ''
      mkdir -p "$(dirname $out/${lib.escapeShellArg e.name})"
      ln -s ${lib.escapeShellArg (toString e.path)} $out/${lib.escapeShellArg e.name}
    '') list);
  buildEnv = { name, paths, ... }: symlinkJoinRaw name paths;
}
