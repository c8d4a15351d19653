// Address bookkeeping for `create`: which addresses the existing containers use, and the
// first free 10.233.N.1/10.233.N.2 pair. Unlike upstream, values written with a /prefix,
// in quotes or as IPv6 are seen too (upstream only matches bare dotted quads).
import * as fs from 'fs';
import * as path from 'path';
import { listContainerNames, parseConf, unquote } from './conf';
import type { StatePaths } from './paths';

export interface UsedAddress {
  address: string;
  container: string;
  key: string;
}

const ADDRESS_KEYS = ['HOST_ADDRESS', 'LOCAL_ADDRESS', 'HOST_ADDRESS6', 'LOCAL_ADDRESS6'];

export function stripPrefix(a: string): string {
  const i = a.indexOf('/');
  return (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
}

export function usedAddresses(paths: StatePaths): UsedAddress[] {
  const out: UsedAddress[] = [];
  for (const name of listContainerNames(paths)) {
    let conf;
    try {
      conf = parseConf(fs.readFileSync(path.join(paths.confDir, `${name}.conf`), 'utf8'));
    } catch {
      continue;
    }
    for (const key of ADDRESS_KEYS) {
      const v = stripPrefix(unquote(conf[key]));
      if (v) out.push({ address: v, container: name, key });
    }
  }
  return out;
}

/** The first N in 1..254 with neither 10.233.N.1 nor 10.233.N.2 in use. */
export function allocatePair(used: UsedAddress[]): { host: string; local: string } | undefined {
  const set = new Set(used.map((u) => u.address));
  for (let n = 1; n < 255; n++) {
    const host = `10.233.${n}.1`;
    const local = `10.233.${n}.2`;
    if (!set.has(host) && !set.has(local)) return { host, local };
  }
  return undefined;
}
