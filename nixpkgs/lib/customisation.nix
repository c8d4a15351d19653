# Overridable functions and callPackage (lib.customisation).
{ lib }:
let
  b = builtins;
in
rec {
  overrideDerivation = drv: f: drv // f drv;

  makeOverridable = f:
    let
      wrapped = origArgs:
        let
          result = f origArgs;
          overrideWith = newArgs: origArgs // (if lib.trivial.isFunction newArgs then newArgs origArgs else newArgs);
          override = newArgs: wrapped (overrideWith newArgs);
        in
        if b.isAttrs result then
          result // { inherit override; overrideDerivation = fdrv: makeOverridable (args: overrideDerivation (f args) fdrv) origArgs; }
        else if lib.trivial.isFunction result then
          { __functor = self: result; inherit override; }
        else result;
    in lib.trivial.setFunctionArgs wrapped (lib.trivial.functionArgs f);

  callPackageWith = autoArgs: fn: args:
    let
      f = if lib.trivial.isFunction fn then fn else import fn;
      fargs = lib.trivial.functionArgs f;
      allArgs = b.intersectAttrs fargs autoArgs // args;
      missing = b.filter (n: !fargs.${n} && !(allArgs ? ${n})) (b.attrNames fargs);
    in
    if missing == [ ] then makeOverridable f allArgs
    else throw "Function called without required argument \"${b.head missing}\"";

  callPackagesWith = autoArgs: fn: args:
    let
      f = if lib.trivial.isFunction fn then fn else import fn;
      auto = b.intersectAttrs (lib.trivial.functionArgs f) autoArgs;
      origArgs = auto // args;
      pkgs = f origArgs;
      mkAttrOverridable = name: _: makeOverridable (newArgs: (f newArgs).${name}) origArgs;
    in
    if lib.attrsets.isDerivation pkgs then throw "function `callPackages` was called on a *single* derivation"
    else b.mapAttrs mkAttrOverridable pkgs;

  extendDerivation = condition: passthru: drv:
    if condition then drv // passthru else throw "extendDerivation: condition failed";

  hydraJob = drv: drv;

  makeScope = newScope: f:
    let self = f self // {
      newScope = scope: newScope (self // scope);
      callPackage = self.newScope { };
      overrideScope = g: makeScope newScope (lib.fixedPoints.extends g f);
      packages = f;
    };
    in self;
}
