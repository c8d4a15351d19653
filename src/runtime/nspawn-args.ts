// The systemd-nspawn command line for a container (upstream §5.3 step 6-8), built as an argv
// array: nothing is ever word-split by a shell. Network setup inside the container happens in
// a tiny pre-init (upstream's "container-init", §5.4) that then execs $T/init as PID 1.
import * as path from 'path';
import type { ContainerRef } from './types';
import { confFlag, confValue, splitWords } from './conf';
import { HOST_ALTERNATIVES, bindsHostAlternatives, containerGcrootsDir, containerProfileDir, containerRoot, usrLayers } from './rootfs';

export const NETWORK_KEYS = ['HOST_ADDRESS', 'LOCAL_ADDRESS', 'HOST_ADDRESS6', 'LOCAL_ADDRESS6'] as const;

/** Host-side interface names nspawn uses (name > 12 chars: nspawn hashes it; the full name
 * stays available as an altname, which `ip link ... dev` resolves). */
export function vethName(name: string): string {
  return `ve-${name}`;
}
export function bridgePortName(name: string): string {
  return `vb-${name}`;
}

export function usesVeth(c: ContainerRef): boolean {
  if (!confFlag(c.conf, 'PRIVATE_NETWORK')) return false;
  return (
    NETWORK_KEYS.some((k) => confValue(c.conf, k) !== '') ||
    confValue(c.conf, 'LOCAL_MAC_ADDRESS') !== '' ||
    confValue(c.conf, 'HOST_BRIDGE') !== ''
  );
}

/**
 * Runs as PID 1 in the container, before $T/init: names host0 eth0 and configures it. One `ip`
 * process for all of it (-batch; -force: a failing line does not stop the others, as separate
 * commands would not): every process started here delays the boot. Families follow from the
 * addresses (an IPv6 default route is ::/0).
 */
export const PRE_INIT = [
  'if [ -n "$NC_VETH" ] && [ -e /sys/class/net/host0 ]; then',
  '  {',
  '    echo "link set dev host0 name eth0"',
  '    [ -z "$LOCAL_MAC_ADDRESS" ] || echo "link set dev eth0 address $LOCAL_MAC_ADDRESS"',
  '    echo "link set dev eth0 up"',
  '    [ -z "$LOCAL_ADDRESS" ] || echo "addr add $LOCAL_ADDRESS dev eth0"',
  '    [ -z "$LOCAL_ADDRESS6" ] || echo "addr add $LOCAL_ADDRESS6 dev eth0 nodad"',
  '    if [ -n "$HOST_ADDRESS" ]; then',
  '      echo "route add ${HOST_ADDRESS%/*} dev eth0"',
  '      echo "route add default via ${HOST_ADDRESS%/*}"',
  '    fi',
  '    if [ -n "$HOST_ADDRESS6" ]; then',
  '      echo "route add ${HOST_ADDRESS6%/*} dev eth0"',
  '      echo "route add ::/0 via ${HOST_ADDRESS6%/*}"',
  '    fi',
  '  } | ip -force -batch -',
  'fi',
  'exec "$@"',
].join('\n');

export interface NspawnCommand {
  argv: string[];
  hostIface?: string;
}

/** opts.alternatives: bindsHostAlternatives(c.toplevel), when the caller has it already. */
export function nspawnCommand(c: ContainerRef, opts: { noRegister: boolean; alternatives?: boolean }): NspawnCommand {
  const { name, paths, conf } = c;
  const root = containerRoot(paths, name);
  const flags: string[] = [];
  const veth = usesVeth(c);
  let hostIface: string | undefined;
  if (confFlag(conf, 'PRIVATE_NETWORK')) flags.push('--private-network');
  const privateUsers = confValue(conf, 'PRIVATE_USERS');
  if (privateUsers && privateUsers !== 'no') flags.push(`--private-users=${privateUsers}`);
  if (veth) {
    const bridge = confValue(conf, 'HOST_BRIDGE');
    if (bridge) {
      flags.push(`--network-bridge=${bridge}`);
      hostIface = bridgePortName(name);
    } else {
      flags.push('--network-veth');
      hostIface = vethName(name);
    }
    for (const item of confValue(conf, 'HOST_PORT').split(',').map((s) => s.trim()).filter(Boolean)) {
      flags.push(`--port=${item}`);
    }
  }
  const netns = confValue(conf, 'NETWORK_NAMESPACE_PATH');
  if (netns) flags.push(`--network-namespace-path=${netns}`);
  for (const i of splitWords(confValue(conf, 'INTERFACES'), 'INTERFACES')) flags.push(`--network-interface=${i}`);
  for (const i of splitWords(confValue(conf, 'MACVLANS'), 'MACVLANS')) flags.push(`--network-macvlan=${i}`);

  const layers = usrLayers(c.toplevel);
  // Host /usr is the lowest layer, the toplevel's layers go on top in order; the last path is the
  // mount point.
  const usrFlag = layers.length ? `--overlay-ro=${['/usr', ...layers, '/usr'].join(':')}` : '--bind-ro=/usr';
  const setenv: string[] = [];
  for (const k of ['PRIVATE_NETWORK', 'HOST_BRIDGE', ...NETWORK_KEYS, 'LOCAL_MAC_ADDRESS', 'HOST_PORT']) {
    setenv.push(`--setenv=${k}=${confValue(conf, k)}`);
  }
  setenv.push(`--setenv=NC_VETH=${veth ? '1' : ''}`);

  const argv = [
    'systemd-nspawn',
    '--keep-unit',
    ...(opts.noRegister ? ['--register=no'] : []),
    '-M', name,
    '-D', root,
    ...flags,
    '--notify-ready=yes',
    '--kill-signal=SIGRTMIN+3',
    '--console=read-only',
    '--link-journal=no',
    usrFlag,
    `--bind-ro=${c.paths.storeDir}:${c.paths.storeDir}`,
    ...((opts.alternatives ?? bindsHostAlternatives(c.toplevel)) ? [`--bind-ro=${HOST_ALTERNATIVES}`] : []),
    `--bind=${containerProfileDir(paths, name)}:/nix/var/nix/profiles`,
    `--bind=${containerGcrootsDir(paths, name)}:/nix/var/nix/gcroots`,
    ...setenv,
    ...splitWords(confValue(conf, 'EXTRA_NSPAWN_FLAGS'), 'EXTRA_NSPAWN_FLAGS'),
    '/bin/sh', '-c', PRE_INIT, 'container-init', path.join(c.toplevel, 'init'),
  ];
  return { argv, hostIface };
}

/** Bridged: nothing to do on the host (nspawn enslaves vb-NAME). Routed: address + routes. */
export function hostNetworkCommands(c: ContainerRef): string[][] {
  if (!usesVeth(c) || confValue(c.conf, 'HOST_BRIDGE')) return [];
  const dev = vethName(c.name);
  const cmds: string[][] = [['ip', 'link', 'set', 'dev', dev, 'up']];
  const h4 = confValue(c.conf, 'HOST_ADDRESS');
  const h6 = confValue(c.conf, 'HOST_ADDRESS6');
  const l4 = confValue(c.conf, 'LOCAL_ADDRESS');
  const l6 = confValue(c.conf, 'LOCAL_ADDRESS6');
  if (h4) cmds.push(['ip', 'addr', 'add', h4, 'dev', dev]);
  if (h6) cmds.push(['ip', '-6', 'addr', 'add', h6, 'dev', dev, 'nodad']);
  if (l4) cmds.push(['ip', 'route', 'add', l4, 'dev', dev]);
  if (l6) cmds.push(['ip', '-6', 'route', 'add', l6, 'dev', dev]);
  return cmds;
}
