// Is a supervised container up, and who is its leader? Read from runDir/NAME/state.json and
// /proc only. Kept apart from lifecycle.ts (which pulls in the network and nspawn code) so the
// `run` fast path (cli/run-fast.ts) loads just this, state.ts and proc.ts.
import type { StatePaths } from '../state/paths';
import type { ContainerState } from './types';
import { isAlive, procComm } from './proc';
import { readRecord, RuntimeRecord } from './state';

export interface Inspection {
  rec?: RuntimeRecord;
  nspawn: boolean;
  leader: boolean;
  supervisor: boolean;
}

export function inspect(paths: StatePaths, name: string): Inspection {
  const rec = readRecord(paths, name);
  const nspawn = !!rec?.nspawn && isAlive(rec.nspawn) && procComm(rec.nspawn.pid) === 'systemd-nspawn';
  return { rec, nspawn, leader: !!rec?.leader && isAlive(rec.leader), supervisor: !!rec?.supervisor && isAlive(rec.supervisor) };
}

/** "up" only when nspawn and the container's init are alive and boot has finished (upstream: ActiveState=active). */
export function supervisedStatus(paths: StatePaths, name: string): ContainerState {
  const i = inspect(paths, name);
  return i.nspawn && i.leader && i.rec?.ready ? 'up' : 'down';
}

export function supervisedLeader(paths: StatePaths, name: string): number | undefined {
  const i = inspect(paths, name);
  return i.nspawn && i.leader ? i.rec!.leader!.pid : undefined;
}
