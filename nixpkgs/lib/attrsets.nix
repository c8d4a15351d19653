# Attribute-set helpers (lib.attrsets).
{ lib }:
let
  b = builtins;
  inherit (lib.lists) foldr;
in
rec {
  inherit (b) attrNames listToAttrs hasAttr isAttrs getAttr removeAttrs intersectAttrs catAttrs mapAttrs attrValues zipAttrsWith;

  attrByPath = attrPath: default: set:
    let
      n = b.length attrPath;
      go = i: s:
        if i == n then s
        else let a = b.elemAt attrPath i; in
          if s ? ${a} then go (i + 1) s.${a} else default;
    in go 0 set;
  hasAttrByPath = attrPath: e:
    let
      n = b.length attrPath;
      go = i: s:
        if i == n then true
        else let a = b.elemAt attrPath i; in
          if s ? ${a} then go (i + 1) s.${a} else false;
    in go 0 e;
  longestValidPathPrefix = attrPath: v:
    let
      n = b.length attrPath;
      go = i: s:
        if i == n then attrPath
        else let a = b.elemAt attrPath i; in
          if b.isAttrs s && s ? ${a} then go (i + 1) s.${a} else lib.lists.take i attrPath;
    in go 0 v;
  setAttrByPath = attrPath: value:
    let
      n = b.length attrPath;
      go = i: if i == n then value else { ${b.elemAt attrPath i} = go (i + 1); };
    in go 0;
  getAttrFromPath = attrPath: set:
    attrByPath attrPath (abort ("cannot find attribute `" + b.concatStringsSep "." attrPath + "'")) set;
  concatMapAttrs = f: v: b.foldl' (acc: x: acc // x) { } (b.attrValues (b.mapAttrs f v));
  updateManyAttrsByPath =
    let
      go = prefixLength: hasValue: value: updates:
        let
          split = lib.lists.partition (u: b.length u.path == prefixLength) updates;
          nested = split.wrong;
          here = split.right;
          base =
            if here == [ ] then { inherit hasValue value; }
            else b.foldl' (acc: u: { hasValue = true; value = u.update acc.value; }) { inherit hasValue value; } here;
          grouped = b.groupBy (u: b.elemAt u.path prefixLength) nested;
          merged = b.mapAttrs (name: ups:
            go (prefixLength + 1) (base.hasValue && b.isAttrs base.value && base.value ? ${name}) (base.value.${name} or null) ups
          ) grouped;
        in
        if nested == [ ] then base.value
        else if base.hasValue && !(b.isAttrs base.value) then
          throw "updateManyAttrsByPath: Path '${b.concatStringsSep "." (b.elemAt nested 0).path}' does not exist in the expression"
        else (if base.hasValue then base.value else { }) // merged;
    in
    updates: value: go 0 true value updates;
  attrVals = nameList: set: b.map (x: set.${x}) nameList;
  getAttrs = names: attrs: lib.genAttrs names (name: attrs.${name});
  filterAttrs = pred: set:
    b.removeAttrs set (b.filter (name: !(pred name set.${name})) (b.attrNames set));
  filterAttrsRecursive = pred: set:
    b.listToAttrs (b.concatMap (name:
      let v = set.${name}; in
      if pred name v then [ (nameValuePair name (if b.isAttrs v then filterAttrsRecursive pred v else v)) ] else [ ]
    ) (b.attrNames set));
  foldlAttrs = f: init: set: b.foldl' (acc: name: f acc name set.${name}) init (b.attrNames set);
  foldAttrs = op: nul: list_of_attrs:
    foldr (n: a: foldr (name: o: o // { ${name} = op n.${name} (a.${name} or nul); }) a (b.attrNames n)) { } list_of_attrs;
  collect = pred: attrs:
    if pred attrs then [ attrs ]
    else if b.isAttrs attrs then b.concatMap (collect pred) (b.attrValues attrs)
    else [ ];
  cartesianProduct = attrsOfLists:
    b.foldl' (listOfAttrs: attrName:
      b.concatMap (attrs: b.map (v: attrs // { ${attrName} = v; }) attrsOfLists.${attrName}) listOfAttrs
    ) [ { } ] (b.attrNames attrsOfLists);
  cartesianProductOfSets = cartesianProduct;
  mapCartesianProduct = f: attrsOfLists: b.map f (cartesianProduct attrsOfLists);
  nameValuePair = name: value: { inherit name value; };
  mapAttrs' = f: set: b.listToAttrs (b.map (attr: f attr set.${attr}) (b.attrNames set));
  mapAttrsToList = f: attrs: b.map (name: f name attrs.${name}) (b.attrNames attrs);
  attrsToList = mapAttrsToList nameValuePair;
  mapAttrsToListRecursive = mapAttrsToListRecursiveCond (_: _: true);
  mapAttrsToListRecursiveCond = pred: f: set:
    let
      go = path: set: b.concatLists (mapAttrsToList (name: value:
        let p = path ++ [ name ]; in
        if b.isAttrs value && pred p value then go p value else [ (f p value) ]
      ) set);
    in go [ ] set;
  mapAttrsRecursive = f: set: mapAttrsRecursiveCond (as: true) f set;
  mapAttrsRecursiveCond = cond: f: set:
    let
      recurse = path: b.mapAttrs (name: value:
        if b.isAttrs value && cond value then recurse (path ++ [ name ]) value
        else f (path ++ [ name ]) value);
    in recurse [ ] set;
  genAttrs = names: f: b.listToAttrs (b.map (n: nameValuePair n (f n)) names);
  genAttrs' = xs: f: b.listToAttrs (b.map f xs);
  isDerivation = value: value.type or null == "derivation";
  toDerivation = path:
    let path' = b.storePath path; in
    { type = "derivation"; name = lib.strings.sanitizeDerivationName (b.substring 33 (-1) (b.baseNameOf path')); outPath = path'; outputs = [ "out" ]; out = path'; outputName = "out"; };
  optionalAttrs = cond: as: if cond then as else { };
  zipAttrsWithNames = names: f: sets:
    b.listToAttrs (b.map (name: { inherit name; value = f name (b.catAttrs name sets); }) names);
  zipAttrs = zipAttrsWith (name: values: values);
  mergeAttrsList = list: b.foldl' (a: c: a // c) { } list;
  recursiveUpdateUntil = pred: lhs: rhs:
    let
      f = attrPath: zipAttrsWith (n: values:
        let here = attrPath ++ [ n ]; in
        if b.length values == 1 || pred here (b.elemAt values 1) (b.head values) then b.head values
        else f here values);
    in f [ ] [ rhs lhs ];
  recursiveUpdate = lhs: rhs:
    recursiveUpdateUntil (path: lhs: rhs: !(b.isAttrs lhs && b.isAttrs rhs)) lhs rhs;
  matchAttrs = pattern: attrs:
    assert b.isAttrs pattern;
    b.all (attr:
      attrs ? ${attr} && (
        let lhs = pattern.${attr}; rhs = attrs.${attr}; in
        if b.isAttrs lhs then b.isAttrs rhs && matchAttrs lhs rhs else lhs == rhs)
    ) (b.attrNames pattern);
  overrideExisting = old: new: b.mapAttrs (name: value: new.${name} or value) old;
  showAttrPath = path:
    if path == [ ] then "<root attribute path>" else b.concatStringsSep "." (b.map lib.strings.escapeNixIdentifier path);
  getOutput = output: pkg:
    if !pkg ? outputSpecified || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;
  getFirstOutput = candidates: pkg:
    let outs = b.filter (o: pkg ? ${o}) candidates; in
    if pkg.outputSpecified or false || outs == [ ] then pkg else pkg.${b.head outs};
  getBin = getOutput "bin";
  getLib = getOutput "lib";
  getDev = getOutput "dev";
  getInclude = getFirstOutput [ "include" "dev" "out" ];
  getMan = getOutput "man";
  chooseDevOutputs = b.map getDev;
  recurseIntoAttrs = attrs: attrs // { recurseForDerivations = true; };
  dontRecurseIntoAttrs = attrs: attrs // { recurseForDerivations = false; };
  unionOfDisjoint = x: y:
    let
      common = b.intersectAttrs x y;
      collisions = b.concatStringsSep " " (b.attrNames common);
      mask = b.mapAttrs (name: value: throw "unionOfDisjoint: collision on ${name}; complete list: ${collisions}") common;
    in (x // y) // mask;
  zipWithNames = zipAttrsWithNames;
  zip = b.trace "Warning: `zip` is deprecated and will be removed in the next release. Please use `zipAttrsWith` instead" zipAttrsWith;
}
