# List helpers (lib.lists).
{ lib }:
let
  b = builtins;
  inherit (lib.trivial) min max;
in
rec {
  inherit (b) head tail length isList elemAt concatLists filter elem genList foldl' map all any sort partition groupBy concatMap;

  singleton = x: [ x ];
  forEach = xs: f: b.map f xs;
  foldr = op: nul: list:
    let
      n = b.length list;
      go = i: if i == n then nul else op (b.elemAt list i) (go (i + 1));
    in go 0;
  fold = foldr;
  foldl = op: nul: list:
    let go = i: if i < 0 then nul else op (go (i - 1)) (b.elemAt list i);
    in go (b.length list - 1);
  ifoldr = op: nul: list:
    let
      n = b.length list;
      go = i: if i == n then nul else op i (b.elemAt list i) (go (i + 1));
    in go 0;
  imap0 = f: list: b.genList (i: f i (b.elemAt list i)) (b.length list);
  imap1 = f: list: b.genList (i: f (i + 1) (b.elemAt list i)) (b.length list);
  concatMapAttrsToList = f: attrs: b.concatLists (lib.attrsets.mapAttrsToList f attrs);
  flatten = x: if b.isList x then b.concatMap flatten x else [ x ];
  remove = e: b.filter (x: x != e);
  findSingle = pred: none: multiple: list:
    let found = b.filter pred list; n = b.length found; in
    if n == 0 then none else if n > 1 then multiple else b.head found;
  findFirstIndex = pred: default: list:
    let
      n = b.length list;
      go = i: if i == n then default else if pred (b.elemAt list i) then i else go (i + 1);
    in go 0;
  findFirst = pred: default: list:
    let i = findFirstIndex pred null list; in
    if i == null then default else b.elemAt list i;
  count = pred: b.foldl' (c: x: if pred x then c + 1 else c) 0;
  optional = cond: elem: if cond then [ elem ] else [ ];
  optionals = cond: elems: if cond then elems else [ ];
  toList = x: if b.isList x then x else [ x ];
  range = first: last: if first > last then [ ] else b.genList (n: first + n) (last - first + 1);
  replicate = n: x: b.genList (_: x) n;
  partition' = b.partition;
  groupBy' = op: nul: pred: lst:
    b.mapAttrs (_: b.foldl' op nul) (b.groupBy pred lst);
  zipListsWith = f: fst: snd:
    b.genList (n: f (b.elemAt fst n) (b.elemAt snd n)) (min (b.length fst) (b.length snd));
  zipLists = zipListsWith (fst: snd: { inherit fst snd; });
  reverseList = xs: let l = b.length xs; in b.genList (n: b.elemAt xs (l - n - 1)) l;
  listDfs = stopOnCycles: before: list:
    let
      dfs' = us: visited: rest:
        let
          c = b.filter (x: before x us) visited;
          b' = partition (x: before x us) rest;
        in
        if stopOnCycles && (b.length c > 0) then { cycle = us; loops = c; inherit visited rest; }
        else if b.length b'.right == 0 then { minimal = us; inherit visited rest; }
        else dfs' (b.head b'.right) ([ us ] ++ visited) (b.tail b'.right ++ b'.wrong);
    in dfs' (b.head list) [ ] (b.tail list);
  toposort = before: list:
    let
      dfsthis = listDfs true before list;
      toporest = toposort before (dfsthis.visited ++ dfsthis.rest);
    in
    if b.length list < 2 then { result = list; }
    else if dfsthis ? cycle then { cycle = reverseList ([ dfsthis.cycle ] ++ dfsthis.visited); loops = dfsthis.loops; }
    else if toporest ? cycle then toporest
    else { result = [ dfsthis.minimal ] ++ toporest.result; };
  sortOn = f: list:
    b.map (p: p.v) (b.sort (x: y: x.k < y.k) (b.map (v: { k = f v; inherit v; }) list));
  compareLists = cmp: a: c:
    if a == [ ] then (if c == [ ] then 0 else -1)
    else if c == [ ] then 1
    else let r = cmp (b.head a) (b.head c); in
      if r == 0 then compareLists cmp (b.tail a) (b.tail c) else r;
  naturalSort = lst:
    let
      vectorise = s: b.map (x: if b.isList x then b.fromJSON (b.head x) else x) (b.split "(0|[1-9][0-9]*)" s);
      prepared = b.map (x: [ (vectorise x) x ]) lst;
      less = a: c: (compareLists lib.trivial.compare (b.head a) (b.head c)) < 0;
    in b.map (x: b.elemAt x 1) (b.sort less prepared);
  take = count: sublist 0 count;
  drop = count: list: sublist count (b.length list) list;
  dropEnd = n: xs: take (max 0 (b.length xs - n)) xs;
  takeEnd = n: xs: drop (max 0 (b.length xs - n)) xs;
  hasPrefix = pre: list: take (b.length pre) list == pre;
  removePrefix = pre: list:
    if hasPrefix pre list then drop (b.length pre) list
    else throw "lib.lists.removePrefix: First argument is not a list prefix of the second argument";
  sublist = start: count: list:
    let
      len = b.length list;
      n = if start >= len then 0 else if start + count > len then len - start else count;
    in b.genList (i: b.elemAt list (i + start)) (max 0 n);
  commonPrefix = l1: l2:
    let
      n = min (b.length l1) (b.length l2);
      go = i: if i < n && b.elemAt l1 i == b.elemAt l2 i then go (i + 1) else i;
    in take (go 0) l1;
  last = list:
    assert lib.assertMsg (list != [ ]) "lists.last: list must not be empty!";
    b.elemAt list (b.length list - 1);
  init = list:
    assert lib.assertMsg (list != [ ]) "lists.init: list must not be empty!";
    take (b.length list - 1) list;
  crossLists = f: foldl (fs: args: b.concatMap (f: b.map f args) fs) [ f ];
  unique = b.foldl' (acc: e: if b.elem e acc then acc else acc ++ [ e ]) [ ];
  allUnique = list: b.length (unique list) == b.length list;
  uniqueStrings = list: b.attrNames (b.listToAttrs (b.map (n: { name = n; value = null; }) list));
  intersectLists = e: b.filter (x: b.elem x e);
  subtractLists = e: b.filter (x: !(b.elem x e));
  mutuallyExclusive = a: c: (b.length a) == 0 || !(b.any (x: b.elem x a) c);
  concatAttrValues = set: b.concatLists (b.attrValues set);
  replaceElemAt = list: idx: value:
    assert lib.assertMsg (idx >= 0 && idx < b.length list) "'lists.replaceElemAt' called with index ${b.toString idx} on a list of size ${b.toString (b.length list)}";
    b.genList (i: if i == idx then value else b.elemAt list i) (b.length list);
  insertAt = idx: value: list:
    take idx list ++ [ value ] ++ drop idx list;
  zipWithIndex = imap0 (i: v: { index = i; inherit v; });
}
