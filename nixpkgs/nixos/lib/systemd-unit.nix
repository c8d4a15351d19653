# Rendering of systemd unit files from NixOS-style unit descriptions.
{ lib }:
with lib;
rec {
  # One value as systemd writes it.
  showValue = v:
    if v == true then "true"
    else if v == false then "false"
    else toString v;

  # `Key=value` lines of a section; a list gives one line per element.
  sectionLines = attrs: concatStrings (mapAttrsToList (k: v:
    if v == null then ""
    else if builtins.isList v then concatMapStrings (x: "${k}=${showValue x}\n") v
    else "${k}=${showValue v}\n") attrs);

  section = name: attrs: "[${name}]\n" + sectionLines attrs;

  # Environment="K=V": systemd's C-style quoting of `"` and `\`.
  envLine = k: v: "Environment=\"${escape [ "\\" "\"" ] "${k}=${toString v}"}\"\n";

  # The [Unit] keys every kind of unit shares.
  commonUnitKeys = u: filterAttrs (_: v: v != [ ] && v != "" && v != null) {
    Description = u.description or "";
    Documentation = u.documentation or [ ];
    Requires = concatStringsSep " " (u.requires or [ ]);
    Wants = concatStringsSep " " (u.wants or [ ]);
    After = concatStringsSep " " (u.after or [ ]);
    Before = concatStringsSep " " (u.before or [ ]);
    BindsTo = concatStringsSep " " (u.bindsTo or [ ]);
    PartOf = concatStringsSep " " (u.partOf or [ ]);
    Conflicts = concatStringsSep " " (u.conflicts or [ ]);
    Requisite = concatStringsSep " " (u.requisite or [ ]);
    Upholds = concatStringsSep " " (u.upholds or [ ]);
    OnFailure = concatStringsSep " " (u.onFailure or [ ]);
    OnSuccess = concatStringsSep " " (u.onSuccess or [ ]);
  };

  unitSection = u: extra: section "Unit" (commonUnitKeys u // (u.unitConfig or { }) // extra);

  # A unit description for the `systemd.units` option.
  mkUnit = u: text: {
    inherit text;
    wantedBy = u.wantedBy or [ ];
    requiredBy = u.requiredBy or [ ];
    upheldBy = u.upheldBy or [ ];
    enable = u.enable or true;
  };
}
