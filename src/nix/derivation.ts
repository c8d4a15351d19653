// builtins.derivationStrict: turns derivation attributes into a store derivation
// (drvPath + output paths) using the store-path helpers, with Nix's string-context rules:
//   "path"          plain store path        -> inputSrcs
//   "=DRV"          all outputs of DRV      -> inputDrvs[DRV] = all its outputs
//   "!OUT!DRV"      output OUT of DRV       -> inputDrvs[DRV] += OUT
import * as fs from 'fs';
import * as nodePath from 'path';
import { NixError } from './errors';
import { EvalContext, coerceToString, force, forceBool, forceList, forceStringNoCtx } from './runtime';
import { toJSON } from './printer';
import { storePath } from './support';
import { NixAttrs, Value, mkStr } from './values';

interface DrvState {
  hashes: any; // DrvHashCache
  outputsOf: Map<string, string[]>;
}

function state(ev: EvalContext): DrvState {
  let s = ev.__drvState as DrvState | undefined;
  if (!s) {
    const sp = storePath();
    s = { hashes: new sp.DrvHashCache(), outputsOf: new Map() };
    ev.__drvState = s;
  }
  return s;
}

function outputsOfDrv(st: DrvState, drvPath: string): string[] {
  const known = st.outputsOf.get(drvPath);
  if (known) return known;
  try {
    const d = storePath().parseDerivation(fs.readFileSync(drvPath, 'latin1'));
    return [...d.outputs.keys()];
  } catch {
    throw new NixError(`don't know the outputs of derivation '${drvPath}'`);
  }
}

export function derivationStrict(ev: EvalContext, attrs: NixAttrs): Value {
  const sp = storePath();
  const st = state(ev);
  const nameV = attrs.get('name');
  if (nameV === undefined) throw new NixError("attribute 'name' missing for call to 'derivationStrict'");
  const drvName = forceStringNoCtx(nameV);
  const ctx = new Set<string>();
  const ignoreNullsV = attrs.get('__ignoreNulls');
  const ignoreNulls = ignoreNullsV !== undefined && forceBool(ignoreNullsV);
  const structuredV = attrs.get('__structuredAttrs');
  const structured = structuredV !== undefined && forceBool(structuredV);

  const env = new Map<string, string>();
  let builder = '';
  let system = '';
  let args: string[] = [];
  let outputs: string[] = ['out'];
  let outputHash: string | null = null;
  let outputHashAlgo: string | null = null;
  let outputHashMode: 'flat' | 'recursive' = 'flat';
  const jsonAttrs = new Map<string, Value>();

  for (const key of attrs.keys()) {
    if (key === '__ignoreNulls') continue;
    const v = attrs.get(key)!;
    if (ignoreNulls && force(v) === null) continue;
    try {
      if (key === '__structuredAttrs') continue;
      if (key === 'args') {
        args = forceList(v).map((a) => coerceToString(ev, a, ctx, { coerceMore: true, copyToStore: true }));
        continue;
      }
      if (structured) {
        jsonAttrs.set(key, v);
      }
      let s: string;
      if (key === 'outputs') {
        const outs = forceList(v).map((o) => forceStringNoCtx(o));
        if (outs.length === 0) throw new NixError('derivation cannot have an empty set of outputs');
        const seen = new Set<string>();
        for (const o of outs) {
          if (o === 'drv' || o === 'drvPath' || !/^[a-zA-Z0-9+\-._?=]+$/.test(o)) throw new NixError(`invalid derivation output name '${o}'`);
          if (seen.has(o)) throw new NixError(`duplicate derivation output '${o}'`);
          seen.add(o);
        }
        outputs = outs;
        s = outs.join(' ');
      } else if (structured) {
        if (key === 'builder' || key === 'system' || key.startsWith('outputHash')) s = forceStringNoCtx(v);
        else continue;
      } else {
        s = coerceToString(ev, v, ctx, { coerceMore: true, copyToStore: true });
      }
      if (key === 'builder') builder = s;
      else if (key === 'system') system = s;
      else if (key === 'outputHash') outputHash = s;
      else if (key === 'outputHashAlgo') outputHashAlgo = s;
      else if (key === 'outputHashMode') {
        if (s === 'recursive') outputHashMode = 'recursive';
        else if (s === 'flat') outputHashMode = 'flat';
        else throw new NixError(`invalid value '${s}' for 'outputHashMode' attribute`);
      }
      if (!structured) env.set(key, s);
    } catch (e) {
      if (e instanceof NixError) e.addTrace(`while evaluating the attribute '${key}' of the derivation '${drvName}'`, attrs.getPos(key) ?? null);
      throw e;
    }
  }
  if (structured) {
    const jctx = new Set<string>();
    env.set('__json', toJSON(ev, new NixAttrs(jsonAttrs), jctx));
    for (const c of jctx) ctx.add(c);
  }
  if (!builder && !attrs.has('builder')) throw new NixError("required attribute 'builder' missing");
  if (!attrs.has('system')) throw new NixError("required attribute 'system' missing");
  if (drvName.endsWith('.drv')) throw new NixError(`derivation names are not allowed to end in '.drv'`);

  const inputDrvs = new Map<string, string[]>();
  const inputSrcs: string[] = [];
  const addDrv = (p: string, outs: string[]) => {
    const prev = inputDrvs.get(p) ?? [];
    inputDrvs.set(p, [...new Set([...prev, ...outs])]);
  };
  for (const c of ctx) {
    if (c.startsWith('=')) {
      const p = c.slice(1);
      addDrv(p, outputsOfDrv(st, p));
    } else if (c.startsWith('!')) {
      const i = c.indexOf('!', 1);
      addDrv(c.slice(i + 1), [c.slice(1, i)]);
    } else inputSrcs.push(c);
  }

  let r: any;
  try {
    r = sp.computeDerivationPaths(
      {
        name: drvName,
        system,
        builder,
        args,
        env,
        outputs,
        inputDrvs,
        inputSrcs,
        fixed: outputHash !== null ? { outputHash, outputHashAlgo, outputHashMode } : null,
        storeDir: ev.storeDir,
      },
      st.hashes,
    );
  } catch (e) {
    if (e instanceof NixError) throw e;
    throw new NixError(String((e as Error).message ?? e));
  }
  const drvPath: string = r.drvPath;
  st.outputsOf.set(drvPath, outputs);
  if (ev.writeStore) {
    try {
      if (!fs.existsSync(drvPath)) {
        fs.mkdirSync(nodePath.dirname(drvPath), { recursive: true });
        fs.writeFileSync(drvPath + '.tmp', Buffer.from(r.drvText, 'latin1'), { mode: 0o444 });
        fs.renameSync(drvPath + '.tmp', drvPath);
      }
    } catch {
      /* the store may be read-only; the paths are still correct */
    }
  }
  const m = new Map<string, Value>();
  m.set('drvPath', mkStr(drvPath, ['=' + drvPath]));
  for (const o of outputs) m.set(o, mkStr(r.outPaths[o], [`!${o}!${drvPath}`]));
  return new NixAttrs(m);
}
