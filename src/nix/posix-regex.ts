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
//    for patterns with alternatives of different lengths, libstdc++ explores every
//    alternative and keeps the longest match, but a greedy repeat that already found a match
//    is not retried with fewer iterations (`a*(ab|)` on "aab" matches "aa"): such searches
//    use the exact engine below (the JS fallback for long inputs takes the longest match).
//  - patterns with repeated groups run on an exact backtracking engine (bottom of this file)
//    that follows libstdc++'s search order: captures are kept across iterations
//    (`(a|(b))*` on "ba" gives ["a","b"]), one extra empty iteration (`(a*)*` on "aa" gives
//    [""]). Inputs longer than EXACT_MAX_LEN bytes (or too deep for the JS stack) fall back
//    to the JS engine, which may differ in exactly those captures.
// Like libstdc++, some patterns backtrack exponentially (nested repeats on long inputs).

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
  /** libstdc++-exact backtracking matcher, for patterns with repeated groups (whose
   *  captures/empty iterations JS handles differently) or alternatives of different lengths
   *  (searches keep the longest alternative, except where a greedy repeat already matched);
   *  null when JS agrees. */
  exact: ExactMatcher | null;
  repeatedGroups: boolean;
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

/** Parsed pattern, for the exact (libstdc++-like) backtracking matcher. */
export type RxNode =
  | { t: 'char'; src: string }
  | { t: 'bol' }
  | { t: 'eol' }
  | { t: 'group'; idx: number; body: RxNode }
  | { t: 'alt'; branches: RxNode[][] }
  | { t: 'rep'; body: RxNode; min: number; max: number }; // max = Infinity when open

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

  /** AST of the node parsed last. */
  lastNode: RxNode = { t: 'alt', branches: [[]] };
  private lastSeq: RxNode[] = [];

  private alternation(depth: number): string {
    const branches: string[] = [this.branch(depth)];
    const lens: (number | null)[] = [this.lastLen];
    const seqs: RxNode[][] = [this.lastSeq];
    while (this.i < this.p.length && this.p[this.i] === '|') {
      this.i++;
      branches.push(this.branch(depth));
      lens.push(this.lastLen);
      seqs.push(this.lastSeq);
    }
    this.lastNode = { t: 'alt', branches: seqs };
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
    const seq: RxNode[] = [];
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
      let node: RxNode | null = null;
      switch (c) {
        case '(': {
          this.i++;
          const idx = ++this.groups;
          const inner = this.alternation(depth + 1);
          node = { t: 'group', idx, body: this.lastNode };
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
          node = { t: 'bol' };
          atomLen = 0;
          isAnchor = true;
          break;
        case '$':
          this.i++;
          atom = '$';
          node = { t: 'eol' };
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
        if (node === null) node = { t: 'char', src: atom };
        const mm = /^\{(\d+)(,?)(\d*)\}$/.exec(qs);
        const qmin = qs === '+' ? 1 : mm ? parseInt(mm[1], 10) : 0;
        const qmax = qs === '?' ? 1 : qs === '*' || qs === '+' ? Infinity : mm![2] === '' ? qmin : mm![3] === '' ? Infinity : parseInt(mm![3], 10);
        node = { t: 'rep', body: node, min: qmin, max: qmax };
        atom += qs;
        const exact = /^\{(\d+)\}$/.exec(qs);
        if (atomLen !== 0) atomLen = exact && atomLen !== null ? atomLen * parseInt(exact[1], 10) : null;
        quantified = true;
      }
      out += atom;
      seq.push(node ?? { t: 'char', src: atom });
      total = total === null || atomLen === null ? null : total + atomLen;
    }
    this.lastLen = total;
    this.lastSeq = seq;
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
      repeatedGroups: hasRepeatedGroup(t.lastNode, false),
      exact: hasRepeatedGroup(t.lastNode, false) || t.ambiguous ? new ExactMatcher(t.lastNode, t.groups) : null,
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
  if (c.exact !== null && c.repeatedGroups && s.length <= EXACT_MAX_LEN) {
    const r = c.exact.run(s, 0, true, false, false);
    if (r !== 'overflow') return r === null ? null : capsOf(s, r.caps);
  }
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
  let exact = c.exact !== null && len <= EXACT_MAX_LEN;
  while (searchFrom <= len) {
    if (exact) {
      // libstdc++-exact search: first attempt at 0 may use '^'; later ones may not
      const r = exactSearch(c.exact!, s, searchFrom, searchFrom > 0 || out.length > 0);
      if (r === 'overflow') {
        exact = false;
        continue;
      }
      if (r === null) break;
      out.push(s.slice(prevEnd, r.start));
      out.push(capsOf(s, r.caps));
      prevEnd = r.end;
      if (r.end === r.start) {
        if (r.start >= len) break;
        // std::regex_iterator: retry here for a non-empty match, else one byte further
        const again = c.exact!.run(s, r.start, false, true, true);
        if (again !== null && again !== 'overflow') {
          out.push(s.slice(prevEnd, r.start));
          out.push(capsOf(s, again.caps));
          prevEnd = again.end;
          searchFrom = again.end;
          continue;
        }
        searchFrom = r.start + 1;
      } else searchFrom = r.end;
      continue;
    }
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

// ---------------------------------------------------------------- exact engine
//
// A backtracking matcher with the search order of libstdc++'s DFS executor in POSIX mode
// (behaviour reproduced from observation, see the differential tests): greedy repeats that
// stop trying fewer iterations once any match was found; alternations that try every
// branch and keep the longest overall match (the first one on ties); captures that are not
// reset between iterations; a repeat body may be entered twice at the same position
// (one extra empty iteration). It recurses per character, so it is only used for patterns
// with repeated groups and inputs up to EXACT_MAX_LEN bytes; deeper inputs fall back to JS.

const EXACT_MAX_LEN = 2000;

function hasRepeatedGroup(n: RxNode, inRep: boolean): boolean {
  switch (n.t) {
    case 'group': return inRep || hasRepeatedGroup(n.body, inRep);
    case 'alt': return n.branches.some((b) => b.some((x) => hasRepeatedGroup(x, inRep)));
    case 'rep': return hasRepeatedGroup(n.body, true);
    default: return false;
  }
}

type Cont = (pos: number) => void;

interface ExactState {
  s: string;
  len: number;
  start: number;
  exactMode: boolean;
  notNull: boolean;
  prevAvail: boolean;
  hasSol: boolean;
  solPos: number;
  capStart: Int32Array;
  capEnd: Int32Array;
  capOk: Uint8Array;
  result: Int32Array | null;
}

class ExactMatcher {
  private readonly st: ExactState;
  private readonly entry: Cont;
  /** Resets the repeat counters (needed after an aborted run, e.g. a stack overflow). */
  private readonly resets: (() => void)[] = [];

  constructor(root: RxNode, private readonly groups: number) {
    const st: ExactState = {
      s: '', len: 0, start: 0, exactMode: true, notNull: false, prevAvail: false, hasSol: false, solPos: -1,
      capStart: new Int32Array(groups + 1), capEnd: new Int32Array(groups + 1), capOk: new Uint8Array(groups + 1), result: null,
    };
    this.st = st;
    const accept: Cont = (pos) => {
      st.hasSol = st.exactMode ? pos === st.len : true;
      if (st.notNull && pos === st.start) st.hasSol = false;
      if (st.hasSol && (st.solPos < 0 || st.solPos < pos)) {
        st.solPos = pos;
        const r = new Int32Array(2 * (groups + 1));
        for (let g = 1; g <= groups; g++) {
          r[2 * g] = st.capOk[g] ? st.capStart[g] : -1;
          r[2 * g + 1] = st.capOk[g] ? st.capEnd[g] : -1;
        }
        st.result = r;
      }
    };
    this.entry = this.node(root, accept);
  }

  private seq(nodes: RxNode[], k: Cont): Cont {
    let c = k;
    for (let i = nodes.length - 1; i >= 0; i--) c = this.node(nodes[i], c);
    return c;
  }

  private node(n: RxNode, k: Cont): Cont {
    const st = this.st;
    switch (n.t) {
      case 'char': {
        const re = new RegExp('^(?:' + n.src + ')$');
        const table = new Uint8Array(256);
        for (let c = 0; c < 256; c++) table[c] = re.test(String.fromCharCode(c)) ? 1 : 0;
        return (pos) => {
          if (pos >= st.len) return;
          const c = st.s.charCodeAt(pos);
          if (c < 256 ? table[c] === 1 : re.test(st.s[pos])) k(pos + 1);
        };
      }
      case 'bol':
        return (pos) => {
          if (pos === 0 && pos === st.start && !st.prevAvail) k(pos);
        };
      case 'eol':
        return (pos) => {
          if (pos === st.len) k(pos);
        };
      case 'group': {
        const g = n.idx;
        const end: Cont = (pos) => {
          const be = st.capEnd[g];
          const bo = st.capOk[g];
          st.capEnd[g] = pos;
          st.capOk[g] = 1;
          k(pos);
          st.capEnd[g] = be;
          st.capOk[g] = bo;
        };
        const body = this.node(n.body, end);
        return (pos) => {
          const bs = st.capStart[g];
          st.capStart[g] = pos;
          body(pos);
          st.capStart[g] = bs;
        };
      }
      case 'alt': {
        const fns = n.branches.map((b) => this.seq(b, k));
        if (fns.length === 1) return fns[0];
        return (pos) => {
          fns[0](pos);
          for (let i = 1; i < fns.length; i++) {
            const had = st.hasSol;
            st.hasSol = false;
            fns[i](pos);
            st.hasSol = st.hasSol || had;
          }
        };
      }
      case 'rep': {
        // min mandatory copies, then a loop (max = Infinity) or (max - min) nested optionals
        let tail: Cont;
        if (n.max === Infinity) tail = this.loop(n.body, k, true);
        else {
          tail = k;
          for (let i = 0; i < n.max - n.min; i++) tail = this.loop(n.body, tail, false, k);
        }
        let c = tail;
        for (let i = 0; i < n.min; i++) c = this.node(n.body, c);
        return c;
      }
    }
  }

  /** A greedy repeat state: try the body (again), then, if nothing matched yet, go on.
   *  `looping`: the body returns to this state; otherwise it continues with `more` and the
   *  "fewer" exit goes to `exit` (libstdc++'s common end of a {n,m} chain). */
  private loop(body: RxNode, more: Cont, looping: boolean, exit: Cont = more): Cont {
    const st = this.st;
    let countPos = -1;
    let count = 0;
    this.resets.push(() => {
      countPos = -1;
      count = 0;
    });
    let self: Cont = () => undefined;
    const bodyFn = this.node(body, looping ? (pos) => self(pos) : more);
    const next = looping ? more : exit;
    self = (pos) => {
      if (count === 0 || countPos !== pos) {
        const bp = countPos;
        const bc = count;
        countPos = pos;
        count = 1;
        bodyFn(pos);
        countPos = bp;
        count = bc;
      } else if (count < 2) {
        count++;
        bodyFn(pos);
        count--;
      }
      if (!st.hasSol) next(pos);
    };
    return self;
  }

  /** One attempt at `start`: `exactMode` = must end at the string end (regex_match);
   *  `notNull`/`prevAvail` as std::regex match flags. Returns end and captures, null, or
   *  'overflow' when the input is too deep for the JS stack. */
  run(s: string, start: number, exactMode: boolean, notNull: boolean, prevAvail: boolean):
    { end: number; caps: Int32Array } | null | 'overflow' {
    const st = this.st;
    st.s = s;
    st.len = s.length;
    st.start = start;
    st.exactMode = exactMode;
    st.notNull = notNull;
    st.prevAvail = prevAvail;
    st.hasSol = false;
    st.solPos = -1;
    st.result = null;
    st.capOk.fill(0);
    st.capStart.fill(-1);
    st.capEnd.fill(-1);
    try {
      this.entry(start);
    } catch (e) {
      if (e instanceof RangeError) {
        for (const r of this.resets) r();
        return 'overflow';
      }
      throw e;
    } finally {
      st.s = '';
    }
    if (st.solPos < 0 || st.result === null) return null;
    return { end: st.solPos, caps: st.result };
  }
}

function exactSearch(m: ExactMatcher, s: string, from: number, prevAvail: boolean):
  { start: number; end: number; caps: Int32Array } | null | 'overflow' {
  for (let p = from; p <= s.length; p++) {
    const r = m.run(s, p, false, false, prevAvail || p > from);
    if (r === 'overflow') return r;
    if (r !== null) return { start: p, end: r.end, caps: r.caps };
  }
  return null;
}

function capsOf(s: string, caps: Int32Array): (string | null)[] {
  const n = caps.length / 2 - 1;
  const out: (string | null)[] = new Array(n);
  for (let g = 1; g <= n; g++) out[g - 1] = caps[2 * g] < 0 ? null : s.slice(caps[2 * g], caps[2 * g + 1]);
  return out;
}
