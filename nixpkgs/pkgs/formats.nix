# pkgs.formats: generators for configuration files ({ type; generate = name: value: file; }).
{ lib, writeText }:
let
  anyType = lib.types.anything or lib.types.attrs;
  iniValue = v: if builtins.isBool v then (if v then "true" else "false") else toString v;
  toIni = sections: lib.concatStringsSep "\n" (lib.mapAttrsToList (s: kv:
    "[${s}]\n" + lib.concatStrings (lib.mapAttrsToList (k: v: "${k}=${iniValue v}\n") kv)) sections);
  toKeyValue = kv: lib.concatStrings (lib.mapAttrsToList (k: v: "${k}=${iniValue v}\n") kv);
in {
  json = { }: { type = anyType; generate = name: value: writeText name (builtins.toJSON value); };
  yaml = { }: { type = anyType; generate = name: value: writeText name (builtins.toJSON value); };
  ini = { ... }: { type = anyType; generate = name: value: writeText name (toIni value); };
  keyValue = { ... }: { type = anyType; generate = name: value: writeText name (toKeyValue value); };
  toml = { }: { type = anyType; generate = name: value: writeText name (builtins.toJSON value); };
}
