// The plan of a container's last start (runDir/NAME/start-plan.sh), for the start fast path in
// the shell part of bin/nixos-container.
//
// `start NAME` of a stopped container spends ~100 ms in Node (its start-up, loading modules,
// the checks below) before systemd-nspawn runs. From this plan the launcher's shell starts the
// watcher (and so nspawn) itself within a few milliseconds, writes the runtime record and execs
// Node, which then follows the boot (lifecycle.ts, adoptedStart) while nspawn sets up. On this
// 2-core machine a start to ready takes ~60 ms less (README, Status).
//
// The plan holds what a start derives (the watcher's command and environment, the record's fixed
// fields) and what it derives them from: the conf file's text, the toplevel (and whether it came
// from the profile), the state root and store, the host's /etc/alternatives, the Node and
// supervisor paths. The shell uses it only when all of those are unchanged, the container is
// stopped with no runtime record, no lock and no leftover links, and its root still has what
// prepareRoot makes (the checks are generated here from rootfs.ts's lists). Anything else goes
// to Node, which starts the container the usual way and writes a new plan.
import * as fs from 'fs';
import * as path from 'path';
import { confPath, parseConf } from '../state/conf';
import { sh } from '../system/activation-script';
import type { StatePaths } from '../state/paths';
import type { ContainerRef } from './types';
import { confValue } from './conf';
import { hostHasSystemd } from './host';
import { HOST_ALTERNATIVES, ROOT_DIRS, ROOT_LINKS, containerGcrootsDir, containerProfileDir, containerRoot } from './rootfs';
import { runDirOf, SupervisorSpec } from './state';
import { WATCHER, watcherEnv } from './supervisor';

/** Bumped whenever the plan's variables change meaning; the launcher checks it. */
const START_PLAN_VERSION = '1';

export function startPlanFile(paths: StatePaths, name: string): string {
  return path.join(runDirOf(paths, name), 'start-plan.sh');
}

/** The text as the launcher reads it back (`read -r` line by line): every line ends in \n. */
function planConfText(text: string): string {
  if (text === '') return '';
  return text.endsWith('\n') ? text : text + '\n';
}

/** Where `cmd` is on the watcher's PATH (the plan names env and setsid by their full paths). */
function findOnPath(cmd: string, pathVar: string): string | undefined {
  for (const d of pathVar.split(':')) {
    if (!d.startsWith('/')) continue;
    const f = path.join(d, cmd);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return f;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** What a start from stopped runs (lifecycle.ts, startSpec), which the plan records. */
export interface StartSpec {
  spec: SupervisorSpec;
  /** bindsHostAlternatives(toplevel): the host's /etc/alternatives is bound. */
  alternatives: boolean;
  copyResolvConf: boolean;
}

/**
 * The plan as a shell fragment for the launcher to source (inside a function): sets nc_plan_*,
 * defines nc_plan_root_ok, and sets the positional parameters to the watcher's command.
 */
export function startPlanText(
  c: ContainerRef, p: StartSpec, specPath: string, confText: string, tools: { env: string; setsid: string },
): string {
  const { spec } = p;
  const { name, paths } = c;
  const root = containerRoot(paths, name);
  const env = watcherEnv(spec, specPath);
  const fromProfile = confValue(c.conf, 'SYSTEM_PATH') === '';
  // The record the start writes (state.json), less what the launcher adds: the watcher's pid.
  const recordHead = JSON.stringify({ name, toplevel: spec.toplevel, hostIface: spec.hostIface }).slice(0, -1);
  const inRoot = (f: string) => sh(path.join(root, f));
  const checks = [
    ...ROOT_DIRS.map((d) => `[ -d ${inRoot(d)} ]`),
    ...ROOT_LINKS.map(([l]) => `[ -L ${inRoot(l)} ]`),
    `{ [ -e ${inRoot('etc/os-release')} ] || [ -L ${inRoot('etc/os-release')} ]; }`,
    `{ read -r nc_id; } 2>/dev/null < ${inRoot('etc/machine-id')}`,
    `case $nc_id in ${'[0-9a-f]'.repeat(32)}) ;; *) return 1 ;; esac`,
    `[ -d ${sh(containerProfileDir(paths, name))} ]`,
    `[ -d ${sh(containerGcrootsDir(paths, name))} ]`,
    ...(p.alternatives ? [`[ -d ${inRoot('etc/alternatives')} ] && [ ! -L ${inRoot('etc/alternatives')} ]`] : []),
  ];
  const watcherCmd = [
    tools.env, '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    tools.setsid, '/bin/sh', '-c', WATCHER, 'nixos-container-watch', ...spec.argv,
  ];
  return [
    '# The plan of the last start of this container, for the start fast path of',
    '# bin/nixos-container (see src/runtime/start-plan.ts). Generated; sourced by the launcher.',
    `nc_plan_version=${START_PLAN_VERSION}`,
    `nc_plan_root=${sh(paths.root)}`,
    `nc_plan_store_env=${sh(process.env.NIXOS_CONTAINER_STORE ? paths.storeDir : '')}`,
    `nc_plan_conf=${sh(planConfText(confText))}`,
    `nc_plan_toplevel=${sh(spec.toplevel)}`,
    `nc_plan_profile=${sh(fromProfile ? path.join(containerProfileDir(paths, name), 'system') : '')}`,
    `nc_plan_alternatives=${p.alternatives ? 1 : 0}`,
    `nc_plan_alternatives_dir=${sh(HOST_ALTERNATIVES)}`,
    `nc_plan_resolv=${p.copyResolvConf ? inRoot('etc/resolv.conf') : "''"}`,
    `nc_plan_links=${sh(spec.hostIface ? `ve-${name} vb-${name}` : '')}`,
    `nc_plan_record=${sh(recordHead)}`,
    `nc_plan_spec=${sh(JSON.stringify(spec, null, 2))}`,
    `nc_plan_node=${sh(env.NC_NODE)}`,
    `nc_plan_supervisor=${sh(env.NC_SUPERVISOR)}`,
    '# prepareRoot has nothing to do (rootfs.ts: ROOT_DIRS, ROOT_LINKS and the files it makes)',
    'nc_plan_root_ok() {',
    ...checks.map((l) => `  ${l} || return 1`),
    '}',
    `set -- ${watcherCmd.map(sh).join(' ')}`,
    '',
  ].join('\n');
}

/**
 * Writes the plan of a start of `c` (atomically), or removes the old one when the fast path could
 * not run it as written: a host with systemd as PID 1, a conf file that no longer says what `c`
 * was read from, a name too long to find its links in /sys, commands the watcher's PATH lacks.
 * Never throws: without a plan the next start takes the usual path.
 */
export function writeStartPlan(c: ContainerRef, p: StartSpec, specPath: string): void {
  const file = startPlanFile(c.paths, c.name);
  try {
    const confText = fs.readFileSync(confPath(c.paths, c.name), 'utf8');
    const PATH = watcherEnv(p.spec, specPath).PATH;
    const env = findOnPath('env', PATH);
    const setsid = findOnPath('setsid', PATH);
    const sameConf = JSON.stringify(parseConf(confText)) === JSON.stringify(c.conf);
    if (hostHasSystemd() || !sameConf || `ve-${c.name}`.length > 15 || !env || !setsid) {
      fs.rmSync(file, { force: true });
      return;
    }
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, startPlanText(c, p, specPath, confText, { env, setsid }), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.rmSync(file, { force: true });
    } catch {
      /* unreadable plans are not used either */
    }
  }
}
