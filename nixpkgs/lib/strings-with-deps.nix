# Ordered text snippets with dependencies, as used by activation scripts
# (lib.stringsWithDeps).
{ lib }:
let
  b = builtins;
in
rec {
  # Concatenate the snippets named in `names`, each after the snippets it depends on.
  textClosureList = predefined: names:
    let
      visit = done: name:
        if b.elem name done.seen then done
        else
          let
            entry = predefined.${name};
            deps = if b.isAttrs entry then entry.deps or [ ] else [ ];
            text = if b.isAttrs entry then entry.text else entry;
            afterDeps = b.foldl' visit (done // { seen = done.seen ++ [ name ]; }) deps;
          in afterDeps // { texts = afterDeps.texts ++ [ text ]; };
    in (b.foldl' visit { seen = [ ]; texts = [ ]; } names).texts;
  textClosureMap = f: predefined: names:
    b.concatStringsSep "\n" (b.map f (textClosureList predefined names));
  noDepEntry = text: { inherit text; deps = [ ]; };
  fullDepEntry = text: deps: { inherit text deps; };
  packEntry = deps: { inherit deps; text = ""; };
  stringAfter = deps: text: { inherit text deps; };
}
