// Progress reports of package realization: a bar on a terminal, plain lines otherwise.

export interface ProgressSink {
  /** A one-off message, e.g. "updating apt's package lists". */
  message(text: string): void;
  /** Step `done` of `total` of a phase ("fetch", "unpack"), currently at `item`. */
  step(phase: string, done: number, total: number, item: string): void;
  /** The current phase is over (a bar is closed with a newline). */
  finish(): void;
  /** Whether the apt tools may write their own progress to this sink's stream. */
  readonly interactive: boolean;
  /** File descriptor the apt tools' output may go to (undefined: discard it). */
  readonly fd?: number;
}

const WIDTH = 24;

/** Writes to stderr: a redrawn bar when stderr is a TTY, one line per step otherwise. */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  const tty = !!stream.isTTY;
  let open = false;
  return {
    interactive: tty,
    fd: 2,
    message(text) {
      if (open) {
        stream.write('\n');
        open = false;
      }
      stream.write(`${text}\n`);
    },
    step(phase, done, total, item) {
      if (!tty) {
        stream.write(`${phase} [${done}/${total}] ${item}\n`);
        return;
      }
      const filled = total > 0 ? Math.round((done / total) * WIDTH) : 0;
      const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
      const cols = stream.columns || 80;
      const line = `${phase} [${bar}] ${done}/${total} ${item}`.slice(0, cols - 1);
      stream.write(`\r${line}\x1b[K`);
      open = true;
    },
    finish() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}

/** Keeps every report as a line (tests, JSON callers); never lets apt write anywhere. */
export function collectingProgress(lines: string[] = []): ProgressSink & { lines: string[] } {
  return {
    lines,
    interactive: false,
    message(text) {
      lines.push(text);
    },
    step(phase, done, total, item) {
      lines.push(`${phase} [${done}/${total}] ${item}`);
    },
    finish() {},
  };
}
