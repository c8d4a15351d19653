// TOML 1.0 parser for builtins.fromTOML. Pure: text in, neutral tree out.
//
// Input is a *byte string* (one JS char per byte, UTF-8 text); strings in the result are
// byte strings too (escapes like \u00E9 become UTF-8 bytes).
//
// Result tree:
//   TomlValue = string
//             | bigint                        (integers; must fit in int64, else error like
//                                              newer Nix: "too large integer")
//             | TomlFloat    = { float: number; negativeNan?: true }
//                                             (`nan`/`+nan` print as "nan", `-nan` as "-nan")
//             | boolean
//             | TomlValue[]
//             | TomlTable    = { table: Map<string, TomlValue> }
//             | TomlDateTime = { datetime: string; kind: 'offset-datetime' | 'local-datetime'
//                                | 'local-date' | 'local-time' }
//               `datetime` is normalised like Nix (toml11) prints it for
//               `{ _type = "timestamp"; value = ...; }`: 'T' separator, 'Z' for zero offsets,
//               fractional seconds as 3, 6 or 9 digits (extra digits truncated).
//               Nix 2.8 rejects dates with "Dates and times are not supported"; newer Nix
//               accepts them with --extra-experimental-features parse-toml-timestamps.
// Errors: TomlError with a toml11-like message ("[error] toml::...: what" plus a
// `--> fromTOML` excerpt with the line and a caret).
// Strings containing NUL bytes are rejected like newer Nix ("input string 'a␀b' cannot be
// represented as Nix string because it contains null bytes").

import { bytesToUtf8 } from './bytes';

export interface TomlFloat {
  float: number;
  negativeNan?: true;
}
export interface TomlTable {
  table: Map<string, TomlValue>;
}
export type TomlDateTimeKind = 'offset-datetime' | 'local-datetime' | 'local-date' | 'local-time';
export interface TomlDateTime {
  datetime: string;
  kind: TomlDateTimeKind;
}
export type TomlValue = string | bigint | boolean | TomlFloat | TomlValue[] | TomlTable | TomlDateTime;

export function isTomlTable(v: TomlValue): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'table' in v;
}
export function isTomlFloat(v: TomlValue): v is TomlFloat {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'float' in v;
}
export function isTomlDateTime(v: TomlValue): v is TomlDateTime {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'datetime' in v;
}

/** Parse error. `message` is an ordinary (UTF-16) JS string (input bytes quoted in it are
 *  decoded from UTF-8; the constructor takes the byte-string form). */
export class TomlError extends Error {
  constructor(byteMessage: string, public readonly line = 0, public readonly column = 0) {
    super(bytesToUtf8(byteMessage));
    this.name = 'TomlError';
  }
}

/** How a table came to exist (TOML's redefinition rules depend on it). */
const enum Origin {
  Implicit, // created as a parent of [a.b.c] or of a dotted key inside a header table
  Header, // defined by a [header]
  Dotted, // created by a dotted key (a.b = 1)
  Inline, // inline table { ... }: frozen
  ArrayElem, // element of an array of tables
}

interface Meta {
  origin: Origin;
}

const BARE_KEY = /^[A-Za-z0-9_-]$/;

function utf8(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  if (cp < 0x10000) return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  return String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

class TomlParser {
  private i = 0;
  private readonly meta = new WeakMap<object, Meta>();
  /** Arrays created by [[...]] (may be appended to by later [[...]] headers). */
  private readonly tableArrays = new WeakSet<TomlValue[]>();
  private readonly root: TomlTable;

  constructor(private readonly s: string) {
    this.root = this.newTable(Origin.Header);
  }

  private newTable(origin: Origin): TomlTable {
    const t: TomlTable = { table: new Map() };
    this.meta.set(t, { origin });
    return t;
  }

  // ---------- errors ----------
  private err(what: string, at = this.i, hint = 'here'): never {
    const s = this.s;
    let line = 1;
    let ls = 0;
    for (let k = 0; k < at && k < s.length; k++) {
      if (s.charCodeAt(k) === 10) {
        line++;
        ls = k + 1;
      }
    }
    let le = s.indexOf('\n', ls);
    if (le < 0) le = s.length;
    const col = at - ls;
    const text = s.slice(ls, le).replace(/\r$/, '');
    const num = String(line);
    const pad = ' '.repeat(num.length);
    const msg = `[error] ${what}\n --> fromTOML\n ${pad}|\n ${num} | ${text}\n ${pad}| ${' '.repeat(col)}^--- ${hint}`;
    throw new TomlError(msg, line, col + 1);
  }

  // ---------- low-level scanning ----------
  private peek(k = 0): string {
    return this.s[this.i + k] ?? '';
  }

  private skipWs(): void {
    const s = this.s;
    while (this.i < s.length && (s[this.i] === ' ' || s[this.i] === '\t')) this.i++;
  }

  private skipComment(): void {
    if (this.s[this.i] !== '#') return;
    const s = this.s;
    while (this.i < s.length && s[this.i] !== '\n') {
      const c = s.charCodeAt(this.i);
      if ((c < 0x20 && c !== 9 && !(c === 13 && s[this.i + 1] === '\n')) || c === 0x7f) {
        this.err('toml::parse_comment: control characters are not allowed in comments');
      }
      this.i++;
    }
  }

  /** Skip whitespace, comments and newlines (inside arrays). */
  private skipWsNl(): void {
    for (;;) {
      this.skipWs();
      this.skipComment();
      if (this.s[this.i] === '\n') this.i++;
      else if (this.s[this.i] === '\r' && this.s[this.i + 1] === '\n') this.i += 2;
      else return;
    }
  }

  /** After a statement: optional whitespace/comment, then newline or EOF. */
  private endOfLine(): void {
    this.skipWs();
    this.skipComment();
    if (this.i >= this.s.length) return;
    if (this.s[this.i] === '\n') {
      this.i++;
      return;
    }
    if (this.s[this.i] === '\r' && this.s[this.i + 1] === '\n') {
      this.i += 2;
      return;
    }
    this.err('toml::parse_toml_file: expected newline after a key-value pair or table header', this.i, 'expected newline');
  }

  // ---------- document ----------
  parse(): TomlTable {
    const s = this.s;
    let current = this.root;
    while (true) {
      this.skipWsNl();
      if (this.i >= s.length) break;
      if (s[this.i] === '[') {
        if (s[this.i + 1] === '[') current = this.arrayTableHeader();
        else current = this.tableHeader();
      } else {
        this.keyValue(current);
      }
      this.endOfLine();
    }
    return this.root;
  }

  private tableHeader(): TomlTable {
    const start = this.i;
    this.i++; // [
    this.skipWs();
    const keys = this.key();
    this.skipWs();
    if (this.s[this.i] !== ']') this.err('toml::parse_table_key: expected `]`', this.i, 'should be `]`');
    this.i++;
    let t = this.root;
    for (let k = 0; k < keys.length; k++) {
      const last = k === keys.length - 1;
      const name = keys[k];
      const existing = t.table.get(name);
      if (existing === undefined) {
        const nt = this.newTable(last ? Origin.Header : Origin.Implicit);
        t.table.set(name, nt);
        t = nt;
        continue;
      }
      if (Array.isArray(existing)) {
        if (!last && this.tableArrays.has(existing) && existing.length > 0) {
          t = existing[existing.length - 1] as TomlTable;
          continue;
        }
        this.err(`toml::insert_value: array ("${name}") already exists.`, start, 'table defined twice');
      }
      if (!isTomlTable(existing)) {
        this.err(`toml::insert_value: value ("${name}") already exists.`, start, 'value defined twice');
      }
      const m = this.meta.get(existing)!;
      if (m.origin === Origin.Inline) this.err(`toml::insert_value: inline table ("${name}") cannot be extended.`, start, 'table defined twice');
      if (last) {
        // toml11 (Nix) also lets a header define a table first created by dotted keys
        if (m.origin !== Origin.Implicit && m.origin !== Origin.Dotted) {
          this.err(`toml::insert_value: table ("${keys.join('.')}") already exists.`, start, 'table defined twice');
        }
        m.origin = Origin.Header;
      }
      t = existing;
    }
    return t;
  }

  private arrayTableHeader(): TomlTable {
    const start = this.i;
    this.i += 2; // [[
    this.skipWs();
    const keys = this.key();
    this.skipWs();
    if (this.s[this.i] !== ']' || this.s[this.i + 1] !== ']') {
      this.err('toml::parse_array_table_key: expected `]]`', this.i, 'should be `]]`');
    }
    this.i += 2;
    let t = this.root;
    for (let k = 0; k < keys.length; k++) {
      const last = k === keys.length - 1;
      const name = keys[k];
      const existing = t.table.get(name);
      if (last) {
        const elem = this.newTable(Origin.ArrayElem);
        if (existing === undefined) {
          const arr: TomlValue[] = [elem];
          this.tableArrays.add(arr);
          t.table.set(name, arr);
        } else if (Array.isArray(existing) && this.tableArrays.has(existing)) {
          existing.push(elem);
        } else {
          this.err(`toml::insert_value: value ("${keys.join('.')}") already exists and is not an array of tables.`, start, 'defined twice');
        }
        return elem;
      }
      if (existing === undefined) {
        const nt = this.newTable(Origin.Implicit);
        t.table.set(name, nt);
        t = nt;
      } else if (Array.isArray(existing) && this.tableArrays.has(existing) && existing.length > 0) {
        t = existing[existing.length - 1] as TomlTable;
      } else if (isTomlTable(existing) && this.meta.get(existing)!.origin !== Origin.Inline) {
        t = existing;
      } else {
        this.err(`toml::insert_value: value ("${name}") already exists.`, start, 'value defined twice');
      }
    }
    return t;
  }

  /** key = value, inserted into `table` (dotted keys create sub-tables). */
  private keyValue(table: TomlTable, inline = false): void {
    const start = this.i;
    const keys = this.key();
    this.skipWs();
    if (this.s[this.i] !== '=') this.err('toml::parse_key_value_pair: missing key-value separator `=`', this.i, 'should be `=`');
    this.i++;
    this.skipWs();
    const value = this.value();
    let t = table;
    for (let k = 0; k < keys.length - 1; k++) {
      const name = keys[k];
      const existing = t.table.get(name);
      if (existing === undefined) {
        const nt = this.newTable(Origin.Dotted);
        t.table.set(name, nt);
        t = nt;
      } else if (isTomlTable(existing)) {
        const m = this.meta.get(existing)!;
        // dotted keys may only extend tables they created themselves (or implicit ones
        // made by dotted keys in the same table)
        if (m.origin !== Origin.Dotted && !(m.origin === Origin.Implicit && !inline)) {
          this.err(`toml::insert_value: table ("${name}") already exists.`, start, 'table defined twice');
        }
        if (m.origin === Origin.Implicit) m.origin = Origin.Dotted;
        t = existing;
      } else {
        this.err(`toml::insert_value: value ("${name}") already exists.`, start, 'value defined twice');
      }
    }
    const name = keys[keys.length - 1];
    if (t.table.has(name)) this.err(`toml::insert_value: value ("${name}") already exists.`, start, 'value defined twice');
    t.table.set(name, value);
  }

  // ---------- keys ----------
  private key(): string[] {
    const keys: string[] = [this.simpleKey()];
    for (;;) {
      const save = this.i;
      this.skipWs();
      if (this.s[this.i] === '.') {
        this.i++;
        this.skipWs();
        keys.push(this.simpleKey());
      } else {
        this.i = save;
        return keys;
      }
    }
  }

  private simpleKey(): string {
    const s = this.s;
    const c = s[this.i];
    if (c === '"') {
      if (s.startsWith('"""', this.i)) this.err('toml::parse_key: multi-line strings cannot be keys');
      return this.checkNul(this.basicString());
    }
    if (c === "'") {
      if (s.startsWith("'''", this.i)) this.err('toml::parse_key: multi-line strings cannot be keys');
      return this.checkNul(this.literalString());
    }
    const start = this.i;
    while (this.i < s.length && BARE_KEY.test(s[this.i])) this.i++;
    if (this.i === start) this.err('toml::parse_key: the next token is not a key', start, 'expected a key');
    return s.slice(start, this.i);
  }

  private checkNul(str: string): string {
    if (str.indexOf('\0') >= 0) {
      throw new TomlError(`error: input string '${str.replace(/\0/g, '\xe2\x90\x80')}' cannot be represented as Nix string because it contains null bytes`);
    }
    return str;
  }

  // ---------- values ----------
  private value(): TomlValue {
    const s = this.s;
    const c = s[this.i];
    if (c === undefined || c === '\n' || c === '\r' || c === '#') this.err('toml::parse_value: missing value', this.i, 'expected a value');
    if (c === '"') {
      return this.checkNul(s.startsWith('"""', this.i) ? this.mlBasicString() : this.basicString());
    }
    if (c === "'") {
      return this.checkNul(s.startsWith("'''", this.i) ? this.mlLiteralString() : this.literalString());
    }
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    if (s.startsWith('true', this.i) && !/[A-Za-z0-9_-]/.test(s[this.i + 4] ?? '')) {
      this.i += 4;
      return true;
    }
    if (s.startsWith('false', this.i) && !/[A-Za-z0-9_-]/.test(s[this.i + 5] ?? '')) {
      this.i += 5;
      return false;
    }
    return this.numberOrDate();
  }

  private basicString(): string {
    const s = this.s;
    const start = this.i;
    this.i++; // "
    let out = '';
    for (;;) {
      if (this.i >= s.length) this.err('toml::parse_basic_string: the next token is not a valid string', start);
      const c = s[this.i];
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') {
        out += this.escape(start);
        continue;
      }
      const code = c.charCodeAt(0);
      if ((code < 0x20 && code !== 9) || code === 0x7f) {
        this.err('toml::parse_basic_string: the next token is not a valid string', start);
      }
      out += c;
      this.i++;
    }
  }

  private escape(start: number): string {
    const s = this.s;
    const e = s[this.i + 1];
    this.i += 2;
    switch (e) {
      case 'b': return '\b';
      case 't': return '\t';
      case 'n': return '\n';
      case 'f': return '\f';
      case 'r': return '\r';
      case '"': return '"';
      case '\\': return '\\';
      case 'u':
      case 'U': {
        const n = e === 'u' ? 4 : 8;
        const hex = s.slice(this.i, this.i + n);
        if (hex.length !== n || !/^[0-9A-Fa-f]+$/.test(hex)) {
          this.err('toml::parse_basic_string: the next token is not a valid string', start);
        }
        const cp = parseInt(hex, 16);
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
          this.err('toml::read_utf8_codepoint: input codepoint is not a unicode scalar value', this.i - 2);
        }
        this.i += n;
        return utf8(cp);
      }
      default:
        return this.err('toml::parse_basic_string: the next token is not a valid string', start);
    }
  }

  private mlBasicString(): string {
    const s = this.s;
    const start = this.i;
    this.i += 3;
    if (s[this.i] === '\n') this.i++;
    else if (s[this.i] === '\r' && s[this.i + 1] === '\n') this.i += 2;
    let out = '';
    for (;;) {
      if (this.i >= s.length) this.err('toml::parse_ml_basic_string: the next token is not a valid multiline string', start);
      const c = s[this.i];
      if (c === '"' && s.startsWith('"""', this.i)) {
        // up to two extra quotes belong to the content
        let q = 3;
        while (q < 5 && s[this.i + q] === '"') q++;
        out += '"'.repeat(q - 3);
        this.i += q;
        return out;
      }
      if (c === '\\') {
        // line-ending backslash: trim whitespace and newlines
        let j = this.i + 1;
        while (s[j] === ' ' || s[j] === '\t') j++;
        if (s[j] === '\n' || (s[j] === '\r' && s[j + 1] === '\n')) {
          while (j < s.length && (s[j] === ' ' || s[j] === '\t' || s[j] === '\n' || s[j] === '\r')) j++;
          this.i = j;
          continue;
        }
        out += this.escape(start);
        continue;
      }
      const code = c.charCodeAt(0);
      if ((code < 0x20 && code !== 9 && code !== 10 && !(code === 13 && s[this.i + 1] === '\n')) || code === 0x7f) {
        this.err('toml::parse_ml_basic_string: the next token is not a valid multiline string', start);
      }
      out += c;
      this.i++;
    }
  }

  private literalString(): string {
    const s = this.s;
    const start = this.i;
    this.i++;
    const end = s.indexOf("'", this.i);
    const nl = s.indexOf('\n', this.i);
    if (end < 0 || (nl >= 0 && nl < end)) this.err('toml::parse_literal_string: the next token is not a valid string', start);
    const str = s.slice(this.i, end);
    for (let k = 0; k < str.length; k++) {
      const code = str.charCodeAt(k);
      if ((code < 0x20 && code !== 9) || code === 0x7f) this.err('toml::parse_literal_string: the next token is not a valid string', start);
    }
    this.i = end + 1;
    return str;
  }

  private mlLiteralString(): string {
    const s = this.s;
    const start = this.i;
    this.i += 3;
    if (s[this.i] === '\n') this.i++;
    else if (s[this.i] === '\r' && s[this.i + 1] === '\n') this.i += 2;
    const end = s.indexOf("'''", this.i);
    if (end < 0) this.err('toml::parse_ml_literal_string: the next token is not a valid multiline string', start);
    let q = 3;
    while (q < 5 && s[end + q] === "'") q++;
    const str = s.slice(this.i, end) + "'".repeat(q - 3);
    this.i = end + q;
    return str;
  }

  private array(): TomlValue[] {
    const start = this.i;
    this.i++; // [
    const arr: TomlValue[] = [];
    for (;;) {
      this.skipWsNl();
      if (this.i >= this.s.length) this.err('toml::parse_array: missing closing bracket `]`', start);
      if (this.s[this.i] === ']') {
        this.i++;
        return arr;
      }
      arr.push(this.value());
      this.skipWsNl();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return arr;
      }
      this.err('toml::parse_array: missing array separator `,`', this.i, 'should be `,` or `]`');
    }
  }

  private inlineTable(): TomlTable {
    const t = this.newTable(Origin.Dotted);
    this.i++; // {
    this.skipWs();
    if (this.s[this.i] === '}') {
      this.i++;
      this.freeze(t);
      return t;
    }
    for (;;) {
      this.skipWs();
      if (this.s[this.i] === '}') this.err('toml::parse_inline_table: trailing comma is not allowed in an inline table', this.i, 'should be `}`');
      this.keyValue(t, true);
      this.skipWs();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        this.freeze(t);
        return t;
      }
      this.err('toml::parse_inline_table: missing curly brace `}`', this.i, 'should be `}`');
    }
  }

  private freeze(t: TomlTable): void {
    this.meta.get(t)!.origin = Origin.Inline;
    for (const v of t.table.values()) if (isTomlTable(v)) this.freeze(v);
  }

  // ---------- numbers and dates ----------
  private numberOrDate(): TomlValue {
    const s = this.s;
    const start = this.i;
    // date / time?
    const rest = s.slice(start, start + 40);
    const dt = /^(\d{4}-\d{2}-\d{2})(?:([Tt ])(\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?)?/.exec(rest);
    if (dt && !(dt[2] === ' ' && dt[3] === undefined)) {
      const date = dt[1];
      this.checkDate(date, start);
      if (dt[3] === undefined) {
        this.i = start + date.length;
        return { datetime: date, kind: 'local-date' };
      }
      this.checkTime(dt[3], start);
      this.i = start + dt[0].length;
      const time = dt[3] + this.frac(dt[4]);
      if (dt[5] === undefined) return { datetime: `${date}T${time}`, kind: 'local-datetime' };
      let off = dt[5].toUpperCase();
      if (off === '+00:00' || off === '-00:00') off = 'Z';
      return { datetime: `${date}T${time}${off}`, kind: 'offset-datetime' };
    }
    const tm = /^(\d{2}:\d{2}:\d{2})(\.\d+)?/.exec(rest);
    if (tm) {
      this.checkTime(tm[1], start);
      this.i = start + tm[0].length;
      return { datetime: tm[1] + this.frac(tm[2]), kind: 'local-time' };
    }
    // special floats
    const sp = /^[+-]?(inf|nan)/.exec(rest);
    if (sp) {
      this.i = start + sp[0].length;
      if (sp[1] === 'inf') return { float: sp[0][0] === '-' ? -Infinity : Infinity };
      return sp[0][0] === '-' ? { float: NaN, negativeNan: true } : { float: NaN };
    }
    // prefixed integers
    const pre = /^0([xob])/.exec(rest);
    if (pre) {
      const digitRe = pre[1] === 'x' ? /[0-9A-Fa-f]/ : pre[1] === 'o' ? /[0-7]/ : /[01]/;
      let j = start + 2;
      let text = '';
      let lastUnderscore = true;
      while (j < s.length && (digitRe.test(s[j]) || s[j] === '_')) {
        if (s[j] === '_') {
          if (lastUnderscore) this.err('bad integer: `_` should be surrounded by digits', j);
          lastUnderscore = true;
        } else {
          text += s[j];
          lastUnderscore = false;
        }
        j++;
      }
      if (text === '' || lastUnderscore) this.err('bad integer: `_` should be surrounded by digits', j);
      this.i = j;
      const v = BigInt('0' + pre[1] + text);
      if (v > 9223372036854775807n) this.err(`toml::parse_${pre[1] === 'x' ? 'hex' : pre[1] === 'o' ? 'oct' : 'bin'}_integer: too large integer: current max value = 2^63`, j, 'must be < 2^63');
      return v;
    }
    // decimal integer or float
    const m = /^[+-]?[0-9_]+(\.[0-9_]*)?([eE][+-]?[0-9_]*)?/.exec(rest.length < 40 ? rest : s.slice(start, start + 400));
    if (!m) {
      if (s[start] === '.') this.err('bad float: invalid format', start, 'integer part required before this');
      this.err('toml::parse_value: unknown token appeared', start, 'unknown');
    }
    const tok = m[0];
    const isFloat = m[1] !== undefined || m[2] !== undefined;
    const body = tok.replace(/^[+-]/, '');
    // underscores between digits only
    if (/(^_|_$|__|_\.|\._|_[eE]|[eE]_)/.test(body) || /[eE][+-]_/.test(body)) {
      this.err(isFloat ? 'bad float: invalid format' : 'bad integer: `_` should be surrounded by digits', start);
    }
    const intPart = body.split(/[.eE]/)[0].replace(/_/g, '');
    if (intPart.length > 1 && intPart[0] === '0') {
      this.err(isFloat ? 'bad float: leading zero' : 'bad integer: leading zero', start);
    }
    this.i = start + tok.length;
    const clean = tok.replace(/_/g, '');
    if (isFloat) {
      if (!/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(clean)) this.err('bad float: invalid format', this.i - 1);
      const f = Number(clean);
      // Nix 2.8 (strtod) saturates overflowing literals at the largest finite double
      if (!Number.isFinite(f)) return { float: f > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE };
      return { float: f };
    }
    const v = BigInt(clean);
    if (v > 9223372036854775807n || v < -9223372036854775808n) {
      this.err('toml::parse_dec_integer: too large integer: current max digits = 2^63', this.i, 'must be < 2^63');
    }
    return v;
  }

  private checkDate(date: string, at: number): void {
    const [y, mo, d] = date.split('-').map((x) => parseInt(x, 10));
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const dim = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (mo < 1 || mo > 12 || d < 1 || d > dim[mo - 1]) this.err('toml::parse_local_date: invalid date', at);
  }

  private checkTime(time: string, at: number): void {
    const [h, mi, se] = time.split(':').map((x) => parseInt(x, 10));
    if (h > 23 || mi > 59 || se > 60) this.err('toml::parse_local_time: invalid time', at);
  }

  /** Fractional seconds as toml11 prints them: .mmm, .mmmuuu or .mmmuuunnn. */
  private frac(f: string | undefined): string {
    if (!f) return '';
    const digits = (f.slice(1) + '000000000').slice(0, 9);
    const ms = digits.slice(0, 3);
    const us = digits.slice(3, 6);
    const ns = digits.slice(6, 9);
    if (ms === '000' && us === '000' && ns === '000') return '';
    let out = '.' + ms;
    if (us !== '000' || ns !== '000') {
      out += us;
      if (ns !== '000') out += ns;
    }
    return out;
  }
}

/** Parse a TOML document (byte string). Throws TomlError. */
export function parseToml(text: string): TomlTable {
  return new TomlParser(text).parse();
}

/** True when the tree contains a date/time value (Nix 2.8 rejects those). */
export function tomlHasDateTime(v: TomlValue): boolean {
  if (Array.isArray(v)) return v.some(tomlHasDateTime);
  if (isTomlTable(v)) {
    for (const x of v.table.values()) if (tomlHasDateTime(x)) return true;
    return false;
  }
  return isTomlDateTime(v);
}
