// `nixos-container gc [--dry-run] [--json]`: removes the store paths that no container's
// profile generation and no gcroot references, and says what it freed.
import { statePaths } from '../state/paths';
import { collectGarbage } from '../packages';

const HELP = `Usage: nixos-container gc [--dry-run] [--json]

Deletes every store path that no generation of any container's profile and no gcroot
references (directly or through other store paths), and prints what was freed.

  --dry-run   only print what would be deleted
  --json      print the result as JSON ({"deleted": [{"path", "bytes"}], "bytes", "dryRun"})
`;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)} ${units[i]}`;
}

export async function gcVerb(args: string[]): Promise<number> {
  let dryRun = false;
  let json = false;
  for (const a of args) {
    if (a === '--dry-run' || a === '-n') dryRun = true;
    else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(HELP);
      return 0;
    } else {
      process.stderr.write(`nixos-container gc: unknown option '${a}'\n${HELP}`);
      return 1;
    }
  }
  const paths = statePaths();
  let result;
  try {
    result = collectGarbage(paths, { dryRun });
  } catch (e) {
    process.stderr.write(`error: garbage collection failed: ${(e as Error).message}\n`);
    return 1;
  }
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ dryRun, deleted: result.dead, bytes: result.totalBytes, live: result.live }, null, 2)}\n`,
    );
    return 0;
  }
  const verb = dryRun ? 'would delete' : 'deleting';
  for (const d of result.dead) process.stdout.write(`${verb} '${d.path}' (${formatBytes(d.bytes)})\n`);
  const n = result.dead.length;
  const total = formatBytes(result.totalBytes);
  process.stdout.write(
    dryRun
      ? `${n} store path${n === 1 ? '' : 's'} would be deleted, ${total} would be freed\n`
      : `${n} store path${n === 1 ? '' : 's'} deleted, ${total} freed\n`,
  );
  return 0;
}
