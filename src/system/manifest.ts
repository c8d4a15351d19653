// The build manifest: what the NixOS option modules produce (config.system.build.manifest,
// see nixpkgs/nixos/modules/system/build.nix) and the toplevel builder consumes. Plain JSON.
export interface EtcEntry {
  target: string;
  /** File text; null when `source` names the file. */
  text: string | null;
  source: string | null;
  /** "symlink" or an octal mode: the file is copied into /etc with that mode and owner. */
  mode: string;
  user: string;
  group: string;
}

export interface UnitEntry {
  /** Unit file text; null for a host unit (from /usr/lib/systemd/system) that is only linked. */
  text: string | null;
  wantedBy: string[];
  requiredBy: string[];
  upheldBy: string[];
  enable: boolean;
}

export interface UserEntry {
  name: string;
  uid: number | null;
  group: string;
  extraGroups: string[];
  description: string;
  home: string;
  homeMode: string;
  createHome: boolean;
  isSystemUser: boolean;
  isNormalUser: boolean;
  shell: string;
  hashedPassword: string | null;
  password: string | null;
  initialPassword: string | null;
  initialHashedPassword: string | null;
  hashedPasswordFile: string | null;
}

export interface GroupEntry {
  name: string;
  gid: number | null;
  members: string[];
}

export interface Manifest {
  formatVersion: number;
  name: string;
  nixosVersion: string;
  system: string;
  stateVersion: string;
  etc: EtcEntry[];
  units: Record<string, UnitEntry>;
  maskedUnits: string[];
  defaultUnit: string;
  users: UserEntry[];
  groups: GroupEntry[];
  mutableUsers: boolean;
  systemPackages: string[];
  requiredPackages: string[];
  activationScripts: Array<{ name: string; text: string }>;
  tmpfilesRules: string[];
  warnings: string[];
  configuration: unknown;
}

/** Checks the shape of a manifest coming from the evaluator (a wrong shape is a bug, not a user error). */
export function checkManifest(x: unknown): Manifest {
  const m = x as Manifest;
  const need = (cond: boolean, what: string) => {
    if (!cond) throw new Error(`internal error: the build manifest is malformed (${what})`);
  };
  need(typeof m === 'object' && m !== null, 'not an attribute set');
  need(m.formatVersion === 1, 'formatVersion');
  need(typeof m.name === 'string', 'name');
  need(Array.isArray(m.etc), 'etc');
  need(typeof m.units === 'object' && m.units !== null, 'units');
  need(Array.isArray(m.users) && Array.isArray(m.groups), 'users/groups');
  need(Array.isArray(m.systemPackages), 'systemPackages');
  need(Array.isArray(m.activationScripts), 'activationScripts');
  for (const e of m.etc) {
    need(typeof e.target === 'string' && e.target !== '', 'etc target');
    need(!e.target.split('/').includes('..') && !e.target.startsWith('/'), `etc target '${e.target}'`);
  }
  return m;
}
