// HTTP GETs from the host to a container that refuse to leave the machine. Hosts like this one
// sit behind an egress proxy that accepts a connection to any address and answers with an empty
// 200, so a request sent before a container's route exists (say, in the moment after an
// in-container reboot, before the host side of the new veth is configured) would leave the
// machine and come back as a wrong answer. Each GET first asks the kernel where a packet to the
// host would go and sends it only over loopback or the device the test names.
import { spawnSync } from 'child_process';
import * as http from 'http';
import { sleep } from '../src/runtime/proc';

/** The device the kernel would send a packet to `addr` through (`ip route get`), if any. */
export function routeDevice(addr: string): string | undefined {
  const r = spawnSync('ip', ['-o', 'route', 'get', addr], { encoding: 'utf8' });
  return r.status === 0 ? /\bdev (\S+)/.exec(r.stdout)?.[1] : undefined;
}

export interface Page {
  status: number;
  body: string;
}

/** GET http://host:port/path, only if the route to `host` is loopback or `dev`. */
export function localGet(host: string, port: number, dev: string, urlPath = '/', timeout = 3000): Promise<Page> {
  const via = routeDevice(host);
  if (via !== 'lo' && via !== dev) {
    return Promise.reject(new Error(`not sending to ${host}: its route goes via ${via ?? 'nowhere'}, not ${dev}`));
  }
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: urlPath, timeout, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out fetching http://${host}:${port}${urlPath}`)));
    req.on('error', reject);
  });
}

/** localGet, retried every 50 ms while it fails (service not up yet, route not there yet). */
export async function localGetRetry(host: string, port: number, dev: string, tries = 40): Promise<Page> {
  for (let i = 0; ; i++) {
    try {
      return await localGet(host, port, dev);
    } catch (e) {
      if (i >= tries) throw e;
      await sleep(50);
    }
  }
}
