// `nixos-container eval`: a drop-in for `nix-instantiate --eval`.
//
//   nixos-container eval [--strict] [--json|--xml] [-I path] [--arg N E] [--argstr N S]
//                        [-A attrpath] [--show-trace] [--parse] (FILE... | -E EXPR... | -)
//
// Evaluation runs in-process; if it overflows the JS stack it is retried once in a
// worker thread with a much larger stack.
import * as fs from 'fs';
import * as nodePath from 'path';

const USAGE = `Usage: nixos-container eval [OPTIONS] (FILE... | -E EXPR... | -)

Evaluate Nix expressions like 'nix-instantiate --eval' and print the result.

Options:
  --strict              evaluate the result deeply
  --json                print the result as JSON
  --xml                 print the result as XML
  --no-location         omit source locations in XML output
  -E, --expr            treat the arguments as Nix expressions
  -A, --attr PATH       select an attribute (e.g. -A foo.bar.0)
  -I PATH | NAME=PATH   add to the search path for <...> lookups
  --arg NAME EXPR       pass NAME=EXPR to a top-level function
  --argstr NAME STRING  pass NAME="STRING" to a top-level function
  --show-trace          show "while evaluating" frames in errors
  --parse               only parse; print the parsed expression
  -                     read the expression from standard input
  --read-write-mode     let toFile and path copies write into the store (as Nix does)
  --eval-only, --eval, --timeout N   accepted for compatibility
`;

interface Flags {
  strict: boolean;
  json: boolean;
  xml: boolean;
  location: boolean;
  expr: boolean;
  attrPaths: string[];
  searchPath: string[];
  autoArgs: { name: string; expr?: string; str?: string }[];
  showTrace: boolean;
  parseOnly: boolean;
  /** --read-write-mode: toFile and path copies really write into the store, as Nix does. */
  readWrite: boolean;
  lint: { absolutePathLiterals?: 'warn' | 'fatal'; shortPathLiterals?: 'warn' | 'fatal'; urlLiterals?: 'warn' | 'fatal' };
  features: string[];
  files: string[];
}

function parseFlags(args: string[]): Flags | string {
  const f: Flags = {
    strict: false,
    json: false,
    xml: false,
    location: true,
    expr: false,
    attrPaths: [],
    searchPath: [],
    autoArgs: [],
    showTrace: false,
    parseOnly: false,
    readWrite: false,
    files: [],
    lint: {},
    features: [],
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const need = (n: number): string[] | string => {
      if (i + n >= args.length) return `option '${a}' requires ${n === 1 ? 'an argument' : `${n} arguments`}`;
      const r = args.slice(i + 1, i + 1 + n);
      i += n;
      return r;
    };
    switch (a) {
      case '--read-write-mode':
        f.readWrite = true;
        break;
      case '--readonly-mode':
        f.readWrite = false;
        break;
      case '--eval':
      case '--eval-only':
      case '--impure':
      case '--pure-eval':
        break;
      case '--strict':
        f.strict = true;
        break;
      case '--json':
        f.json = true;
        break;
      case '--xml':
        f.xml = true;
        break;
      case '--no-location':
        f.location = false;
        break;
      case '-E':
      case '--expr':
        f.expr = true;
        break;
      case '--show-trace':
        f.showTrace = true;
        break;
      case '--parse':
        f.parseOnly = true;
        break;
      case '-A':
      case '--attr': {
        const r = need(1);
        if (typeof r === 'string') return r;
        f.attrPaths.push(r[0]);
        break;
      }
      case '-I':
      case '--include': {
        const r = need(1);
        if (typeof r === 'string') return r;
        f.searchPath.push(r[0]);
        break;
      }
      case '--arg': {
        const r = need(2);
        if (typeof r === 'string') return r;
        f.autoArgs.push({ name: r[0], expr: r[1] });
        break;
      }
      case '--argstr': {
        const r = need(2);
        if (typeof r === 'string') return r;
        f.autoArgs.push({ name: r[0], str: r[1] });
        break;
      }
      case '--extra-experimental-features':
      case '--experimental-features': {
        const r = need(1);
        if (typeof r === 'string') return r;
        f.features.push(...r[0].split(/\s+/).filter(Boolean));
        break;
      }
      case '--lint-absolute-path-literals':
      case '--lint-short-path-literals':
      case '--lint-url-literals': {
        const r = need(1);
        if (typeof r === 'string') return r;
        if (r[0] !== 'warn' && r[0] !== 'fatal') return `invalid value '${r[0]}' for ${a} (expected 'warn' or 'fatal')`;
        const key = a === '--lint-absolute-path-literals' ? 'absolutePathLiterals' : a === '--lint-short-path-literals' ? 'shortPathLiterals' : 'urlLiterals';
        f.lint[key] = r[0];
        break;
      }
      case '--timeout':
      case '--max-jobs':
      case '-j':
      case '--cores': {
        const r = need(1);
        if (typeof r === 'string') return r;
        break;
      }
      case '--option': {
        const r = need(2);
        if (typeof r === 'string') return r;
        break;
      }
      default:
        if (a.startsWith('-I') && a.length > 2) f.searchPath.push(a.slice(2));
        else if (a === '--no-warnings') {
          // accepted for compatibility
        } else if (a.startsWith('-') && a !== '-') return `unrecognised flag '${a}'`;
        else f.files.push(a);
    }
  }
  return f;
}

export async function evalVerb(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const flags = parseFlags(args);
  if (typeof flags === 'string') {
    process.stderr.write(`error: ${flags}\nTry 'nixos-container eval --help' for more information.\n`);
    return 1;
  }
  const r = runEval(flags, STD_IO, false);
  if (r === 'overflow') {
    return runInWorker(args);
  }
  return r;
}

export interface EvalIO {
  /** stdout, as a byte string (one char per byte) */
  out(s: string): void;
  /** stderr, as a byte string */
  err(s: string): void;
}

const STD_IO: EvalIO = {
  out: (s) => writeAll(1, Buffer.from(s, 'latin1')),
  err: (s) => writeAll(2, Buffer.from(s, 'latin1')),
};

function writeAll(fd: number, b: Buffer): void {
  let off = 0;
  while (off < b.length) {
    try {
      off += fs.writeSync(fd, b, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

function writeErr(s: string): void {
  STD_IO.err(Buffer.from(s, 'utf8').toString('latin1'));
}

/**
 * Runs `eval` in-process with the given arguments and output sinks (used by tests).
 * Returns the exit code, or 'overflow' if the JS stack was exhausted.
 */
export function evalInProcess(args: string[], io: EvalIO): number | 'overflow' {
  const flags = parseFlags(args);
  if (typeof flags === 'string') {
    io.err(`error: ${flags}\n`);
    return 1;
  }
  return runEval(flags, io, false);
}

/** Returns the exit code, or 'overflow' when the JS stack was exhausted. */
function runEval(flags: Flags, io: EvalIO, inWorker: boolean): number | 'overflow' {
  const writeOut = io.out;
  // lazy import keeps `nixos-container --help` fast
  const nix = require('../nix/index') as typeof import('../nix/index');
  const { Evaluator, NixError } = nix;
  const ev = new Evaluator({
    searchPath: flags.searchPath,
    showTrace: flags.showTrace,
    lint: flags.lint,
    experimentalFeatures: flags.features,
    writeStore: flags.readWrite,
    traceOut: (l) => io.err(l + '\n'),
    // printed without --strict, an unforced part shows as `<CODE>` where Nix has a thunk
    thunksAsNix: !flags.strict && !flags.json,
  });
  const cwd = process.cwd();
  try {
    const sources: { kind: 'file' | 'expr' | 'stdin'; text: string }[] = [];
    if (flags.files.length === 0) {
      if (flags.expr) {
        io.err('error: no expression given (use -E EXPR)\n');
        return 1;
      }
      sources.push({ kind: 'file', text: 'default.nix' });
    } else {
      for (const f of flags.files) {
        if (f === '-') sources.push({ kind: 'stdin', text: fs.readFileSync(0, 'utf8') });
        else sources.push({ kind: flags.expr ? 'expr' : 'file', text: f });
      }
    }
    for (const src of sources) {
      if (flags.parseOnly) {
        const { showAst } = require('../nix/show-ast') as typeof import('../nix/show-ast');
        let node;
        if (src.kind === 'file') node = ev.parseFile(nix.fromJS(nodePath.resolve(src.text)) as string);
        else node = ev.parseString(src.text, cwd, src.kind === 'stdin' ? '«stdin»' : '«string»');
        ev.checkScopes(node);
        writeOut(showAst(node) + '\n');
        continue;
      }
      let root: any;
      if (src.kind === 'file') root = ev.evalFile(nodePath.resolve(src.text));
      else root = ev.evalString(src.text, cwd, src.kind === 'stdin' ? '«stdin»' : '«string»');

      const autoArgs = new Map<string, any>();
      for (const a of flags.autoArgs) {
        if (a.str !== undefined) autoArgs.set(a.name, nix.fromJS(a.str));
        else autoArgs.set(a.name, nix.mkThunk(() => ev.evalString(a.expr!, cwd, '«string»')));
      }
      const paths = flags.attrPaths.length ? flags.attrPaths : [''];
      for (const p of paths) {
        // As nix-instantiate 2.8: the value at each step of the -A path is called with the
        // automatic arguments (if it is a function taking a set), the value finally selected
        // only when there are some.
        let v = root;
        if (p !== '') {
          const comps = splitAttrPath(p);
          if (comps === null) throw new NixError(`missing closing quote in selection path '${p}'`);
          for (const comp of comps) {
            const x = ev.force(autoCall(ev, nix, v, autoArgs));
            if (/^[0-9]+$/.test(comp)) {
              if (!Array.isArray(x)) throw new NixError(`the expression selected by the selection path '${p}' should be a list but is ${describe(x)}`);
              const i = Number(comp);
              if (i >= x.length) throw new NixError(`list index ${i} in selection path '${p}' is out of range`);
              v = x[i];
            } else {
              if (!(x instanceof nix.NixAttrs)) {
                throw new NixError(`the expression selected by the selection path '${p}' should be a set but is ${describe(x)}`);
              }
              if (comp === '') throw new NixError(`empty attribute name in selection path '${p}'`);
              const y = x.get(nix.fromJS(comp) as string);
              if (y === undefined) {
                throw new NixError(`attribute '${comp}' in selection path '${p}' not found`).withSuggestions(comp, x.keys());
              }
              v = y;
            }
          }
        }
        if (autoArgs.size > 0) v = autoCall(ev, nix, v, autoArgs);
        writeOut(render(ev, nix, v, flags));
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof RangeError || (e instanceof NixError && /^stack overflow/.test(e.rawMessage))) {
      if (!inWorker) return 'overflow';
    }
    const conv = ev.convertError(e);
    if (conv instanceof NixError) {
      io.err(Buffer.from(conv.message + '\n', 'utf8').toString('latin1'));
      // as nix-instantiate: frames were recorded that --show-trace would have shown
      if (!flags.showTrace && conv.trace.length > 0) io.err("(use '--show-trace' to show detailed location information)\n");
      return 1;
    }
    throw e;
  }
}


function describe(x: unknown): string {
  const { showType } = require('../nix/values') as typeof import('../nix/values');
  return showType(x as any);
}

/** Nix 2.8's autoCallFunction: a function taking a set gets the automatic arguments it names. */
function autoCall(ev: any, nix: typeof import('../nix/index'), v: any, autoArgs: Map<string, any>): any {
  const f = ev.force(v);
  if (f instanceof nix.NixAttrs && f.has('__functor')) {
    return autoCall(ev, nix, ev.call(f.get('__functor'), f), autoArgs);
  }
  if (!(f instanceof nix.Lambda) || f.info.formals === null) return f;
  const m = new Map<string, any>();
  if (f.info.ellipsis) for (const [k, a] of autoArgs) m.set(k, a);
  else
    for (const fm of f.info.formals) {
      const a = autoArgs.get(fm.name);
      if (a !== undefined) m.set(fm.name, a);
      else if (!fm.hasDefault) {
        throw new nix.NixError(
          `cannot evaluate a function that has an argument without a value ('${fm.name}')\n\n` +
            'Nix attempted to evaluate a function as a top level expression; in\n' +
            'this case it must have its arguments supplied either by default\n' +
            "values, or passed explicitly with '--arg' or '--argstr'. See\n" +
            'https://nixos.org/manual/nix/stable/#ss-functions.',
          fm.pos ?? f.info.pos,
        );
      }
    }
  return ev.call(f, new nix.NixAttrs(m));
}

function render(ev: any, nix: typeof import('../nix/index'), v: any, flags: Flags): string {
  if (flags.json) {
    const { toJSON } = require('../nix/printer') as typeof import('../nix/printer');
    ev.forceDeep(v);
    return toJSON(ev, v, new Set()); // no newline after it, as nix-instantiate 2.8
  }
  if (flags.xml) {
    const { toXML } = require('../nix/printer') as typeof import('../nix/printer');
    if (flags.strict) ev.forceDeep(v);
    else ev.force(v);
    return toXML(ev, v, new Set(), flags.location, flags.strict);
  }
  void nix;
  return ev.printValueBytes(v, { strict: flags.strict }) + '\n';
}

// ---------------------------------------------------------------- big-stack worker

/** In the worker's process.argv: lets this module know it is the worker's script without
 * loading worker_threads (~13 ms) in every `eval`. */
const WORKER_MARK = '--nixos-container-eval-worker';

function runInWorker(args: string[]): Promise<number> {
  const { Worker } = require('worker_threads') as typeof import('worker_threads');
  return new Promise((resolve) => {
    const w = new Worker(__filename, {
      argv: [WORKER_MARK],
      workerData: { nixEvalArgs: args },
      resourceLimits: { stackSizeMb: 512, maxOldGenerationSizeMb: 4096, maxYoungGenerationSizeMb: 48 },
      stdout: false,
      stderr: false,
    });
    let code = 1;
    w.on('message', (m: unknown) => {
      if (typeof m === 'number') code = m;
    });
    w.on('error', (e) => {
      writeErr(`error: ${e instanceof RangeError ? 'stack overflow (the evaluation is too deep)' : String(e)}\n`);
      code = 1;
    });
    w.on('exit', () => resolve(code));
  });
}

function workerMain(): void {
  const wt = require('worker_threads') as typeof import('worker_threads');
  if (wt.isMainThread || !wt.workerData || !Array.isArray(wt.workerData.nixEvalArgs)) return;
  const flags = parseFlags(wt.workerData.nixEvalArgs);
  if (typeof flags === 'string') {
    wt.parentPort!.postMessage(1);
    return;
  }
  const r = runEval(flags, STD_IO, true);
  wt.parentPort!.postMessage(r === 'overflow' ? 1 : r);
}

// when loaded as the script of the big-stack worker thread (workerMain checks it is one)
if (process.argv.includes(WORKER_MARK)) workerMain();

/**
 * Splits an -A selection path on dots, keeping quoted parts ("example.com") whole, as Nix
 * does; null when a quote is not closed.
 */
export function splitAttrPath(p: string): string[] | null {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of p) {
    if (c === '"') quoted = !quoted;
    else if (c === '.' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) return null;
  if (cur !== '') parts.push(cur); // as Nix: a trailing dot adds no component ("a." is "a")
  return parts;
}
