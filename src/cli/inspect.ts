// list / show-ip / show-host-key: read-only views of the state.
import * as fs from 'fs';
import * as path from 'path';
import { isDeclarative, listContainerNames, parseConf, readConf, unquote, type ConfValues } from '../state/conf';
import type { StatePaths } from '../state/paths';
import { containerStatus } from '../runtime/index';
import { dieProg } from './cli-error';

export function listVerb(paths: StatePaths, json: boolean): number {
  const names = listContainerNames(paths);
  if (!json) {
    process.stdout.write(names.map((n) => `${n}\n`).join(''));
    return 0;
  }
  const items = names.map((name) => {
    let conf: ConfValues = {};
    try {
      conf = readConf(paths, name);
    } catch { /* unreadable: report what we can */ }
    const v = (k: string) => unquote(conf[k]) || null;
    return {
      name,
      status: containerStatus(name, paths),
      hostAddress: v('HOST_ADDRESS'),
      localAddress: v('LOCAL_ADDRESS'),
      hostAddress6: v('HOST_ADDRESS6'),
      localAddress6: v('LOCAL_ADDRESS6'),
      hostBridge: v('HOST_BRIDGE'),
      hostPort: v('HOST_PORT'),
      autoStart: unquote(conf.AUTO_START) === '1',
      declarative: isDeclarative(paths, name),
    };
  });
  process.stdout.write(JSON.stringify(items, null, 2) + '\n');
  return 0;
}

const V4 = /^([0-9.]+)(\/[0-9]+)?$/;
const V6 = /^([0-9a-fA-F:.]*:[0-9a-fA-F:.]*)(\/[0-9]+)?$/;

/** The container's address without prefix: LOCAL_ADDRESS (v4, or v6 unlike upstream), else LOCAL_ADDRESS6. */
export function containerAddress(conf: ConfValues): string | undefined {
  const local = unquote(conf.LOCAL_ADDRESS);
  const m4 = V4.exec(local) ?? V6.exec(local);
  if (m4) return m4[1];
  const m6 = V6.exec(unquote(conf.LOCAL_ADDRESS6));
  return m6 ? m6[1] : undefined;
}

export function showIpVerb(paths: StatePaths, name: string): number {
  const conf = parseConf(fs.readFileSync(path.join(paths.confDir, `${name}.conf`), 'utf8'));
  const ip = containerAddress(conf);
  if (!ip) dieProg('cannot get IP address');
  process.stdout.write(`${ip}\n`);
  return 0;
}

export function showHostKeyVerb(paths: StatePaths, name: string): number {
  const ssh = path.join(paths.containersDir, name, 'etc', 'ssh');
  for (const f of ['ssh_host_ed25519_key.pub', 'ssh_host_ecdsa_key.pub']) {
    let data: Buffer;
    try {
      data = fs.readFileSync(path.join(ssh, f));
    } catch {
      continue;
    }
    process.stdout.write(data);
    return 0;
  }
  return 1;
}
