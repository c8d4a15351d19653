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
  const lines = pos.src.text.split('\n');
  const line = lines[pos.line - 1];
  if (line !== undefined) {
    const num = String(pos.line);
    const pad = ' '.repeat(num.length);
    out += '\n\n';
    if (pos.line > 1 && lines[pos.line - 2] !== undefined) {
      out += `          ${String(pos.line - 1).padStart(num.length)}| ${toUtf8(lines[pos.line - 2])}\n`;
    }
    out += `          ${num}| ${toUtf8(line)}\n`;
    out += `          ${pad}| ${' '.repeat(Math.max(0, pos.col - 1))}^`;
    if (lines[pos.line] !== undefined) out += `\n          ${String(pos.line + 1).padStart(num.length)}| ${toUtf8(lines[pos.line])}`;
  }
  return out;
}

export function evalError(msg: string, pos: Pos | null = null): NixError {
  return new NixError(msg, pos, 'eval');
}
