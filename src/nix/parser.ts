// Hand-written lexer + recursive-descent parser for the Nix language.
// Produces the AST of ast.ts; nested attribute paths are merged here, operators are
// desugared the way Nix does (`a - b` -> `__sub a b`, `<p>` -> `__findFile __nixPath "p"`).
import * as nodePath from 'path';
import type { AttrKey, AttrsNode, Binding, Formal, LambdaNode, Node, Pos, Source } from './ast';
import { NixError } from './errors';

type Tok =
  | 'id' | 'int' | 'float' | 'path' | 'hpath' | 'spath' | 'uri' | 'pathstart' | 'hpathstart'
  | 'if' | 'then' | 'else' | 'assert' | 'with' | 'let' | 'in' | 'rec' | 'inherit' | 'or'
  | '"' | "''" | '${' | '...' | '==' | '!=' | '<=' | '>=' | '&&' | '||' | '->' | '//' | '++'
  | '<' | '>' | '+' | '-' | '*' | '/' | '!' | '?' | '@' | ':' | ';' | ',' | '=' | '.'
  | '(' | ')' | '[' | ']' | '{' | '}' | 'eof';

interface Token {
  t: Tok;
  s: string; // text
  start: number;
  end: number;
}

const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

const RE_ID = /[a-zA-Z_][a-zA-Z0-9_'-]*/y;
const RE_INT = /[0-9]+/y;
const RE_FLOAT = /(?:(?:[1-9][0-9]*\.[0-9]*)|(?:0?\.[0-9]+))(?:[Ee][+-]?[0-9]+)?/y;
const RE_PATH = /[a-zA-Z0-9._\-+]*(?:\/[a-zA-Z0-9._\-+]+)+\/?/y;
const RE_PATH_SEG_INTERP = /[a-zA-Z0-9._\-+]*\/(?=\$\{)/y;
const RE_HPATH = /~(?:\/[a-zA-Z0-9._\-+]+)+\/?/y;
const RE_SPATH = /<[a-zA-Z0-9._\-+]+(?:\/[a-zA-Z0-9._\-+]+)*>/y;
const RE_URI = /[a-zA-Z][a-zA-Z0-9+\-.]*:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+/y;
const RE_PATH_CHARS = /[a-zA-Z0-9._\-+/]+/y;

const OPS2 = ['${', '==', '!=', '<=', '>=', '&&', '||', '->', '//', '++', "''"];
const OPS1 = '"<>+-*/!?@:;,=.()[]{}';
const OPS2_SET = new Set(OPS2);

/** Cheap pre-check: a '/' occurs in the run of path characters starting at i. */
function mayBePath(s: string, i: number): boolean {
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 47) return true;
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 45 || c === 43;
    if (!ok) return false;
  }
  return false;
}

/** Cheap pre-check: scheme characters followed by ':' and a URI character. */
function mayBeUri(s: string, i: number): boolean {
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 58) return j + 1 < s.length && /[a-zA-Z0-9%/?:@&=+$,\-_.!~*']/.test(s[j + 1]);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43;
    if (!ok) return false;
  }
  return false;
}

function matchAt(re: RegExp, s: string, i: number): number {
  re.lastIndex = i;
  const m = re.exec(s);
  return m ? m[0].length : 0;
}

export type LintLevel = 'warn' | 'fatal';

export interface ParseOptions {
  baseDir: string; // for relative paths
  home?: string;
  /** newer Nix's --lint-* options */
  lint?: { absolutePathLiterals?: LintLevel; shortPathLiterals?: LintLevel; urlLiterals?: LintLevel };
  warn?: (msg: string) => void;
}

export function parse(src: Source, opts: ParseOptions): Node {
  const p = new Parser(src, opts);
  return p.parseFile();
}

class Parser {
  private text: string;
  private i = 0;
  private peeked: Token | null = null;
  private lineStarts: LineIndex;

  constructor(private src: Source, private opts: ParseOptions) {
    this.text = src.text;
    this.lineStarts = new LineIndex(src.text);
  }

  // ------------------------------------------------------------------ positions & errors

  posAt(offset: number): Pos {
    return new LazyPos(this.src, offset, this.lineStarts);
  }

  fail(msg: string, offset: number): never {
    throw new NixError(msg, this.posAt(offset), 'parse');
  }

  unexpected(tok: Token, expected?: string): never {
    const what = tok.t === 'eof' ? 'end of file' : `'${tok.s}'`;
    this.fail(`syntax error, unexpected ${what}${expected ? `, expecting ${expected}` : ''}`, tok.start);
  }

  // ------------------------------------------------------------------ lexer (normal mode)

  private skipWs(): void {
    const t = this.text;
    let i = this.i;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        i++;
      } else if (c === 35 /* # */) {
        while (i < t.length && t.charCodeAt(i) !== 10 && t.charCodeAt(i) !== 13) i++;
      } else if (c === 47 /* / */ && t.charCodeAt(i + 1) === 42 /* * */) {
        const e = t.indexOf('*/', i + 2);
        if (e < 0) this.fail('unterminated comment', i);
        i = e + 2;
      } else break;
    }
    this.i = i;
  }

  private lexCache = new Map<number, Token & { next: number }>();
  private inLookahead = false;

  private lex(): Token {
    const at = this.i;
    if (this.lexCache.size) {
      const c0 = this.lexCache.get(at);
      if (c0 !== undefined) {
        this.lexCache.delete(at);
        this.i = c0.next;
        return c0;
      }
    }
    const tok = this.lex1() as Token & { next: number };
    tok.next = this.i;
    // only tokens seen during lookahead are remembered (they will be lexed again)
    if (this.inLookahead && tok.t !== '"' && tok.t !== "''") this.lexCache.set(at, tok);
    return tok;
  }

  private lex1(): Token {
    this.skipWs();
    const t = this.text;
    const i = this.i;
    if (i >= t.length) return { t: 'eof', s: '', start: i, end: i };
    const cc = t.charCodeAt(i);
    const isAlpha = (cc >= 65 && cc <= 90) || (cc >= 97 && cc <= 122);
    const isDigit = cc >= 48 && cc <= 57;
    // fast path: identifiers / keywords not followed by path or URI characters
    if (isAlpha || cc === 95) {
      let j = i + 1;
      for (; j < t.length; j++) {
        const d = t.charCodeAt(j);
        if (!((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57) || d === 95 || d === 39 || d === 45)) break;
      }
      const d = t.charCodeAt(j);
      if (d !== 47 && d !== 58 && d !== 46 && d !== 43) {
        const s = t.slice(i, j);
        this.i = j;
        return { t: KEYWORDS.has(s) ? (s as Tok) : 'id', s, start: i, end: j };
      }
    }
    const c = t[i];
    // candidates with longest match
    let best: Tok | null = null;
    let bestLen = 0;
    let l: number;
    if (isAlpha || cc === 95) {
      l = matchAt(RE_ID, t, i);
      if (l > bestLen) (best = 'id'), (bestLen = l);
    }
    if (isDigit) {
      l = matchAt(RE_INT, t, i);
      if (l > bestLen) (best = 'int'), (bestLen = l);
    }
    if (isDigit || cc === 46) {
      l = matchAt(RE_FLOAT, t, i);
      if (l > bestLen) (best = 'float'), (bestLen = l);
    }
    if ((isAlpha || isDigit || cc === 46 || cc === 95 || cc === 45 || cc === 43 || cc === 47) && mayBePath(t, i)) {
      const seg = matchAt(RE_PATH_SEG_INTERP, t, i);
      if (seg > bestLen) (best = 'pathstart'), (bestLen = seg);
      const pl = matchAt(RE_PATH, t, i);
      if (pl > bestLen) (best = t.startsWith('${', i + pl) ? 'pathstart' : 'path'), (bestLen = pl);
    }
    if (c === '~') {
      if (t.startsWith('~/${', i) && 2 > bestLen) (best = 'hpathstart'), (bestLen = 2);
      const hl = matchAt(RE_HPATH, t, i);
      if (hl > bestLen) (best = t.startsWith('${', i + hl) ? 'hpathstart' : 'hpath'), (bestLen = hl);
    }
    if (c === '<') {
      l = matchAt(RE_SPATH, t, i);
      if (l > bestLen) (best = 'spath'), (bestLen = l);
    }
    if (isAlpha && mayBeUri(t, i)) {
      l = matchAt(RE_URI, t, i);
      if (l > bestLen) (best = 'uri'), (bestLen = l);
    }
    if (best !== null) {
      let tok: Tok = best;
      const s = t.substr(i, bestLen);
      if (tok === 'id' && KEYWORDS.has(s)) tok = s as Tok;
      this.i = i + bestLen;
      return { t: tok, s, start: i, end: this.i };
    }
    if (t.startsWith('...', i)) {
      this.i = i + 3;
      return { t: '...', s: '...', start: i, end: i + 3 };
    }
    const two = t.substr(i, 2);
    if (OPS2_SET.has(two)) {
      this.i = i + 2;
      return { t: two as Tok, s: two, start: i, end: i + 2 };
    }
    if (OPS1.includes(c)) {
      this.i = i + 1;
      return { t: c as Tok, s: c, start: i, end: i + 1 };
    }
    this.fail(`syntax error, unexpected '${c}'`, i);
  }

  peek(): Token {
    if (this.peeked === null) this.peeked = this.lex();
    return this.peeked;
  }

  next(): Token {
    const tok = this.peek();
    this.peeked = null;
    return tok;
  }

  expect(t: Tok, expected?: string): Token {
    const tok = this.next();
    if (tok.t !== t) this.unexpected(tok, expected ?? `'${t}'`);
    return tok;
  }

  /** Look at the k-th next token (0 = peek) without consuming. Only for normal-mode tokens. */
  lookahead(k: number): Token {
    const saveI = this.i;
    const savePeek = this.peeked;
    this.inLookahead = true;
    let tok = this.peek();
    this.peeked = null;
    for (let j = 0; j < k; j++) {
      if (tok.t === '"' || tok.t === "''" || tok.t === 'eof') break;
      tok = this.lex();
    }
    this.inLookahead = false;
    this.i = saveI;
    this.peeked = savePeek;
    if (this.lexCache.size > 64) this.lexCache.clear();
    return tok;
  }

  // ------------------------------------------------------------------ grammar

  parseFile(): Node {
    const e = this.parseExpr();
    const tok = this.next();
    if (tok.t !== 'eof') this.unexpected(tok, 'end of file');
    return e;
  }

  parseExpr(): Node {
    const tok = this.peek();
    switch (tok.t) {
      case 'if': {
        this.next();
        const cond = this.parseExpr();
        this.expect('then');
        const th = this.parseExpr();
        this.expect('else');
        const el = this.parseExpr();
        return { k: 'if', cond, then: th, else: el, pos: this.posAt(tok.start) };
      }
      case 'assert': {
        this.next();
        const cond = this.parseExpr();
        this.expect(';');
        const body = this.parseExpr();
        return { k: 'assert', cond, body, pos: this.posAt(tok.start) };
      }
      case 'with': {
        this.next();
        const env = this.parseExpr();
        this.expect(';');
        const body = this.parseExpr();
        return { k: 'with', env, body, pos: this.posAt(tok.start) };
      }
      case 'let': {
        if (this.lookahead(1).t === '{') {
          // legacy `let { ...; body = ...; }`
          this.next();
          const ob = this.next();
          const attrs = this.parseBinds('}', true, ob.start);
          this.expect('}');
          return { k: 'select', e: attrs, path: [{ k: 'static', name: 'body' }], def: null, pos: this.posAt(tok.start) };
        }
        this.next();
        const attrs = this.parseBinds('in', true, tok.start);
        if (attrs.dyn.length) this.fail('dynamic attributes not allowed in let', attrs.dyn[0].key.pos ? offsetOf(this, attrs.dyn[0].pos) : tok.start);
        this.expect('in');
        const body = this.parseExpr();
        return { k: 'let', attrs, body, pos: this.posAt(tok.start) };
      }
      case 'id': {
        const t1 = this.lookahead(1);
        if (t1.t === ':') {
          this.next();
          this.next();
          const body = this.parseExpr();
          return this.mkLambda(tok.s, null, false, body, tok.start);
        }
        if (t1.t === '@') {
          this.next();
          this.next();
          const ob = this.expect('{');
          const { formals, ellipsis } = this.parseFormals(ob);
          this.expect(':');
          const body = this.parseExpr();
          return this.mkLambda(tok.s, formals, ellipsis, body, tok.start);
        }
        break;
      }
      case '{': {
        if (this.isFormalsAhead()) {
          this.next();
          const { formals, ellipsis } = this.parseFormals(tok);
          let name: string | null = null;
          if (this.peek().t === '@') {
            this.next();
            name = this.expect('id', 'an identifier').s;
          }
          this.expect(':');
          const body = this.parseExpr();
          return this.mkLambda(name, formals, ellipsis, body, tok.start);
        }
        break;
      }
    }
    return this.parseOp(0);
  }

  private mkLambda(arg: string | null, formals: Formal[] | null, ellipsis: boolean, body: Node, start: number): LambdaNode {
    if (formals && arg !== null && formals.some((f) => f.name === arg)) {
      this.fail(`duplicate formal function argument '${arg}'`, start);
    }
    return { k: 'lambda', arg, formals, ellipsis, body, pos: this.posAt(start) };
  }

  private isFormalsAhead(): boolean {
    const t1 = this.lookahead(1);
    if (t1.t === '}') {
      const t2 = this.lookahead(2);
      return t2.t === ':' || t2.t === '@';
    }
    if (t1.t === '...') return true;
    if (t1.t === 'id') {
      const t2 = this.lookahead(2);
      return t2.t === ',' || t2.t === '?' || t2.t === '}' ;
    }
    return false;
  }

  private parseFormals(open: Token): { formals: Formal[]; ellipsis: boolean } {
    const formals: Formal[] = [];
    let ellipsis = false;
    const seen = new Set<string>();
    for (;;) {
      const tok = this.next();
      if (tok.t === '}') break;
      if (tok.t === '...') {
        ellipsis = true;
        const t2 = this.next();
        if (t2.t !== '}') this.unexpected(t2, "'}'");
        break;
      }
      if (tok.t !== 'id') this.unexpected(tok, "an identifier or '...'");
      if (seen.has(tok.s)) this.fail(`duplicate formal function argument '${tok.s}'`, tok.start);
      seen.add(tok.s);
      let def: Node | null = null;
      if (this.peek().t === '?') {
        this.next();
        def = this.parseExpr();
      }
      formals.push({ name: tok.s, def, pos: this.posAt(tok.start) });
      const sep = this.next();
      if (sep.t === '}') break;
      if (sep.t !== ',') this.unexpected(sep, "',' or '}'");
    }
    void open;
    return { formals, ellipsis };
  }

  // precedence climbing for binary operators
  // levels: 1 ->(right) 2 || 3 && 4 == != (none) 5 < > <= >= (none) 6 // (right) 7 ! (prefix)
  //         8 + - 9 * / 10 ++ (right) 11 ? 12 unary - 13 application 14 select
  private parseOp(minLevel: number): Node {
    return this.parseImpl();
  }

  // As in Nix 2.8, a binary operation is positioned where its whole expression starts (its left
  // operand, a parenthesis included): the errors of - * / < > <= >= (calls of `__sub` ... there)
  // point there, and an enclosing `+` takes it as this operand's position. The type errors of
  // ++ && || -> point at the operand at fault instead (see cBin). `+` and `//` keep the
  // operator's position (their errors name an operand, see plus).
  private parseImpl(): Node {
    const start = this.peek().start;
    const a = this.parseOr();
    const tok = this.peek();
    if (tok.t === '->') {
      this.next();
      const b = this.parseImpl();
      return { k: 'bin', op: '->', a, b, pos: this.posAt(start) };
    }
    return a;
  }

  private parseOr(): Node {
    const start = this.peek().start;
    let a = this.parseAnd();
    for (;;) {
      const tok = this.peek();
      if (tok.t !== '||') return a;
      this.next();
      const b = this.parseAnd();
      a = { k: 'bin', op: '||', a, b, pos: this.posAt(start) };
    }
  }

  private parseAnd(): Node {
    const start = this.peek().start;
    let a = this.parseEq();
    for (;;) {
      const tok = this.peek();
      if (tok.t !== '&&') return a;
      this.next();
      const b = this.parseEq();
      a = { k: 'bin', op: '&&', a, b, pos: this.posAt(start) };
    }
  }

  private parseEq(): Node {
    const a = this.parseCmp();
    const tok = this.peek();
    if (tok.t === '==' || tok.t === '!=') {
      this.next();
      const b = this.parseCmp();
      const t2 = this.peek();
      if (t2.t === '==' || t2.t === '!=') this.unexpected(t2);
      return { k: 'bin', op: tok.t, a, b, pos: this.posAt(tok.start) };
    }
    return a;
  }

  private parseCmp(): Node {
    const start = this.peek().start;
    const a = this.parseUpdate();
    const tok = this.peek();
    if (tok.t === '<' || tok.t === '>' || tok.t === '<=' || tok.t === '>=') {
      this.next();
      const b = this.parseUpdate();
      const t2 = this.peek();
      if (t2.t === '<' || t2.t === '>' || t2.t === '<=' || t2.t === '>=') this.unexpected(t2);
      return this.desugarCmp(tok.t, a, b, this.posAt(start));
    }
    return a;
  }

  private desugarCmp(op: '<' | '>' | '<=' | '>=', a: Node, b: Node, pos: Pos): Node {
    const lt = (x: Node, y: Node): Node => ({ k: 'bin', op: '<', a: x, b: y, pos });
    switch (op) {
      case '<':
        return lt(a, b);
      case '>':
        return lt(b, a);
      case '<=':
        return { k: 'not', e: lt(b, a), pos };
      case '>=':
        return { k: 'not', e: lt(a, b), pos };
    }
  }

  private parseUpdate(): Node {
    const a = this.parseNot();
    const tok = this.peek();
    if (tok.t === '//') {
      this.next();
      const b = this.parseUpdate();
      return { k: 'bin', op: '//', a, b, pos: this.posAt(tok.start) };
    }
    return a;
  }

  private parseNot(): Node {
    const tok = this.peek();
    if (tok.t === '!') {
      this.next();
      const e = this.parseNot();
      return { k: 'not', e, pos: this.posAt(tok.start) };
    }
    return this.parseAdd();
  }

  private parseAdd(): Node {
    const start = this.peek().start;
    let a = this.parseMul();
    for (;;) {
      const tok = this.peek();
      if (tok.t !== '+' && tok.t !== '-') return a;
      this.next();
      const b = this.parseMul();
      a = { k: 'bin', op: tok.t, a, b, pos: this.posAt(tok.t === '-' ? start : tok.start) };
    }
  }

  private parseMul(): Node {
    const start = this.peek().start;
    let a = this.parseConcat();
    for (;;) {
      const tok = this.peek();
      if (tok.t !== '*' && tok.t !== '/') return a;
      this.next();
      const b = this.parseConcat();
      a = { k: 'bin', op: tok.t, a, b, pos: this.posAt(start) };
    }
  }

  private parseConcat(): Node {
    const start = this.peek().start;
    const a = this.parseHas();
    const tok = this.peek();
    if (tok.t === '++') {
      this.next();
      const b = this.parseConcat();
      return { k: 'bin', op: '++', a, b, pos: this.posAt(start) };
    }
    return a;
  }

  private parseHas(): Node {
    let a = this.parseNeg();
    for (;;) {
      const tok = this.peek();
      if (tok.t !== '?') return a;
      this.next();
      const path = this.parseAttrPath();
      a = { k: 'has', e: a, path, pos: this.posAt(tok.start) };
    }
  }

  private parseNeg(): Node {
    const tok = this.peek();
    if (tok.t === '-') {
      this.next();
      const e = this.parseNeg();
      const pos = this.posAt(tok.start);
      return { k: 'bin', op: '-', a: { k: 'int', v: 0, pos }, b: e, pos };
    }
    return this.parseApp();
  }

  private startsSimple(t: Tok): boolean {
    switch (t) {
      case 'id': case 'int': case 'float': case 'path': case 'hpath': case 'spath': case 'uri':
      case 'pathstart': case 'hpathstart': case '"': case "''": case '(': case '[': case '{':
      case 'rec': case 'let':
        return true;
    }
    return false;
  }

  private parseApp(): Node {
    // a call's position is where its text starts, a parenthesis included, as in Nix
    const start = this.peek().start;
    const fn = this.parseSelect();
    let args: Node[] | null = null;
    for (;;) {
      const t = this.peek().t;
      if (this.startsSimple(t)) {
        if (t === 'let' && this.lookahead(1).t !== '{') break;
        (args ??= []).push(this.parseSelect());
      } else if (t === 'or') {
        // Nix's "cursed or": `f or` applies f to a variable named `or`
        const tok = this.next();
        (args ??= []).push({ k: 'var', name: 'or', pos: this.posAt(tok.start) });
      } else break;
    }
    if (args === null) return fn;
    return { k: 'call', fn, args, pos: this.posAt(start) };
  }

  private parseSelect(): Node {
    const start = this.peek().start;
    const e = this.parseSimple();
    if (this.peek().t !== '.') return e;
    const dot = this.next();
    const path = this.parseAttrPath();
    let def: Node | null = null;
    if (this.peek().t === 'or') {
      this.next();
      def = this.parseSelect();
    }
    void dot;
    return { k: 'select', e, path, def, pos: this.posAt(start) };
  }

  private parseAttrPath(): AttrKey[] {
    const path: AttrKey[] = [this.parseAttrName()];
    while (this.peek().t === '.') {
      this.next();
      path.push(this.parseAttrName());
    }
    return path;
  }

  private parseAttrName(): AttrKey {
    const tok = this.next();
    switch (tok.t) {
      case 'id':
        return { k: 'static', name: tok.s };
      case 'or':
        return { k: 'static', name: 'or' };
      case 'if': case 'then': case 'else': case 'assert': case 'with': case 'let': case 'in': case 'rec': case 'inherit':
        this.unexpected(tok);
      case '"': {
        const s = this.parseStringBody(tok.start);
        if (s.k === 'str' && !this.lastStringInterp) return { k: 'static', name: s.v };
        return { k: 'dynamic', e: s };
      }
      case '${': {
        this.lastStringInterp = true;
        const e = this.parseExpr();
        this.expect('}');
        // `${"a"}` (a plain string literal) counts as a static name
        if (e.k === 'str' && !this.lastStringInterp) return { k: 'static', name: e.v };
        return { k: 'dynamic', e };
      }
    }
    this.unexpected(tok);
  }

  private parseSimple(): Node {
    const tok = this.next();
    const pos = this.posAt(tok.start);
    switch (tok.t) {
      case 'id':
        if (tok.s === '__curPos') return { k: 'curpos', pos };
        return { k: 'var', name: tok.s, pos };
      case 'int': {
        let v: number | bigint = Number(tok.s);
        if (!Number.isSafeInteger(v)) {
          const b = BigInt(tok.s);
          if (b > 9223372036854775807n) this.fail(`invalid integer '${tok.s}'`, tok.start);
          v = b;
        }
        return { k: 'int', v, pos };
      }
      case 'float':
        return { k: 'float', v: parseFloat(tok.s), pos };
      case 'path':
        if (tok.s.endsWith('/') && tok.s.length > 1) this.fail(`path '${tok.s}' has a trailing slash`, tok.start);
        if (tok.s.startsWith('/'))
          this.lint(this.opts.lint?.absolutePathLiterals, `absolute path literals are not portable. Consider replacing path literal '${tok.s}' by a string, relative path, or parameter (lint-absolute-path-literals)`, tok.start);
        else if (!tok.s.startsWith('.'))
          this.lint(this.opts.lint?.shortPathLiterals, `relative path literal '${tok.s}' should be prefixed with '.' for clarity: './${tok.s}' (lint-short-path-literals)`, tok.start);
        return { k: 'path', v: this.resolvePath(tok.s), pos };
      case 'hpath':
        if (tok.s.endsWith('/')) this.fail(`path '${tok.s}' has a trailing slash`, tok.start);
        this.lint(this.opts.lint?.absolutePathLiterals, `home path literals are not portable. Consider replacing path literal '${tok.s}' by a string, relative path, or parameter (lint-absolute-path-literals)`, tok.start);
        return { k: 'path', v: this.resolvePath(tok.s), pos };
      case 'pathstart':
      case 'hpathstart':
        return this.parseInterpPath(tok);
      case 'spath': {
        const name = tok.s.slice(1, -1);
        return {
          k: 'call',
          fn: { k: 'var', name: '__findFile', pos },
          args: [{ k: 'var', name: '__nixPath', pos }, { k: 'str', v: name, pos }],
          pos,
        };
      }
      case 'uri':
        this.lint(this.opts.lint?.urlLiterals, `URL literals are disallowed. Consider using a string literal "${tok.s}" instead (lint-url-literals)`, tok.start);
        return { k: 'str', v: tok.s, pos };
      case '"':
        return this.parseStringBody(tok.start);
      case "''":
        return this.parseIndString(tok.start);
      case '(': {
        const e = this.parseExpr();
        this.expect(')');
        return e;
      }
      case '[': {
        const elems: Node[] = [];
        for (;;) {
          const t = this.peek().t;
          if (t === ']') break;
          if (t === 'or') {
            const o = this.next();
            elems.push({ k: 'var', name: 'or', pos: this.posAt(o.start) });
            continue;
          }
          if (!this.startsSimple(t)) this.unexpected(this.peek(), "']'");
          elems.push(this.parseSelect());
        }
        this.next();
        return { k: 'list', elems, pos };
      }
      case '{': {
        const attrs = this.parseBinds('}', false, tok.start);
        this.expect('}');
        return attrs;
      }
      case 'rec': {
        const ob = this.expect('{');
        const attrs = this.parseBinds('}', true, tok.start);
        void ob;
        this.expect('}');
        return attrs;
      }
      case 'let': {
        // legacy let { } as a simple expression
        this.expect('{');
        const attrs = this.parseBinds('}', true, tok.start);
        this.expect('}');
        return { k: 'select', e: attrs, path: [{ k: 'static', name: 'body' }], def: null, pos };
      }
    }
    this.unexpected(tok);
  }

  private lint(level: LintLevel | undefined, msg: string, offset: number): void {
    if (!level) return;
    if (level === 'fatal') this.fail(msg, offset);
    const pos = this.posAt(offset);
    this.opts.warn?.(`warning: ${msg}\n       at ${pos.src.file}:${pos.line}:${pos.col}:`);
  }

  private resolvePath(s: string): string {
    if (s.startsWith('~')) {
      const home = this.opts.home ?? process.env.HOME ?? '';
      return nodePath.posix.normalize(home + s.slice(1)).replace(/(.)\/$/, '$1');
    }
    if (s.startsWith('/')) return canonPath(s);
    return canonPath(this.opts.baseDir + '/' + s);
  }

  private parseInterpPath(tok: Token): Node {
    const pos = this.posAt(tok.start);
    const parts: Node[] = [];
    let first = tok.s;
    if (tok.t === 'hpathstart') {
      const home = this.opts.home ?? process.env.HOME ?? '';
      first = home + first.slice(1);
    } else if (!first.startsWith('/')) {
      first = this.opts.baseDir + '/' + first;
    }
    parts.push({ k: 'str', v: first, pos });
    const t = this.text;
    for (;;) {
      if (t.startsWith('${', this.i)) {
        this.i += 2;
        this.peeked = null;
        const e = this.parseExpr();
        this.expect('}');
        parts.push(e);
        continue;
      }
      const l = matchAt(RE_PATH_CHARS, t, this.i);
      if (l === 0) break;
      parts.push({ k: 'str', v: t.substr(this.i, l), pos: this.posAt(this.i) });
      this.i += l;
    }
    const last = parts[parts.length - 1];
    if (last.k === 'str' && last.v.endsWith('/') && parts.length > 1) this.fail(`path has a trailing slash`, this.i - 1);
    return { k: 'interp', parts, path: true, pos };
  }

  // ------------------------------------------------------------------ strings

  /** After the opening '"'. */
  private parseStringBody(start: number): Node {
    const t = this.text;
    const parts: Node[] = [];
    let buf = '';
    let bufStart = this.i;
    let i = this.i;
    let hadInterp = false;
    const flush = () => {
      if (buf.length) parts.push({ k: 'str', v: buf, pos: this.posAt(bufStart) });
      buf = '';
    };
    for (;;) {
      if (i >= t.length) this.fail('syntax error, unexpected end of file, expecting \'"\'', start);
      const c = t[i];
      if (c === '"') {
        i++;
        break;
      }
      if (c === '\\') {
        const n = t[i + 1];
        if (n === undefined) this.fail('syntax error, unexpected end of file', i);
        buf += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n;
        i += 2;
        continue;
      }
      if (c === '$') {
        const n = t[i + 1];
        if (n === '{') {
          flush();
          hadInterp = true;
          this.i = i + 2;
          this.peeked = null;
          const e = this.parseExpr();
          this.expect('}');
          parts.push(e);
          i = this.i;
          bufStart = i;
          continue;
        }
        if (n === '$') {
          buf += '$$';
          i += 2;
          continue;
        }
        buf += '$';
        i++;
        continue;
      }
      if (c === '\r') {
        buf += '\n';
        i += t[i + 1] === '\n' ? 2 : 1;
        continue;
      }
      buf += c;
      i++;
    }
    flush();
    this.i = i;
    this.peeked = null;
    return this.mkStringNode(parts, this.posAt(start), hadInterp);
  }

  lastStringInterp = false;

  private mkStringNode(parts: Node[], pos: Pos, hadInterp = false): Node {
    this.lastStringInterp = hadInterp;
    for (const p of parts) if (p.k === 'str' && p.v.includes('\0')) throw new NixError('input string cannot be represented as a Nix string because it contains null bytes', pos, 'parse');
    if (parts.length === 0) return { k: 'str', v: '', pos };
    if (parts.length === 1 && parts[0].k === 'str') return { k: 'str', v: parts[0].v, pos };
    return { k: 'interp', parts, path: false, pos };
  }

  /** After the opening "''". */
  private parseIndString(start: number): Node {
    const t = this.text;
    let i = this.i;
    // skip first line if it is only spaces
    {
      let j = i;
      while (t[j] === ' ') j++;
      if (t[j] === '\n') i = j + 1;
    }
    // lit parts with ind=false come from escapes (''$ ''' ''\x): they do not take part in
    // indentation stripping, like interpolations.
    type Part = { lit: string; pos: number; ind: boolean } | { e: Node };
    const parts: Part[] = [];
    let buf = '';
    let bufStart = i;
    const flush = () => {
      if (buf.length) parts.push({ lit: buf, pos: bufStart, ind: true });
      buf = '';
    };
    const esc = (text: string, at: number) => {
      flush();
      parts.push({ lit: text, pos: at, ind: false });
    };
    for (;;) {
      if (i >= t.length) this.fail("syntax error, unexpected end of file, expecting \"''\"", start);
      const c = t[i];
      if (c === "'" && t[i + 1] === "'") {
        const n = t[i + 2];
        if (n === '$') {
          esc('$', i);
          i += 3;
          bufStart = i;
          continue;
        }
        if (n === "'") {
          esc("''", i);
          i += 3;
          bufStart = i;
          continue;
        }
        if (n === '\\') {
          const m = t[i + 3];
          if (m === undefined) this.fail('syntax error, unexpected end of file', i);
          esc(m === 'n' ? '\n' : m === 'r' ? '\r' : m === 't' ? '\t' : m, i);
          i += 4;
          bufStart = i;
          continue;
        }
        i += 2;
        break;
      }
      if (c === '$') {
        const n = t[i + 1];
        if (n === '{') {
          flush();
          this.i = i + 2;
          this.peeked = null;
          const e = this.parseExpr();
          this.expect('}');
          parts.push({ e });
          i = this.i;
          bufStart = i;
          continue;
        }
        if (n === '$') {
          buf += '$$';
          i += 2;
          continue;
        }
        buf += '$';
        i++;
        continue;
      }
      if (c === '\r') {
        buf += '\n';
        i += t[i + 1] === '\n' ? 2 : 1;
        continue;
      }
      buf += c;
      i++;
    }
    flush();
    this.i = i;
    this.peeked = null;

    // strip indentation
    let atStart = true;
    let minIndent = 1000000;
    let cur = 0;
    for (const p of parts) {
      if (!('lit' in p) || !p.ind) {
        if (atStart) {
          atStart = false;
          if (cur < minIndent) minIndent = cur;
        }
        continue;
      }
      const s = p.lit;
      for (let j = 0; j < s.length; j++) {
        const ch = s[j];
        if (atStart) {
          if (ch === ' ') cur++;
          else if (ch === '\n') cur = 0;
          else {
            atStart = false;
            if (cur < minIndent) minIndent = cur;
          }
        } else if (ch === '\n') {
          atStart = true;
          cur = 0;
        }
      }
    }
    atStart = true;
    let dropped = 0;
    const out: Node[] = [];
    const n = parts.length;
    for (let pi = 0; pi < n; pi++) {
      const p = parts[pi];
      if (!('lit' in p)) {
        atStart = false;
        dropped = 0;
        out.push(p.e);
        continue;
      }
      if (!p.ind) {
        atStart = false;
        dropped = 0;
        out.push({ k: 'str', v: p.lit, pos: this.posAt(p.pos) });
        continue;
      }
      let s2 = '';
      const s = p.lit;
      for (let j = 0; j < s.length; j++) {
        const ch = s[j];
        if (atStart) {
          if (ch === ' ') {
            if (dropped++ >= minIndent) s2 += ' ';
          } else if (ch === '\n') {
            dropped = 0;
            s2 += '\n';
          } else {
            atStart = false;
            dropped = 0;
            s2 += ch;
          }
        } else {
          s2 += ch;
          if (ch === '\n') atStart = true;
        }
      }
      if (pi === n - 1) {
        const nl = s2.lastIndexOf('\n');
        if (nl >= 0 && /^ *$/.test(s2.slice(nl + 1))) s2 = s2.slice(0, nl + 1);
      }
      out.push({ k: 'str', v: s2, pos: this.posAt(p.pos) });
    }
    const pos = this.posAt(start);
    const merged: Node[] = [];
    for (const x of out) {
      const last = merged[merged.length - 1];
      if (x.k === 'str' && last && last.k === 'str') merged[merged.length - 1] = { k: 'str', v: last.v + x.v, pos: last.pos };
      else merged.push(x);
    }
    return this.mkStringNode(merged.filter((x) => !(x.k === 'str' && x.v === '' && merged.length > 1)), pos, parts.some((p) => 'e' in p));
  }

  // ------------------------------------------------------------------ bindings

  parseBinds(end: Tok, rec: boolean, start: number): AttrsNode {
    const node: AttrsNode = { k: 'attrs', rec, binds: new Map(), dyn: [], inheritFrom: [], pos: this.posAt(start) };
    for (;;) {
      const tok = this.peek();
      if (tok.t === end) break;
      if (tok.t === 'inherit') {
        this.next();
        let from: number = -1;
        if (this.peek().t === '(') {
          this.next();
          const e = this.parseExpr();
          this.expect(')');
          from = node.inheritFrom.length;
          node.inheritFrom.push(e);
        }
        for (;;) {
          const nt = this.peek();
          if (nt.t === ';') {
            this.next();
            break;
          }
          const pos = this.posAt(nt.start);
          const key = this.parseAttrName();
          if (key.k !== 'static') this.fail('dynamic attributes not allowed in inherit', nt.start);
          const name = key.name;
          if (node.binds.has(name)) this.dupAttr(name, nt.start, node.binds.get(name)!.pos);
          const value: Node =
            from < 0
              ? { k: 'var', name, pos, outer: true }
              : { k: 'select', e: { k: 'inhfrom', idx: from, pos }, path: [{ k: 'static', name }], def: null, pos };
          node.binds.set(name, { value, pos, inherited: from < 0 });
        }
        continue;
      }
      if (tok.t === 'eof') this.unexpected(tok, `'${end}'`);
      const pathStart = tok.start;
      const path = this.parseAttrPath();
      this.expect('=');
      const value = this.parseExpr();
      this.expect(';');
      this.addAttr(node, path, value, this.posAt(pathStart), pathStart);
    }
    return node;
  }

  private dupAttr(name: string, offset: number, prev: Pos): never {
    this.fail(`attribute '${name}' already defined at ${prev.src.file}:${prev.line}:${prev.col}`, offset);
  }

  private addAttr(node: AttrsNode, path: AttrKey[], value: Node, pos: Pos, offset: number): void {
    let cur = node;
    for (let j = 0; j < path.length - 1; j++) {
      const key = path[j];
      if (key.k === 'static') {
        const b = cur.binds.get(key.name);
        if (b) {
          if (b.value.k !== 'attrs' || b.inherited) this.dupAttr(key.name, offset, b.pos);
          cur = b.value;
        } else {
          const sub: AttrsNode = { k: 'attrs', rec: false, binds: new Map(), dyn: [], inheritFrom: [], pos };
          cur.binds.set(key.name, { value: sub, pos, inherited: false });
          cur = sub;
        }
      } else {
        const sub: AttrsNode = { k: 'attrs', rec: false, binds: new Map(), dyn: [], inheritFrom: [], pos };
        cur.dyn.push({ key: key.e, value: sub, pos });
        cur = sub;
      }
    }
    const last = path[path.length - 1];
    if (last.k === 'static') {
      const b = cur.binds.get(last.name);
      if (b) {
        if (b.value.k === 'attrs' && value.k === 'attrs' && !b.inherited && !value.rec && !b.value.rec) {
          // merge two attrset literals: `a.x = 1; a = { y = 2; };`
          const target = b.value;
          for (const [n, vb] of value.binds) {
            if (target.binds.has(n)) this.dupAttr(n, offset, target.binds.get(n)!.pos);
            if (vb.value.k === 'select' && vb.value.e.k === 'inhfrom') {
              const idx = target.inheritFrom.length;
              target.inheritFrom.push(value.inheritFrom[vb.value.e.idx]);
              target.binds.set(n, { ...vb, value: { ...vb.value, e: { k: 'inhfrom', idx, pos: vb.value.e.pos } } });
            } else target.binds.set(n, vb);
          }
          for (const d of value.dyn) target.dyn.push(d);
          return;
        }
        this.dupAttr(last.name, offset, b.pos);
      }
      cur.binds.set(last.name, { value, pos, inherited: false });
    } else {
      cur.dyn.push({ key: last.e, value, pos });
    }
  }
}

/** Offsets of the line starts of a source text, computed on first use. */
export class LineIndex {
  private starts: number[] | null = null;
  constructor(private readonly text: string) {}
  get(): number[] {
    let ls = this.starts;
    if (ls === null) {
      ls = [0];
      const t = this.text;
      let j = t.indexOf('\n');
      while (j >= 0) {
        ls.push(j + 1);
        j = t.indexOf('\n', j + 1);
      }
      this.starts = ls;
    }
    return ls;
  }
}

/** Position whose line/column are computed on first use (most are never shown). */
export class LazyPos implements Pos {
  private _line = 0;
  private _col = 0;
  constructor(public readonly src: Source, readonly offset: number, private readonly ls: LineIndex) {}
  private compute(): void {
    const ls = this.ls.get();
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= this.offset) lo = mid;
      else hi = mid - 1;
    }
    this._line = lo + 1;
    this._col = this.offset - ls[lo] + 1;
  }
  get line(): number {
    if (this._line === 0) this.compute();
    return this._line;
  }
  get col(): number {
    if (this._line === 0) this.compute();
    return this._col;
  }
}

function offsetOf(_p: Parser, _pos: Pos): number {
  return 0;
}

/** Canonicalise an absolute path: collapse //, resolve . and .. (lexically), drop trailing /. */
export function canonPath(p: string): string {
  const parts = p.split('/');
  const out: string[] = [];
  for (const s of parts) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return '/' + out.join('/');
}
