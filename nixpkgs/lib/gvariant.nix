# GVariant text values for dconf settings (lib.gvariant).
{ lib }:
let
  b = builtins;
  inherit (lib.strings) concatMapStringsSep concatStringsSep;

  type = {
    arrayOf = t: "a${t}";
    maybeOf = t: "m${t}";
    tupleOf = ts: "(${concatStringsSep "" ts})";
    dictionaryEntryOf = ts: "{${concatStringsSep "" ts}}";
    string = "s";
    boolean = "b";
    uchar = "y";
    int16 = "n";
    uint16 = "q";
    int32 = "i";
    uint32 = "u";
    int64 = "x";
    uint64 = "t";
    double = "d";
    variant = "v";
  };

  # A value that renders itself with `toString`.
  mkPrimitive = t: value: {
    _type = "gvariant";
    type = t;
    inherit value;
    __toString = self: "@${self.type} ${toString self.value}";
  };

  isGVariant = v: b.isAttrs v && v._type or null == "gvariant";

  mkValue = v:
    if b.isBool v then mkBoolean v
    else if b.isFloat v then mkDouble v
    else if b.isString v then mkString v
    else if b.isList v then mkArray v
    else if isGVariant v then v
    else if b.isInt v then mkInt32 v
    else throw "The GVariant type of “${b.typeOf v}” can't be inferred.";

  mkArray = elems:
    let
      vs = b.map mkValue elems;
      elemType =
        if vs == [ ] then throw "Please create empty array with mkEmptyArray."
        else (b.head vs).type;
    in
    mkPrimitive (type.arrayOf elemType) vs // {
      __toString = self: "@${self.type} [${concatMapStringsSep ", " toString self.value}]";
    };

  mkEmptyArray = elemType: mkPrimitive (type.arrayOf elemType) [ ] // {
    __toString = self: "@${self.type} []";
  };

  mkVariant = elem:
    let gv = mkValue elem; in
    mkPrimitive type.variant gv // { __toString = self: "<${toString self.value}>"; };

  mkDictionaryEntry = name: value:
    let
      n = mkValue name;
      v = mkValue value;
    in
    mkPrimitive (type.dictionaryEntryOf [ n.type v.type ]) [ n v ] // {
      __toString = self: "@${self.type} {${concatMapStringsSep "," toString self.value}}";
    };

  mkMaybe = elemType: elem:
    mkPrimitive (type.maybeOf elemType) elem // {
      __toString = self: if self.value == null then "@${self.type} nothing" else "just ${toString self.value}";
    };
  mkNothing = elemType: mkMaybe elemType null;
  mkJust = elem: let gv = mkValue elem; in mkMaybe gv.type gv;

  mkTuple = elems:
    let gvs = b.map mkValue elems; in
    mkPrimitive (type.tupleOf (b.map (e: e.type) gvs)) gvs // {
      __toString = self: "@${self.type} (${concatMapStringsSep "," toString self.value})";
    };

  mkBoolean = v: mkPrimitive type.boolean v // { __toString = self: if self.value then "true" else "false"; };

  mkString = v:
    let esc = s: b.replaceStrings [ "\\" "'" "\n" "\t" ] [ "\\\\" "\\'" "\\n" "\\t" ] s; in
    mkPrimitive type.string v // { __toString = self: "'${esc self.value}'"; };

  mkObjectpath = v: mkPrimitive "o" v // { __toString = self: "objectpath '${lib.strings.escape [ "'" ] self.value}'"; };

  mkUchar = mkPrimitive type.uchar;
  mkInt16 = mkPrimitive type.int16;
  mkUint16 = mkPrimitive type.uint16;
  mkInt32 = v: mkPrimitive type.int32 v // { __toString = self: toString self.value; };
  mkUint32 = mkPrimitive type.uint32;
  mkInt64 = mkPrimitive type.int64;
  mkUint64 = mkPrimitive type.uint64;
  mkDouble = v: mkPrimitive type.double v // { __toString = self: toString self.value; };
in
{
  inherit type isGVariant mkValue mkArray mkEmptyArray mkVariant mkDictionaryEntry mkMaybe
    mkNothing mkJust mkTuple mkBoolean mkString mkObjectpath mkUchar mkInt16 mkUint16 mkInt32
    mkUint32 mkInt64 mkUint64 mkDouble;
}
