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
  refresh(): void {
    let out = 'error: ' + toUtf8(this.rawMessage);
    if (this.pos) out += '\n\n' + formatPos(this.pos);
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
