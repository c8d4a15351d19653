// Nix-style errors: "error: <message>", the position with a source excerpt, and
// "… while evaluating ..." trace frames (printed with --show-trace).
import type { Pos } from './ast';
import { toUtf8 } from './values';

export type ErrorKind = 'eval' | 'throw' | 'assert' | 'abort' | 'parse';

export interface TraceFrame {
  msg: string;
  pos: Pos | null;
}

export class NixError extends Error {
  kind: ErrorKind;
  rawMessage: string;
  pos: Pos | null;
  trace: TraceFrame[] = [];
  /** The builtin that found an attribute missing (its call adds the frame "while invoking"). */
  invoking: string | undefined = undefined;
  /** With --show-trace: the function whose body this error last left (its call site adds a frame). */
  leftBodyOf: object | undefined = undefined;
  showTrace = false;
  constructor(msg: string, pos: Pos | null = null, kind: ErrorKind = 'eval') {
    super(msg);
    this.name = 'NixError';
    this.kind = kind;
    this.rawMessage = msg;
    this.pos = pos;
    this.refresh();
  }
  /** Catchable by builtins.tryEval. */
  get catchable(): boolean {
    return this.kind === 'throw' || this.kind === 'assert';
  }
  withPos(pos: Pos | null): this {
    if (!this.pos && pos) {
      this.pos = pos;
      this.refresh();
    }
    return this;
  }
  addTrace(msg: string, pos: Pos | null): this {
    if (this.trace.length < 200) this.trace.push({ msg, pos });
    if (this.showTrace) this.refresh();
    return this;
  }
  setShowTrace(on: boolean): this {
    this.showTrace = on;
    this.refresh();
    return this;
  }
  /** Names close to `query` (Nix's "Did you mean ...?"), shown after the position. */
  suggestions: string[] = [];
  withSuggestions(query: string, candidates: Iterable<string>): this {
    this.suggestions = bestMatches(query, candidates);
    this.refresh();
    return this;
  }
  refresh(): void {
    // continuation lines of the message are indented under its first, as Nix does
    let out = 'error: ' + toUtf8(this.rawMessage).replace(/\n(?=[^\n])/g, '\n       ');
    if (this.pos) out += '\n\n' + formatPos(this.pos);
    const sg = this.suggestions;
    if (sg.length) {
      const list = sg.length === 1 ? sg[0] : `one of ${sg.slice(0, -1).join(', ')} or ${sg[sg.length - 1]}`;
      out += `\n       Did you mean ${toUtf8(list)}?`;
    }
    if (this.showTrace) {
      for (const f of this.trace) {
        out += '\n\n       … ' + toUtf8(f.msg);
        if (f.pos) out += '\n\n' + formatPos(f.pos);
      }
    }
    this.message = out;
  }
}

export function posToString(pos: Pos): string {
  return `${toUtf8(pos.src.file)}:${pos.line}:${pos.col}`;
}

function formatPos(pos: Pos): string {
  let out = `       at ${posToString(pos)}:`;
  const lines = pos.src.text.split(/\r\n|\r|\n/);
  const line = lines[pos.line - 1];
  if (line !== undefined) {
    const hasNext = lines[pos.line] !== undefined && pos.line < lines.length - (lines[lines.length - 1] === '' ? 1 : 0);
    const w = String(hasNext ? pos.line + 1 : pos.line).length;
    const gutter = (n: number | null) => ' '.repeat(10) + (n === null ? '' : String(n)).padStart(w + 2) + '|';
    out += '\n\n';
    if (pos.line > 1) out += `${gutter(pos.line - 1)} ${toUtf8(lines[pos.line - 2])}`.trimEnd() + '\n';
    out += `${gutter(pos.line)} ${toUtf8(line)}\n`;
    out += `${gutter(null)} ${' '.repeat(Math.max(0, pos.col - 1))}^`;
    if (hasNext) out += `\n${gutter(pos.line + 1)} ${toUtf8(lines[pos.line])}`.trimEnd();
  }
  return out;
}

export function evalError(msg: string, pos: Pos | null = null): NixError {
  return new NixError(msg, pos, 'eval');
}

function levenshtein(a: string, b: string): number {
  const n = b.length;
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[n];
}

/** Nix's suggestions: the names at edit distance 2 or less, nearest first (then by name), at most 5. */
export function bestMatches(query: string, candidates: Iterable<string>): string[] {
  const scored: [number, string][] = [];
  for (const c of candidates) {
    const d = levenshtein(query, c);
    if (d <= 2) scored.push([d, c]);
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  return scored.slice(0, 5).map((x) => x[1]);
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EMFILE: 'Too many open files',
  EIO: 'Input/output error',
};

/** A failed system call's reason as strerror words it (Nix's "...: No such file or directory"). */
export function sysErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && ERRNO_TEXT[code]) return ERRNO_TEXT[code];
  // Node's "ECODE: reason, syscall 'path'" -> "Reason"
  const m = /^[A-Z]+: ([^,]+)/.exec(String((e as Error)?.message ?? e));
  return m ? m[1].charAt(0).toUpperCase() + m[1].slice(1) : String((e as Error)?.message ?? e);
}
