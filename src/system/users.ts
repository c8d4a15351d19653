// Users and groups: id allocation as NixOS does it (explicit ids kept; normal users from 1000
// up; system users and all groups without an id from 999 down; in name order), and the
// /etc/passwd, /etc/group and /etc/shadow texts.
import type { GroupEntry, UserEntry } from './manifest';
import { deterministicSalt, sha512crypt } from './sha512crypt';

export interface ResolvedUser extends UserEntry {
  uid: number;
  gid: number;
}
export interface ResolvedGroup extends GroupEntry {
  gid: number;
}

export class UsersError extends Error {}

function allocator(taken: Set<number>) {
  return {
    up(from: number): number {
      let i = from;
      while (taken.has(i)) i++;
      taken.add(i);
      return i;
    },
    down(from: number): number {
      let i = from;
      while (taken.has(i)) i--;
      if (i < 1) throw new UsersError('error: out of system ids (999 down to 1)');
      taken.add(i);
      return i;
    },
  };
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Ids a container already uses (its live /etc/passwd and /etc/group), kept for the same names. */
export interface PreviousIds {
  uids: Map<string, number>;
  gids: Map<string, number>;
}

/** Parses name -> id from passwd/group text (third field). */
export function parseIds(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2])) m.set(f[0], Number(f[2]));
  }
  return m;
}

export function resolveIds(
  users: UserEntry[],
  groups: GroupEntry[],
  previous: PreviousIds = { uids: new Map(), gids: new Map() },
): { users: ResolvedUser[]; groups: ResolvedGroup[] } {
  const gTaken = new Set<number>(groups.filter((g) => g.gid !== null).map((g) => g.gid as number));
  const gAlloc = allocator(gTaken);
  const gKeep = new Map<string, number>();
  for (const g of [...groups].sort(byName)) {
    const old = previous.gids.get(g.name);
    if (g.gid === null && old !== undefined && !gTaken.has(old)) {
      gKeep.set(g.name, old);
      gTaken.add(old);
    }
  }
  const rgroups: ResolvedGroup[] = [...groups].sort(byName).map((g) => ({ ...g, gid: g.gid ?? gKeep.get(g.name) ?? gAlloc.down(999) }));
  const gidOf = new Map(rgroups.map((g) => [g.name, g.gid]));

  const uTaken = new Set<number>(users.filter((u) => u.uid !== null).map((u) => u.uid as number));
  const uAlloc = allocator(uTaken);
  const sorted = [...users].sort(byName);
  const uidOf = new Map<string, number>();
  for (const u of sorted) if (u.uid !== null) uidOf.set(u.name, u.uid);
  for (const u of sorted) {
    const old = previous.uids.get(u.name);
    if (u.uid === null && old !== undefined && !uTaken.has(old)) {
      uidOf.set(u.name, old);
      uTaken.add(old);
    }
  }
  for (const u of sorted) if (!uidOf.has(u.name) && u.isNormalUser) uidOf.set(u.name, uAlloc.up(1000));
  for (const u of sorted) if (!uidOf.has(u.name) && !u.isNormalUser) uidOf.set(u.name, uAlloc.down(999));

  const rusers = sorted.map((u) => {
    const gid = gidOf.get(u.group);
    if (gid === undefined) {
      throw new UsersError(`error: users.users.${u.name}.group refers to the group \`${u.group}', which is not defined in users.groups.`);
    }
    return { ...u, uid: uidOf.get(u.name)!, gid };
  });

  // users.groups.<g>.members plus users.users.<u>.extraGroups
  const members = new Map<string, string[]>(rgroups.map((g) => [g.name, [...g.members]]));
  for (const u of rusers) {
    for (const g of u.extraGroups) {
      const list = members.get(g);
      if (!list) continue; // NixOS ignores extraGroups naming groups that do not exist
      if (!list.includes(u.name)) list.push(u.name);
    }
  }
  for (const g of rgroups) g.members = [...new Set(members.get(g.name) ?? [])].sort();
  return { users: rusers, groups: rgroups };
}

const byId = <T>(id: (x: T) => number) => (a: T, b: T) => id(a) - id(b);

export function passwdText(users: ResolvedUser[]): string {
  return [...users]
    .sort(byId((u) => u.uid))
    .map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.description.replace(/[:\n]/g, ' ')}:${u.home}:${u.shell}\n`)
    .join('');
}

export function groupText(groups: ResolvedGroup[]): string {
  return [...groups]
    .sort(byId((g) => g.gid))
    .map((g) => `${g.name}:x:${g.gid}:${g.members.join(',')}\n`)
    .join('');
}

/** The declared password hash of a user, if the configuration fixes one. */
export function declaredHash(u: UserEntry): string | null {
  if (u.hashedPassword !== null) return u.hashedPassword;
  if (u.password !== null) return sha512crypt(u.password, deterministicSalt(u.name, u.password));
  return null;
}

/** The hash a new account starts with (initialHashedPassword / initialPassword), else "!" (locked). */
export function initialHash(u: UserEntry): string {
  if (u.initialHashedPassword !== null) return u.initialHashedPassword;
  if (u.initialPassword !== null) return sha512crypt(u.initialPassword, deterministicSalt(u.name, u.initialPassword));
  return '!';
}

/**
 * /etc/shadow as the configuration defines it. Activation merges it with the live file:
 * with mutableUsers, accounts without a declared hash keep the password they have.
 */
export function shadowText(users: ResolvedUser[]): string {
  return [...users]
    .sort(byId((u) => u.uid))
    .map((u) => `${u.name}:${declaredHash(u) ?? initialHash(u)}:1::::::\n`)
    .join('');
}

/** Names of the accounts whose password the live system may keep (no declared hash). */
export function mutablePasswordUsers(users: ResolvedUser[], mutableUsers: boolean): string[] {
  if (!mutableUsers) return [];
  return users.filter((u) => declaredHash(u) === null && u.hashedPasswordFile === null).map((u) => u.name).sort();
}
