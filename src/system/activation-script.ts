// Texts of $toplevel/activate and $toplevel/init (see index.ts for the contract).
//
// activate (POSIX sh, idempotent; at boot before systemd, and again on a live update):
//   /etc/static -> $T/etc; managed /etc entries linked (or copied with their mode/owner);
//   entries of the previous generation that are gone are removed (list in /etc/.clean);
//   passwd/group copied; shadow merged (with mutableUsers, existing accounts without a
//   declared password keep theirs); homes created; /run/current-system; snippets of
//   system.activationScripts; on a live update, systemd-tmpfiles applies the rules.
//
// A boot of the generation whose activation last finished in this root (/etc/.activated, written
// last) skips the work that still stands: the /etc/.clean sweep, the /root and /tmp modes, and
// any copied file, passwd, group or shadow not modified since that activation (rewriting them
// would give the same bytes: the shadow merge is idempotent). That is most boots, and each
// process avoided there is a few milliseconds of `start`. Links are checked with shell tests
// alone, so they are always checked; snippets always run.
import type { EtcEntry } from './manifest';
import type { ResolvedUser } from './users';

/** Single-quoted shell word. */
export function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** "+0" (numeric, as NixOS writes it) or a name, as chown/install accept it. */
function owner(s: string): string {
  return s.startsWith('+') ? s.slice(1) : s;
}

export interface ActivationInput {
  toplevel: string;
  etc: EtcEntry[];
  users: ResolvedUser[];
  mutablePasswordUsers: string[];
  snippets: Array<{ name: string; text: string }>;
}

/** Targets handled by activation itself rather than as plain entries. */
export const SPECIAL_ETC = new Set(['passwd', 'group', 'shadow']);

export function activateScript(a: ActivationInput): string {
  const L: string[] = [];
  const T = a.toplevel;
  L.push('#!/bin/sh');
  L.push(`# Activation of ${T} (generated; idempotent).`);
  L.push('set -e');
  L.push('export PATH=/usr/bin:/usr/sbin:/bin:/sbin');
  L.push(`systemConfig=${sh(T)}`);
  L.push('umask 022');
  L.push('# Same generation as the last finished activation, at boot: see unchanged().');
  L.push('same=');
  L.push('if [ -n "${NC_BOOT:-}" ] && [ -f /etc/.activated ] && { IFS= read -r last < /etc/.activated; } 2>/dev/null &&');
  L.push('  [ "$last" = "$systemConfig" ]; then same=1; fi');
  L.push('# True when $1 is as that activation left it (not modified since: -nt compares mtimes in ns).');
  L.push('unchanged() { [ -n "$same" ] && [ -e "$1" ] && [ ! "$1" -nt /etc/.activated ]; }');
  const dirs = '/etc /run /var/lib/nixos /var/empty /root /tmp';
  L.push(`for d in ${dirs}; do`);
  L.push(`  [ -d "$d" ] || { mkdir -p ${dirs}; break; }`);
  L.push('done');
  L.push('[ -n "$same" ] || { chmod 0700 /root; chmod 1777 /tmp; }');
  L.push('');
  L.push('# /etc/static points at this generation\'s etc tree.');
  L.push('if ! { [ -L /etc/static ] && [ /etc/static -ef "$systemConfig/etc" ]; }; then');
  L.push('  ln -sfn "$systemConfig/etc" /etc/.static.tmp && mv -Tf /etc/.static.tmp /etc/static');
  L.push('fi');
  L.push('');
  L.push('# Remove entries of the previous generation that this one no longer has (one grep for all:');
  L.push('# this runs at every boot, where each process counts).');
  L.push('if [ -z "$same" ] && [ -f /etc/.clean ]; then');
  L.push('  gone=$(grep -vxF -f "$systemConfig/etc-targets" /etc/.clean || true)');
  L.push('  [ -z "$gone" ] || printf \'%s\\n\' "$gone" | while IFS= read -r t; do');
  L.push('    [ -n "$t" ] || continue');
  L.push('    [ "$t" != resolv.conf ] || continue');
  L.push('    if [ -L "/etc/$t" ] || [ -f "/etc/$t" ]; then rm -f "/etc/$t"; fi');
  L.push('    rmdir -p "$(dirname "/etc/$t")" 2>/dev/null || true');
  L.push('  done');
  L.push('fi');
  L.push('');
  L.push('link() { # target');
  L.push('  # Already a link that resolves to the entry in /etc/static (the usual case at boot): done.');
  L.push('  if [ -L "/etc/$1" ] && [ "/etc/$1" -ef "/etc/static/$1" ]; then return 0; fi');
  L.push('  case $1 in */*) [ -d "/etc/${1%/*}" ] || mkdir -p "/etc/${1%/*}" ;; esac');
  L.push('  if [ -d "/etc/$1" ] && [ ! -L "/etc/$1" ]; then rm -rf "/etc/$1"; fi');
  L.push('  if [ ! -e "/etc/$1" ] && [ ! -L "/etc/$1" ]; then ln -s "/etc/static/$1" "/etc/$1"; return 0; fi');
  L.push('  ln -sfn "/etc/static/$1" "/etc/$1.tmp" && mv -Tf "/etc/$1.tmp" "/etc/$1"');
  L.push('}');
  L.push('copy() { # target mode user group');
  L.push('  if [ ! -L "/etc/$1" ] && unchanged "/etc/$1"; then return 0; fi');
  L.push('  mkdir -p "$(dirname "/etc/$1")"');
  L.push('  if [ -d "/etc/$1" ] && [ ! -L "/etc/$1" ]; then rm -rf "/etc/$1"; fi');
  L.push('  cp -f "/etc/static/$1" "/etc/$1.tmp"');
  L.push('  chown "$3:$4" "/etc/$1.tmp" 2>/dev/null || chown "$3" "/etc/$1.tmp" 2>/dev/null || true');
  L.push('  chmod "$2" "/etc/$1.tmp"');
  L.push('  mv -f "/etc/$1.tmp" "/etc/$1"');
  L.push('}');
  for (const e of a.etc) {
    if (SPECIAL_ETC.has(e.target)) continue;
    if (e.mode === 'symlink') L.push(`link ${sh(e.target)}`);
    else L.push(`copy ${sh(e.target)} ${sh(e.mode)} ${sh(owner(e.user))} ${sh(owner(e.group))}`);
  }
  L.push('[ -n "$same" ] || cp -f "$systemConfig/etc-targets" /etc/.clean');
  L.push('');
  L.push('# Accounts: passwd and group as declared; shadow merged with the live one.');
  L.push('for f in passwd group; do');
  L.push('  unchanged "/etc/$f" || { install -m 0644 "$systemConfig/etc/$f" "/etc/.$f.tmp" && mv -f "/etc/.$f.tmp" "/etc/$f"; }');
  L.push('done');
  L.push(`mutable=${sh(a.mutablePasswordUsers.join(' '))}`);
  L.push('if ! unchanged /etc/shadow; then');
  L.push('  old=/etc/shadow; [ -f "$old" ] || old=/dev/null');
  L.push('  # By its own name: /usr/bin/awk may be an update-alternatives link, not there yet.');
  L.push('  AWK=$(command -v mawk || command -v gawk || command -v original-awk || command -v awk)');
  L.push(
    `  "$AWK" -F: -v OFS=: -v mutable="$mutable" 'BEGIN { n = split(mutable, a, " "); for (i = 1; i <= n; i++) m[a[i]] = 1 }` +
      ` FILENAME == ARGV[1] { if (NF > 1) old[$1] = $2; next } { if (($1 in m) && ($1 in old)) $2 = old[$1]; print }'` +
      ' "$old" "$systemConfig/etc/shadow" > /etc/.shadow.tmp',
  );
  L.push('  chmod 0640 /etc/.shadow.tmp; chgrp shadow /etc/.shadow.tmp 2>/dev/null || true');
  L.push('  mv -f /etc/.shadow.tmp /etc/shadow');
  L.push('fi');
  L.push('');
  L.push('# Home directories.');
  for (const u of a.users) {
    if (!u.createHome || u.home === '/var/empty' || u.home === '/' || u.home === '') continue;
    L.push(
      `if [ ! -e ${sh(u.home)} ]; then mkdir -p ${sh(u.home)}; chown ${u.uid}:${u.gid} ${sh(u.home)}; chmod ${sh(u.homeMode)} ${sh(u.home)}; fi`,
    );
  }
  L.push('');
  L.push('ln -sfn "$systemConfig" /run/current-system');
  L.push('[ -e /etc/machine-id ] || : > /etc/machine-id');
  L.push('');
  for (const s of a.snippets) {
    L.push(`# activation snippet: ${s.name.replace(/\n/g, ' ')}`);
    L.push('(', s.text, `) || echo ${sh(`warning: activation snippet ${s.name} failed`)} >&2`);
  }
  L.push('');
  L.push('# On a live update (systemd already runs), apply tmpfiles rules now.');
  L.push('if [ -z "${NC_BOOT:-}" ] && [ -d /run/systemd/system ]; then');
  L.push('  systemd-tmpfiles --create --remove --exclude-prefix=/dev >/dev/null 2>&1 || true');
  L.push('fi');
  L.push('# Last: what this activation did stands for the next boot of the same generation.');
  L.push('printf \'%s\\n\' "$systemConfig" > /etc/.activated');
  L.push('exit 0');
  return L.join('\n') + '\n';
}

export function initScript(toplevel: string): string {
  return [
    '#!/bin/sh',
    `# PID 1 of the container: activate ${toplevel}, then become the host's systemd.`,
    '# Sourced in a subshell: the same as running it, without one more exec of the shell. (Not',
    '# in an and-or list, where the shell would ignore its `set -e`.)',
    `(export NC_BOOT=1; . ${sh(toplevel + '/activate')})`,
    `[ $? = 0 ] || echo "warning: activation of ${toplevel.replace(/"/g, '')} failed" >&2`,
    'exec /lib/systemd/systemd "$@"',
    '',
  ].join('\n');
}
