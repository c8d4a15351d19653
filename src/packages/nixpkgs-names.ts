// nixpkgs attribute names -> Debian package names, for the names that differ (and a few that
// are the same but worth stating, being the ones real container configs use most; see
// spec/option-usage.md §7). The first Debian name is the package the attribute stands for;
// further names are realized with it and their files join the same output (nixpkgs' openssh
// has both sshd and ssh). Names absent here are looked up in the archive as they are.

export const NIXPKGS_TO_DEBIAN: Readonly<Record<string, readonly string[]>> = {
  // same name, listed because configs use them most
  coreutils: ['coreutils'],
  python3: ['python3'],
  postgresql: ['postgresql'],
  gawk: ['gawk'],
  iproute2: ['iproute2'],
  procps: ['procps'],
  vim: ['vim'],
  git: ['git'],
  curl: ['curl'],
  nginx: ['nginx'],
  htop: ['htop'],
  jq: ['jq'],
  nodejs: ['nodejs'],
  openssl: ['openssl'],
  // different names
  openssh: ['openssh-server', 'openssh-client'],
  gnugrep: ['grep'],
  gnused: ['sed'],
  gnutar: ['tar'],
  gnumake: ['make'],
  gnupg: ['gnupg'],
  xz: ['xz-utils'],
  iproute: ['iproute2'],
  inetutils: ['inetutils-telnet', 'inetutils-ftp', 'inetutils-traceroute', 'inetutils-tools'],
  bind: ['bind9'],
  'bind.dnsutils': ['bind9-dnsutils'],
  'bind.host': ['bind9-host'],
  dnsutils: ['bind9-dnsutils'],
  dig: ['bind9-dnsutils'],
  host: ['bind9-host'],
  nettools: ['net-tools'],
  iputils: ['iputils-ping'],
  shadow: ['passwd'],
  su: ['util-linux'],
  which: ['debianutils'],
  man: ['man-db'],
  'pkg-config': ['pkgconf'],
  pkgconfig: ['pkgconf'],
  mtr: ['mtr-tiny'],
  netcat: ['netcat-openbsd'],
  'netcat-openbsd': ['netcat-openbsd'],
  cacert: ['ca-certificates'],
  dejavu_fonts: ['fonts-dejavu-core'],
  p7zip: ['p7zip-full'],
  unrar: ['unrar-free'],
  offlineimap: ['offlineimap3'],
  firefox: ['firefox-esr'],
  fd: ['fd-find'],
  'wireshark-cli': ['tshark'],
  iperf: ['iperf3'],
  iperf3: ['iperf3'],
  stunnel: ['stunnel4'],
  sqlite: ['sqlite3'],
  'sqlite-interactive': ['sqlite3'],
  mariadb: ['mariadb-server', 'mariadb-client'],
  'mariadb-client': ['mariadb-client'],
  mysql: ['mariadb-server', 'mariadb-client'],
  redis: ['redis-server', 'redis-tools'],
  apacheHttpd: ['apache2'],
  docker: ['docker.io'],
  go: ['golang'],
  jdk: ['default-jdk'],
  openjdk: ['default-jdk'],
  jre: ['default-jre'],
  lua: ['lua5.4'],
  yarn: ['yarnpkg'],
  'nfs-utils': ['nfs-common'],
  transmission: ['transmission-daemon'],
  borgbackup: ['borgbackup'],
  emacs: ['emacs'],
  'emacs-nox': ['emacs-nox'],
  php: ['php-cli'],
  dovecot: ['dovecot-core', 'dovecot-imapd'],
  nginxMainline: ['nginx'],
  nginxStable: ['nginx'],
  nginxQuic: ['nginx'],
  vim_configurable: ['vim'],
  'vim-full': ['vim'],
  neovim: ['neovim'],
  'iptables-nftables-compat': ['iptables'],
  'iptables-legacy': ['iptables'],
  wireguard: ['wireguard-tools'],
  'wireguard-tools': ['wireguard-tools'],
  ripgrep: ['ripgrep'],
  bat: ['bat'],
  'util-linux': ['util-linux'],
  utillinux: ['util-linux'],
  e2fsprogs: ['e2fsprogs'],
  binutils: ['binutils'],
  gcc: ['gcc'],
  clang: ['clang'],
  'ghostty.terminfo': ['ncurses-term'],
  ncurses: ['ncurses-bin'],
  dbus: ['dbus'],
  avahi: ['avahi-daemon'],
  samba: ['samba'],
  bash: ['bash'],
  bashInteractive: ['bash'],
  zsh: ['zsh'],
  busybox: ['busybox'],
  hello: ['hello'],
  systemd: ['systemd'],
  kea: ['kea'],
  dhcpcd: ['dhcpcd-base'],
  chrony: ['chrony'],
  ntp: ['ntpsec'],
  openvpn: ['openvpn'],
  unbound: ['unbound'],
  dnsmasq: ['dnsmasq'],
  'knot-dns': ['knot'],
  tor: ['tor'],
  mosquitto: ['mosquitto'],
  coturn: ['coturn'],
  'yq-go': ['yq'],
  yq: ['yq'],
  ffmpeg: ['ffmpeg'],
  'ffmpeg-full': ['ffmpeg'],
  wineWowPackages: ['wine'],
};

/**
 * The Debian names an attribute stands for: the table first, then the systematic renamings
 * (postgresql_15 -> postgresql-15, python311 -> python3.11, python3Packages.X -> python3-X,
 * nodejs_20 -> nodejs), else undefined (the caller tries the name itself).
 */
export function debianNamesFor(attr: string): readonly string[] | undefined {
  const direct = NIXPKGS_TO_DEBIAN[attr];
  if (direct) return direct;
  let m = /^postgresql_?(\d+)(?:_(\d+))?$/.exec(attr);
  if (m) return [m[2] ? `postgresql-${m[1]}.${m[2]}` : `postgresql-${m[1]}`];
  m = /^python3(\d+)$/.exec(attr);
  if (m) return [`python3.${m[1]}`];
  m = /^python3\d*Packages\.([A-Za-z0-9._-]+)$/.exec(attr);
  if (m) return [`python3-${m[1].toLowerCase().replace(/_/g, '-')}`];
  m = /^nodePackages\.([A-Za-z0-9._-]+)$/.exec(attr);
  if (m) return [`node-${m[1].toLowerCase()}`];
  if (/^nodejs[-_]\d+(_x)?$/.test(attr)) return ['nodejs'];
  return undefined;
}
