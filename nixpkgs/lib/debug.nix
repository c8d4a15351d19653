# Tracing helpers (lib.debug).
{ lib }:
let b = builtins; in
rec {
  traceIf = pred: msg: x: if pred then b.trace msg x else x;
  traceValFn = f: x: b.trace (f x) x;
  traceVal = traceValFn (x: x);
  traceSeq = x: y: b.trace (b.deepSeq x x) y;
  traceSeqN = depth: x: y:
    let
      snip = v: if b.isList v then "[…]" else if b.isAttrs v then "{…}" else v;
      modify = n: fn: v: if n == 0 then fn v
        else if b.isList v then b.map (modify (n - 1) fn) v
        else if b.isAttrs v then b.mapAttrs (_: modify (n - 1) fn) v
        else v;
    in b.trace (lib.generators.toPretty { allowPrettyValues = true; } (modify depth snip x)) y;
  traceValSeqFn = f: v: traceValFn f (b.deepSeq v v);
  traceValSeq = traceValSeqFn (x: x);
  traceValSeqNFn = f: depth: v: traceSeqN depth (f v) v;
  traceValSeqN = traceValSeqNFn (x: x);
  traceFnSeqN = depth: name: f: v:
    let res = f v; in
    lib.debug.traceSeqN (depth + 1) { fn = name; from = v; to = res; } res;
  runTests = tests: lib.lists.concatLists (lib.attrsets.mapAttrsToList (name: test:
    let testsToRun = if tests ? tests then tests.tests else [ ]; in
    if (b.substring 0 4 name == "test" || b.elem name testsToRun) && ((testsToRun == [ ]) || b.elem name tests.tests)
      && (test.expr != test.expected)
    then [ { inherit name; expected = test.expected; result = test.expr; } ]
    else [ ]) tests);
  testAllTrue = expr: { inherit expr; expected = b.map (x: true) expr; };
}
