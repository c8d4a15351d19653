# Package metadata helpers (lib.meta).
{ lib }:
let
  b = builtins;
in
rec {
  addMetaAttrs = newAttrs: drv: drv // { meta = (drv.meta or { }) // newAttrs; };
  dontDistribute = drv: addMetaAttrs { hydraPlatforms = [ ]; } drv;
  setName = name: drv: drv // { inherit name; };
  updateName = updater: drv: drv // { name = updater (drv.name); };
  appendToName = suffix: updateName (name:
    let x = b.parseDrvName name; in "${x.name}-${suffix}-${x.version}");
  mapDerivationAttrset = f: set: lib.attrsets.mapAttrs (name: pkg: if lib.attrsets.isDerivation pkg then f pkg else pkg) set;
  setPrio = priority: addMetaAttrs { inherit priority; };
  lowPrio = setPrio 10;
  lowPrioSet = set: mapDerivationAttrset lowPrio set;
  hiPrio = setPrio (-10);
  hiPrioSet = set: mapDerivationAttrset hiPrio set;
  getLicenseFromSpdxId = id: { spdxId = id; shortName = id; fullName = id; free = true; };
  getExe = x:
    getExe' x (x.meta.mainProgram or (lib.trivial.warn
      "getExe: Package ${b.toJSON (lib.strings.getName x)} does not have the meta.mainProgram attribute. We'll assume that the main program has the same name for now, but this behavior is deprecated, because it leads to surprising errors when the assumption does not hold. If the package has a main program, please set `meta.mainProgram` in its definition to make this warning go away. Otherwise, if the package does not have a main program, or if you don't control its definition, use getExe' to specify the name to the program, such as lib.getExe' foo \"bar\"."
      (lib.strings.getName x)));
  getExe' = x: y: "${lib.attrsets.getBin x}/bin/${y}";
  platformMatch = platform: elem: true;
  availableOn = platform: pkg: true;
}
