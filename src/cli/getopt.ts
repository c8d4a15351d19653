// A GNU-style long-option parser that behaves like Perl's Getopt::Long configured with
// `gnu_getopt no_bundling`, which is what upstream nixos-container uses:
//   - options are recognised anywhere in argv (permute); `--` ends them and is dropped;
//   - `--name` and `-name` are both long options (no bundling); names are case-insensitive
//     and may be abbreviated to any unambiguous prefix (an exact name always wins);
//   - `--name=value` (only after `--`) or `--name value`; a mandatory string value takes the
//     next word whatever it looks like; `--name=` gives the empty string;
//   - options with arity 2 take two words;
//   - errors are reported as warnings (the caller prints them) and parsing goes on, so a
//     later `--help` still wins, as in Getopt::Long where --help is a callback.
// Messages are Getopt::Long's, word for word.

export interface OptionSpec {
  /** Canonical lower-case name without dashes. */
  name: string;
  /** 0 = flag, 1 = one string value, 2 = two string values. */
  arity: 0 | 1 | 2;
}

export interface ParsedOption {
  name: string;
  values: string[];
}

export interface ParseResult {
  /** Options in command-line order. */
  options: ParsedOption[];
  /** Non-option words in order (the action, the name, the command of `run`). */
  args: string[];
  /** Error lines (without newline), in order. */
  errors: string[];
  /** Set when an option named `stopAt` was seen: parsing stopped right there. */
  stopped: boolean;
}

export function parseArgs(argv: string[], specs: OptionSpec[], stopAt?: string): ParseResult {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const names = [...byName.keys()].sort();
  const res: ParseResult = { options: [], args: [], errors: [], stopped: false };
  const rest = [...argv];
  while (rest.length > 0) {
    const word = rest.shift() as string;
    if (word === '--') {
      res.args.push(...rest);
      break;
    }
    const m = /^(--|-)(.+)$/s.exec(word);
    if (!m) {
      res.args.push(word);
      continue;
    }
    const starter = m[1];
    let opt = m[2];
    let inlineValue: string | undefined;
    if (starter === '--') {
      const eq = opt.indexOf('=', 1);
      if (eq > 0) {
        inlineValue = opt.slice(eq + 1);
        opt = opt.slice(0, eq);
      }
    }
    opt = opt.toLowerCase();
    let spec = byName.get(opt);
    if (!spec) {
      const hits = names.filter((n) => n.startsWith(opt));
      if (hits.length > 1) {
        res.errors.push(`Option ${opt} is ambiguous (${hits.join(', ')})`);
        continue;
      }
      if (hits.length === 0) {
        res.errors.push(`Unknown option: ${opt}`);
        continue;
      }
      spec = byName.get(hits[0]) as OptionSpec;
    }
    const name = spec.name;
    if (spec.arity === 0) {
      if (inlineValue !== undefined) {
        res.errors.push(`Option ${name} does not take an argument`);
        continue;
      }
      res.options.push({ name, values: [] });
      if (stopAt !== undefined && name === stopAt) {
        res.stopped = true;
        return res;
      }
      continue;
    }
    let first: string;
    if (inlineValue !== undefined) {
      first = inlineValue;
    } else if (rest.length > 0) {
      first = rest.shift() as string;
    } else {
      res.errors.push(`Option ${name} requires an argument`);
      continue;
    }
    const values = [first];
    if (spec.arity === 2) {
      if (rest.length === 0) {
        res.errors.push(`Insufficient arguments for option ${name}`);
        continue;
      }
      values.push(rest.shift() as string);
    }
    res.options.push({ name, values });
  }
  return res;
}
