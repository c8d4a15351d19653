// A minimal but real system toplevel, built by hand in a temporary store, laid out per the
// contract in src/system/index.ts: init, activate, etc/, sw/, usr-layers. It boots the host's
// systemd with: root + alice + the system users host units need, a hostname, an /etc file,
// and a custom service (a tiny HTTP responder in python3 from the host's /usr) wanted by
// multi-user.target. Two variants let tests switch a running container live.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { StatePaths } from '../../src/state/paths';

export interface FixtureOptions {
  hostname: string;
  /** Text of /etc/greeting, also what the HTTP service answers (through its unit's Environment=). */
  greeting: string;
  /** HTTP port of hello.service. */
  port?: number;
  /** Extra unit files: name -> text; `wanted` ones get a multi-user.target.wants link. */
  units?: Record<string, { text: string; wanted?: boolean }>;
}

const HELLO_SERVER = `#!/usr/bin/python3
# Answers every GET with "<GREETING> pid=<pid>" (the pid shows restarts).
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("%s pid=%d\\n" % (os.environ.get("GREETING", "?"), os.getpid())).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer.address_family = __import__("socket").AF_INET6
srv = http.server.ThreadingHTTPServer(("::", int(sys.argv[1])), H)
srv.serve_forever()
`;

function write(file: string, text: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
}

export function buildFixtureToplevel(paths: StatePaths, o: FixtureOptions): string {
  const port = o.port ?? 8080;
  const units: Record<string, { text: string; wanted?: boolean }> = {
    'hello.service': {
      wanted: true,
      text: [
        '[Unit]',
        'Description=Tiny HTTP responder',
        '[Service]',
        `Environment=GREETING=${o.greeting}`,
        `ExecStart=@SW@/bin/hello-server ${port}`,
        '',
      ].join('\n'),
    },
    ...o.units,
  };
  const key = JSON.stringify({ o, units, HELLO_SERVER, v: 2 });
  const hash = crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
  const T = path.join(paths.storeDir, `${hash}-nixos-system-${o.hostname}-fixture`);
  if (fs.existsSync(path.join(T, 'init'))) return T;
  const tmp = `${T}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const sw = path.join(T, 'sw');

  write(path.join(tmp, 'sw/bin/hello-server'), HELLO_SERVER, 0o755);
  const etc = path.join(tmp, 'etc');
  write(path.join(etc, 'passwd'), [
    'root:x:0:0:System administrator:/root:/bin/bash',
    'alice:x:1000:100:Alice:/home/alice:/bin/sh',
    'messagebus:x:4:4:D-Bus:/run/dbus:/usr/sbin/nologin',
    'systemd-network:x:152:152:systemd Network Management:/:/usr/sbin/nologin',
    'systemd-timesync:x:154:154:systemd Time Synchronization:/:/usr/sbin/nologin',
    'nobody:x:65534:65534:Unprivileged account:/var/empty:/usr/sbin/nologin',
    '',
  ].join('\n'));
  const groups = [
    'root:x:0:', 'messagebus:x:4:', 'users:x:100:alice', 'systemd-journal:x:101:', 'systemd-network:x:152:',
    'systemd-timesync:x:154:', 'nogroup:x:65534:',
  ];
  write(path.join(etc, 'group'), groups.join('\n') + '\n');
  // gshadow must match group: systemd-sysusers refuses to run ("Group X already exists" in
  // gshadow) when an earlier boot's additions linger in only one of them.
  write(path.join(etc, 'gshadow'), groups.map((g) => `${g.split(':')[0]}:!::${g.split(':')[3]}`).join('\n') + '\n', 0o640);
  write(path.join(etc, 'shadow'), ['root:!:1::::::', 'alice:!:1::::::', 'messagebus:!:1::::::', 'systemd-network:!:1::::::',
    'systemd-timesync:!:1::::::', 'nobody:!:1::::::', ''].join('\n'), 0o640);
  write(path.join(etc, 'hostname'), `${o.hostname}\n`);
  write(path.join(etc, 'hosts'), `127.0.0.1 localhost\n::1 localhost\n127.0.0.2 ${o.hostname}\n`);
  write(path.join(etc, 'os-release'), 'NAME=NixOS\nID=nixos\nVERSION_ID="fixture"\nPRETTY_NAME="NixOS fixture"\n');
  write(path.join(etc, 'greeting'), `${o.greeting}\n`);
  write(path.join(etc, 'profile'), 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nexport NC_PROFILE_SOURCED=1\n');
  const sys = path.join(etc, 'systemd/system');
  fs.mkdirSync(path.join(sys, 'multi-user.target.wants'), { recursive: true });
  fs.symlinkSync('/usr/lib/systemd/system/multi-user.target', path.join(sys, 'default.target'));
  // Units that make no sense in this container (first-boot questions, a getty on the console
  // that is a log file, the journal flush needing /var/log/journal setup).
  for (const u of ['systemd-firstboot.service', 'console-getty.service', 'getty@.service']) fs.symlinkSync('/dev/null', path.join(sys, u));
  for (const [u, def] of Object.entries(units)) {
    write(path.join(sys, u), def.text.replace(/@SW@/g, sw));
    if (def.wanted) fs.symlinkSync(`../${u}`, path.join(sys, 'multi-user.target.wants', u));
  }

  // Same effect as copying each file in turn, in few processes (it runs before systemd at every
  // boot, like the real activation script, which also avoids per-entry processes): one cp into
  // a staging directory, one mv of all of them (each rename atomic).
  write(path.join(tmp, 'activate'), [
    '#!/bin/sh',
    '# Idempotent: makes /etc from this system (safe to re-run in a live container).',
    `T=${T}`,
    'set -e',
    'mkdir -p /etc/systemd /etc/.activate /var/log /var/lib /var/empty /home /root /run',
    'cp -f "$T/etc/passwd" "$T/etc/group" "$T/etc/hostname" "$T/etc/hosts" "$T/etc/os-release" "$T/etc/greeting" \\',
    '  "$T/etc/profile" "$T/etc/shadow" "$T/etc/gshadow" /etc/.activate/',
    'chmod 0640 /etc/.activate/shadow /etc/.activate/gshadow',
    'mv -f /etc/.activate/* /etc/',
    'if ! { [ -L /etc/systemd/system ] && [ /etc/systemd/system -ef "$T/etc/systemd/system" ]; }; then',
    '  rm -rf /etc/systemd/system.tmp && ln -s "$T/etc/systemd/system" /etc/systemd/system.tmp',
    '  if [ -d /etc/systemd/system ] && [ ! -L /etc/systemd/system ]; then rm -rf /etc/systemd/system; fi',
    '  mv -Tf /etc/systemd/system.tmp /etc/systemd/system',
    'fi',
    'id=; read -r id 2>/dev/null < /etc/machine-id || true',
    'if [ ${#id} -ne 32 ]; then tr -d - < /proc/sys/kernel/random/uuid > /etc/machine-id; fi',
    'install -d -o 1000 -g 100 -m 0700 /home/alice',
    'chmod 0700 /root',
    '',
  ].join('\n'), 0o755);
  write(path.join(tmp, 'init'), [
    '#!/bin/sh',
    `${T}/activate || echo "warning: activation of ${T} failed" >&2`,
    'exec /lib/systemd/systemd "$@"',
    '',
  ].join('\n'), 0o755);
  write(path.join(tmp, 'usr-layers'), '');
  write(path.join(tmp, 'system'), 'x86_64-linux\n');
  write(path.join(tmp, 'nixos-version'), 'fixture\n');
  write(path.join(tmp, 'configuration.json'), JSON.stringify({ networking: { hostName: o.hostname } }) + '\n');
  fs.renameSync(tmp, T);
  return T;
}
