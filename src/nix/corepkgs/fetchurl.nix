# <nix/fetchurl.nix>: Nix ships a fixed-output fetcher here. This evaluator cannot
# download anything, so calling it fails with a clear message.
{ url ? null, urls ? [ ], ... }@args:
throw "fetchurl (<nix/fetchurl.nix>) is not supported by this evaluator: it needs network access (url: ${toString (if url != null then url else urls)})"
