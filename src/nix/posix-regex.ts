// POSIX extended regular expressions (as used by Nix's builtins.match / builtins.split,
// which run libstdc++'s std::regex with the `extended` grammar) translated to JS RegExps.
//
// Strings are *byte strings* (one JS char per byte, char codes < 256), the representation
// the evaluator uses (see values.ts). The functions also accept ordinary JS strings; then
// every UTF-16 code unit is treated as one character.
//
// Semantics reproduced (checked against nix-instantiate 2.8):
//  - grammar: `( )` groups (all capturing), `|`, `* + ? {n} {n,} {n,m}` (stackable: `a**`,
//    `x+?` = `(x+)?`), `.` (any byte but NUL, including newline), `^ $` (string start/end only,
//    anywhere in the pattern, not quantifiable: `^*` is an error), bracket expressions with `]` first, ranges, `[:class:]`,
//    `[.c.]`, `[=c=]`; a backslash inside brackets is literal;
//  - outside brackets only `\` + one of `.[\()*+?{|^$` is valid (`\d`, `\w`, `\n`, `\}`,
//    `\]`, back-references... are errors, as in libstdc++);
//  - errors: Error("invalid regular expression '<pattern>'") like Nix;
//  - match: whole-string match, captures null when unmatched;
//  - split: std::sregex_iterator iteration (empty matches, then retry one byte further);
//    for patterns containing `|`, the match at a position is the longest one (libstdc++
//    explores every alternative in POSIX mode and keeps the longest).
// Known differences (rare): captures inside a repeated group are reset on each iteration
// in JS but keep their last value in libstdc++ (`(a|(b))*` on "ba" gives ["a","b"] in Nix,
// ["a",null] here); libstdc++'s extra empty iteration (`(a*)*` on "aa" gives [""] in Nix,
// `(^)*a` on "a" gives [""]; JS rejects empty iterations, so those groups come out null/longer).

import { bytesToUtf8 } from './bytes';

/** Error for a bad pattern. `message` is an ordinary (UTF-16) JS string: the byte-string
 *  pattern is decoded from UTF-8 for display; `pattern` keeps the raw bytes. */
export class PosixRegexError extends Error {
  constructor(public readonly pattern: string, kind = 'invalid') {
    super(kind === 'invalid' ? `invalid regular expression '${bytesToUtf8(pattern)}'`
      : `memory limit exceeded by regular expression '${bytesToUtf8(pattern)}'`);
    this.name = 'PosixRegexError';
  }
}

interface Compiled {
  /** Unanchored, flag-less RegExp. */
  plain: RegExp;
  /** `^(?:src)$` for whole-string matching. */
  full: RegExp;
  /** Global (g) version for searching. */
  global: RegExp;
  /** JS source of the pattern body. */
  src: string;
  /** Number of capture groups. */
  groups: number;
  /** Alternatives of different lengths: a search must pick the longest match at a position. */
  ambiguous: boolean;
  /** Source with `^` never matching (for matching at offsets > 0 of a sliced string). */
  srcNoStart: string;
  /** Cache of "match of length >= K" sticky regexes. */
  longer: Map<string, RegExp>;
}

const CLASS_SETS: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  d: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  s: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
  w: '0-9A-Za-z_',
};

/** Characters that may follow a backslash outside brackets (libstdc++ extended grammar). */
const ESCAPABLE = '.[\\()*+?{|^$';

function hexEscape(code: number): string {
  if (code < 0x100) return '\\x' + code.toString(16).padStart(2, '0');
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** Escape one literal character for use in a JS regex (outside or inside a class). */
function lit(ch: string): string {
  const c = ch.charCodeAt(0);
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f) return ch;
  return hexEscape(c);
}

const REPEAT_LIMIT = 100000;

class Translator {
  private i = 0;
  groups = 0;
  ambiguous = false;
  /** `startAnchor`: JS text for `^` (a never-matching "(?!)" when matching a suffix). */
  constructor(private readonly p: string, private readonly startAnchor = '^') {}

  fail(): never {
    throw new PosixRegexError(this.p);
  }

  translate(): string {
    const out = this.alternation(0);
    if (this.i < this.p.length) this.fail(); // stray ')'
    return out;
  }

  /** Fixed match length of the node parsed last (null = variable). */
  private lastLen: number | null = 0;

  private alternation(depth: number): string {
    const branches: string[] = [this.branch(depth)];
    const lens: (number | null)[] = [this.lastLen];
    while (this.i < this.p.length && this.p[this.i] === '|') {
      this.i++;
      branches.push(this.branch(depth));
      lens.push(this.lastLen);
    }
    if (lens.length === 1) {
      this.lastLen = lens[0];
    } else {
      const same = lens.every((l) => l !== null && l === lens[0]);
      // Alternatives of different lengths: libstdc++ keeps the longest overall match, JS the
      // first; equal fixed-length alternatives always end at the same place, so they agree.
      if (!same) this.ambiguous = true;
      this.lastLen = same ? lens[0] : null;
    }
    return branches.join('|');
  }

  private branch(depth: number): string {
    let out = '';
    let total: number | null = 0;
    const p = this.p;
    while (this.i < p.length) {
      const c = p[this.i];
      if (c === '|') break;
      if (c === ')') {
        if (depth === 0) this.fail();
        break;
      }
      let atom: string;
      let isAnchor = false;
      let atomLen: number | null = 1;
      switch (c) {
        case '(': {
          this.i++;
          this.groups++;
          const inner = this.alternation(depth + 1);
          if (this.i >= p.length || p[this.i] !== ')') this.fail();
          this.i++;
          atom = '(' + inner + ')';
          atomLen = this.lastLen;
          break;
        }
        case '*': case '+': case '?': case '{':
          return this.fail(); // quantifier with nothing to repeat
        case '.':
          this.i++;
          atom = '[^\\x00]';
          break;
        case '^':
          this.i++;
          atom = this.startAnchor;
          atomLen = 0;
          isAnchor = true;
          break;
        case '$':
          this.i++;
          atom = '$';
          atomLen = 0;
          isAnchor = true;
          break;
        case '[':
          atom = this.bracket();
          break;
        case '\\': {
          if (this.i + 1 >= p.length) this.fail();
          const e = p[this.i + 1];
          if (!ESCAPABLE.includes(e)) this.fail();
          this.i += 2;
          atom = lit(e);
          break;
        }
        default:
          this.i++;
          atom = lit(c);
      }
      // quantifiers (may be stacked)
      let quantified = false;
      while (this.i < p.length) {
        const q = p[this.i];
        let qs: string;
        if (q === '*' || q === '+' || q === '?') {
          if (isAnchor) this.fail();
          this.i++;
          qs = q;
        } else if (q === '{') {
          qs = this.braces();
        } else break;
        if (isAnchor) this.fail(); // libstdc++: assertions cannot be repeated
        if (quantified) atom = '(?:' + atom + ')';
        atom += qs;
        const exact = /^\{(\d+)\}$/.exec(qs);
        if (atomLen !== 0) atomLen = exact && atomLen !== null ? atomLen * parseInt(exact[1], 10) : null;
        quantified = true;
      }
      out += atom;
      total = total === null || atomLen === null ? null : total + atomLen;
    }
    this.lastLen = total;
    return out;
  }

  private braces(): string {
    const p = this.p;
    this.i++; // '{'
    const readNum = (): number | null => {
      const start = this.i;
      while (this.i < p.length && p[this.i] >= '0' && p[this.i] <= '9') this.i++;
      if (this.i === start) return null;
      return parseInt(p.slice(start, this.i), 10);
    };
    const min = readNum();
    if (min === null) this.fail();
    let max: number | null = min;
    let open = false;
    if (p[this.i] === ',') {
      this.i++;
      max = readNum();
      if (max === null) open = true;
    }
    if (this.i >= p.length || p[this.i] !== '}') this.fail();
    this.i++;
    if (!open && max! < min) this.fail();
    if (min > REPEAT_LIMIT || (max !== null && max > REPEAT_LIMIT) || (min > 10000)) {
      throw new PosixRegexError(p, 'memory');
    }
    if (open) return `{${min},}`;
    if (max === min) return `{${min}}`;
    return `{${min},${max}}`;
  }

  /** Parses a bracket expression starting at '['; returns a JS character class. */
  private bracket(): string {
    const p = this.p;
    this.i++; // '['
    let neg = false;
    if (p[this.i] === '^') {
      neg = true;
      this.i++;
    }
    let out = '';
    let first = true;
    // Element: a single char (code) or a class (cannot be a range endpoint).
    type Elem = { code: number } | { cls: string };
    const readElem = (): Elem | null => {
      if (this.i >= p.length) this.fail();
      const c = p[this.i];
      if (c === ']' && !first) return null;
      if (c === '[' && this.i + 1 < p.length && (p[this.i + 1] === ':' || p[this.i + 1] === '.' || p[this.i + 1] === '=')) {
        const kind = p[this.i + 1];
        const end = p.indexOf(kind + ']', this.i + 2);
        if (end < 0) this.fail();
        const name = p.slice(this.i + 2, end);
        this.i = end + 2;
        if (kind === ':') {
          const set = CLASS_SETS[name.toLowerCase()];
          if (set === undefined) this.fail();
          return { cls: set };
        }
        // collating element / equivalence class: only single characters are supported
        if (name.length !== 1) this.fail();
        return { code: name.charCodeAt(0) };
      }
      this.i++;
      return { code: c.charCodeAt(0) };
    };
    for (;;) {
      const e = readElem();
      first = false;
      if (e === null) {
        this.i++; // ']'
        break;
      }
      // range?
      if ('code' in e && p[this.i] === '-' && this.i + 1 < p.length && p[this.i + 1] !== ']') {
        this.i++; // '-'
        const e2 = readElem();
        if (e2 === null || !('code' in e2)) this.fail();
        if (e2.code < e.code) this.fail();
        out += hexEscape(e.code) + '-' + hexEscape(e2.code);
        // a '-' right after a range is only valid as the last char ("[a-c-]")
        if (p[this.i] === '-' && p[this.i + 1] !== ']') this.fail();
        continue;
      }
      if ('cls' in e) {
        if (p[this.i] === '-' && p[this.i + 1] !== ']') this.fail();
        out += e.cls;
      } else {
        out += hexEscape(e.code);
      }
    }
    if (out === '') this.fail();
    return '[' + (neg ? '^' : '') + out + ']';
  }
}

const cache = new Map<string, Compiled | PosixRegexError>();
const CACHE_LIMIT = 5000;

function compile(pattern: string): Compiled {
  const hit = cache.get(pattern);
  if (hit !== undefined) {
    if (hit instanceof PosixRegexError) throw new PosixRegexError(hit.pattern, hit.message.startsWith('memory') ? 'memory' : 'invalid');
    return hit;
  }
  let result: Compiled | PosixRegexError;
  try {
    const t = new Translator(pattern);
    const src = t.translate();
    result = {
      plain: new RegExp(src),
      full: new RegExp('^(?:' + src + ')$'),
      global: new RegExp(src, 'g'),
      src,
      groups: t.groups,
      ambiguous: t.ambiguous,
      srcNoStart: t.ambiguous && pattern.includes('^') ? new Translator(pattern, '(?!)').translate() : src,
      longer: new Map(),
    };
  } catch (e) {
    if (e instanceof PosixRegexError) result = e;
    else if (e instanceof SyntaxError) result = new PosixRegexError(pattern);
    else throw e;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, result);
  if (result instanceof PosixRegexError) throw result;
  return result;
}

/** Translate a POSIX extended regex into an equivalent (unanchored, flag-less) JS RegExp.
 *  Cached. Throws PosixRegexError("invalid regular expression '...'") on bad input. */
export function compilePosixRegex(pattern: string): RegExp {
  return compile(pattern).plain;
}

/** Number of capture groups of a (valid) POSIX pattern. */
export function posixRegexGroupCount(pattern: string): number {
  return compile(pattern).groups;
}

function groupsOf(m: RegExpExecArray, n: number): (string | null)[] {
  const out: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const g = m[i + 1];
    out[i] = g === undefined ? null : g;
  }
  return out;
}

/** builtins.match: whole-string match; null if no match, else the capture groups
 *  (null for groups that did not participate). */
export function nixMatch(pattern: string, s: string): (string | null)[] | null {
  const c = compile(pattern);
  const m = c.full.exec(s);
  if (m === null) return null;
  return groupsOf(m, c.groups);
}

/** A match at exactly position `pos` longer than `minLen` (the first such in JS order), or
 *  null. Runs on a (cheap, V8-shared) slice starting at `pos`, so the length check only
 *  looks back over the match itself. */
function longerAt(c: Compiled, s: string, pos: number, minLen: number): RegExpExecArray | null {
  const key = (minLen + 1) + (pos === 0 ? '^' : '');
  let re = c.longer.get(key);
  if (re === undefined) {
    const src = pos === 0 ? c.src : c.srcNoStart;
    re = new RegExp('(?:' + src + ')(?<=^[\\s\\S]{' + (minLen + 1) + ',})', 'y');
    if (c.longer.size > 64) c.longer.clear();
    c.longer.set(key, re);
  }
  re.lastIndex = 0;
  return re.exec(pos === 0 ? s : s.slice(pos));
}

/** builtins.split: alternating list of non-matched strings and lists of capture groups,
 *  e.g. nixSplit("(a)|b", "xaybz") = ["x", ["a"], "y", [null], "z"]. */
export function nixSplit(pattern: string, s: string): (string | (string | null)[])[] {
  const c = compile(pattern);
  const re = c.global;
  const out: (string | (string | null)[])[] = [];
  let prevEnd = 0;
  let searchFrom = 0;
  const len = s.length;
  while (searchFrom <= len) {
    re.lastIndex = searchFrom;
    let m = re.exec(s);
    if (m === null) break;
    const start = m.index;
    if (c.ambiguous) {
      // POSIX: keep the longest alternative at this position.
      for (;;) {
        const longer = longerAt(c, s, start, m[0].length);
        if (longer === null) break;
        m = longer;
      }
    }
    const end = start + m[0].length;
    out.push(s.slice(prevEnd, start));
    out.push(groupsOf(m, c.groups));
    prevEnd = end;
    if (end === start) {
      // empty match: std::regex_iterator retries at the same place for a non-empty match
      // (already covered by the longest-match rule above), then one byte further.
      if (start >= len) break;
      searchFrom = start + 1;
    } else {
      searchFrom = end;
    }
  }
  out.push(s.slice(prevEnd));
  return out;
}
