// JSON for builtins.fromJSON / builtins.toJSON, as Nix 2.8 does it (checked against
// nix-instantiate 2.8, which uses nlohmann::json for parsing).
//
// Input and output strings are *byte strings* (one JS char per byte, UTF-8 encoded text),
// the representation values.ts uses.
//
// The parse result is a neutral tree:
//   JsonNode = null | boolean
//            | string                         (byte string; \u escapes become UTF-8 bytes)
//            | bigint                         (integers in the int64 range; a larger unsigned
//                                              number is an error like newer Nix: "unsigned json
//                                              number N outside of Nix integer range"; with
//                                              { compat28: true } it wraps like Nix 2.8:
//                                              2^63 -> -2^63, 2^64-1 -> -1)
//            | JsonFloat  = { float: number } (anything with '.', 'e', or an integer
//                                              outside the int64/uint64 range)
//            | JsonNode[]
//            | JsonObject = { object: Map<string, JsonNode> }  (duplicate keys: last wins,
//                                              Map order = first insertion order)
// Errors: JsonParseError whose message is Nix's text after "error: ", e.g.
//   [json.exception.parse_error.101] parse error at line 1, column 4: syntax error while
//   parsing value - unexpected ']'; expected '[', '{', or a literal
// Strings (values and keys) containing NUL are an error like newer Nix ("input string 'a␀b'
// cannot be represented as Nix string because it contains null bytes"); with
// { compat28: true } they are cut at the NUL like Nix 2.8.

export interface JsonParseOptions {
  /** Nix 2.8 behaviour: wrap unsigned integers >= 2^63, truncate strings at NUL. */
  compat28?: boolean;
}

import { bytesToUtf8, utf8ErrorAt } from './bytes';

export interface JsonFloat {
  float: number;
}
export interface JsonObject {
  object: Map<string, JsonNode>;
}
export type JsonNode = null | boolean | string | bigint | JsonFloat | JsonNode[] | JsonObject;

export function isJsonFloat(n: JsonNode): n is JsonFloat {
  return typeof n === 'object' && n !== null && !Array.isArray(n) && 'float' in n;
}
export function isJsonObject(n: JsonNode): n is JsonObject {
  return typeof n === 'object' && n !== null && !Array.isArray(n) && 'object' in n;
}

/** Parse error. `message` is an ordinary (UTF-16) JS string: input bytes quoted in it are
 *  decoded from UTF-8 (the constructor takes the byte-string form). */
export class JsonParseError extends Error {
  constructor(byteMessage: string) {
    super(bytesToUtf8(byteMessage));
    this.name = 'JsonParseError';
  }
}

const enum T {
  True, False, Null, Str, Num, BeginArray, BeginObject, EndArray, EndObject, Colon, Comma, Error, End,
}

const TOKEN_NAMES: Record<number, string> = {
  [T.True]: 'true literal',
  [T.False]: 'false literal',
  [T.Null]: 'null literal',
  [T.Str]: 'string literal',
  [T.Num]: 'number literal',
  [T.BeginArray]: "'['",
  [T.BeginObject]: "'{'",
  [T.EndArray]: "']'",
  [T.EndObject]: "'}'",
  [T.Colon]: "':'",
  [T.Comma]: "','",
  [T.Error]: '<parse error>',
  [T.End]: 'end of input',
};
const EXPECT_VALUE = "'[', '{', or a literal";

const CONTROL_NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'HT', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
];

const SHORT_ESCAPES: Record<number, string> = { 8: 'b', 9: 't', 10: 'n', 12: 'f', 13: 'r' };

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}

function utf8(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  if (cp < 0x800) return String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  if (cp < 0x10000) return String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  return String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

class Lexer {
  pos = 0;
  tokStart = 0;
  /** nlohmann only resets its "last read" buffer when a string or number token starts. */
  resetPos = 0;
  /** Position just after the last character read (error column reference). */
  readEnd = 0;
  /** Whether reading stopped at end of input (counts as one more column, like nlohmann). */
  hitEof = false;
  errorMessage = '';
  value: JsonNode = null;
  numText = '';
  constructor(private readonly s: string, private readonly compat28 = false) {}

  private fail(msg: string): T {
    this.errorMessage = msg;
    return T.Error;
  }

  next(): T {
    const s = this.s;
    let i = this.pos;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
    this.tokStart = i;
    this.hitEof = false;
    if (i >= s.length) {
      this.pos = this.readEnd = i;
      this.hitEof = true;
      return T.End;
    }
    const c = s[i];
    this.pos = this.readEnd = i + 1;
    switch (c) {
      case '[': return T.BeginArray;
      case ']': return T.EndArray;
      case '{': return T.BeginObject;
      case '}': return T.EndObject;
      case ':': return T.Colon;
      case ',': return T.Comma;
      case 't': return this.literal('true', T.True, true);
      case 'f': return this.literal('false', T.False, false);
      case 'n': return this.literal('null', T.Null, null);
      case '"': return this.string();
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.fail('invalid literal');
    }
  }

  private literal(word: string, t: T, v: JsonNode): T {
    const s = this.s;
    let i = this.tokStart;
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= s.length) {
        this.pos = this.readEnd = i;
        this.hitEof = true;
        return this.fail('invalid literal');
      }
      if (s[i] !== word[k]) {
        this.pos = this.readEnd = i + 1;
        return this.fail('invalid literal');
      }
    }
    this.pos = this.readEnd = i;
    this.value = v;
    return t;
  }

  private string(): T {
    const s = this.s;
    this.resetPos = this.tokStart;
    let i = this.tokStart + 1;
    let out = '';
    let chunk = i;
    const stop = (at: number, eof: boolean, msg: string): T => {
      this.pos = this.readEnd = at;
      this.hitEof = eof;
      return this.fail(msg);
    };
    for (;;) {
      if (i >= s.length) return stop(i, true, 'invalid string: missing closing quote');
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(chunk, i);
        this.pos = this.readEnd = i + 1;
        const nul = out.indexOf('\0');
        if (nul >= 0) {
          // Nix 2.8 builds strings from C strings: a NUL byte ends the string; newer Nix errors.
          if (!this.compat28) {
            throw new JsonParseError(`input string '${out.replace(/\0/g, '\xe2\x90\x80')}' cannot be represented as Nix string because it contains null bytes`);
          }
          out = out.slice(0, nul);
        }
        this.value = out;
        return T.Str;
      }
      if (c === 0x5c) {
        out += s.slice(chunk, i);
        if (i + 1 >= s.length) return stop(i + 1, true, 'invalid string: missing closing quote');
        const e = s[i + 1];
        i += 2;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const readHex = (): number => {
              for (let k = 0; k < 4; k++) {
                if (i + k >= s.length) { i += k; return -2; }
                if (!/[0-9a-fA-F]/.test(s[i + k])) { i += k + 1; return -1; }
              }
              const v = parseInt(s.slice(i, i + 4), 16);
              i += 4;
              return v;
            };
            const u = readHex();
            if (u < 0) return stop(i, u === -2, "invalid string: '\\u' must be followed by 4 hex digits");
            if (u >= 0xd800 && u <= 0xdbff) {
              if (s[i] === '\\' && s[i + 1] !== 'u') {
                const eof = i + 1 >= s.length;
                return stop(eof ? i + 1 : i + 2, eof, 'invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF');
              }
              if (s[i] === '\\' && s[i + 1] === 'u') {
                i += 2;
                const lo = readHex();
                if (lo < 0) return stop(i, lo === -2, "invalid string: '\\u' must be followed by 4 hex digits");
                if (lo < 0xdc00 || lo > 0xdfff) {
                  return stop(i, false, 'invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF');
                }
                out += utf8(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
              } else {
                const eof = i >= s.length;
                return stop(eof ? i : i + 1, eof, 'invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF');
              }
            } else if (u >= 0xdc00 && u <= 0xdfff) {
              return stop(i, false, 'invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF');
            } else {
              out += utf8(u);
            }
            break;
          }
          default:
            return stop(i, false, 'invalid string: forbidden character after backslash');
        }
        chunk = i;
        continue;
      }
      if (c < 0x20) {
        const short = SHORT_ESCAPES[c];
        return stop(i + 1, false,
          `invalid string: control character U+${hex4(c)} (${CONTROL_NAMES[c]}) must be escaped to \\u${hex4(c)}` +
          (short ? ' or \\' + short : ''));
      }
      if (c >= 0x80) {
        // validate one UTF-8 sequence (bytes as chars)
        const n = this.utf8Len(i);
        if (n <= 0) {
          const at = i - n; // bytes read up to and including the first bad one
          const eof = at >= s.length;
          return stop(eof ? s.length : at + 1, eof, 'invalid string: ill-formed UTF-8 byte');
        }
        i += n;
        continue;
      }
      i++;
    }
  }

  /** Length of a well-formed UTF-8 sequence at i, or -k where k is the offset of the first
   *  bad byte (0 = bad lead byte). */
  private utf8Len(i: number): number {
    const s = this.s;
    const b0 = s.charCodeAt(i);
    // ranges for the continuation bytes, per lead byte
    let ranges: [number, number][];
    if (b0 >= 0xc2 && b0 <= 0xdf) ranges = [[0x80, 0xbf]];
    else if (b0 === 0xe0) ranges = [[0xa0, 0xbf], [0x80, 0xbf]];
    else if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) ranges = [[0x80, 0xbf], [0x80, 0xbf]];
    else if (b0 === 0xed) ranges = [[0x80, 0x9f], [0x80, 0xbf]];
    else if (b0 === 0xf0) ranges = [[0x90, 0xbf], [0x80, 0xbf], [0x80, 0xbf]];
    else if (b0 >= 0xf1 && b0 <= 0xf3) ranges = [[0x80, 0xbf], [0x80, 0xbf], [0x80, 0xbf]];
    else if (b0 === 0xf4) ranges = [[0x80, 0x8f], [0x80, 0xbf], [0x80, 0xbf]];
    else return 0;
    for (let k = 0; k < ranges.length; k++) {
      const x = i + 1 + k < s.length ? s.charCodeAt(i + 1 + k) : -1;
      if (x < ranges[k][0] || x > ranges[k][1]) return -(k + 1);
    }
    return ranges.length + 1;
  }

  private number(): T {
    const s = this.s;
    this.resetPos = this.tokStart;
    let i = this.tokStart;
    const isD = (k: number) => k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57;
    const stop = (at: number, msg: string): T => {
      const eof = at >= s.length;
      this.pos = this.readEnd = eof ? at : at + 1;
      this.hitEof = eof;
      return this.fail(msg);
    };
    let isFloat = false;
    if (s[i] === '-') {
      i++;
      if (!isD(i)) return stop(i, "invalid number; expected digit after '-'");
    }
    if (s[i] === '0') i++;
    else while (isD(i)) i++;
    if (s[i] === '.') {
      isFloat = true;
      i++;
      if (!isD(i)) return stop(i, "invalid number; expected digit after '.'");
      while (isD(i)) i++;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      isFloat = true;
      i++;
      if (s[i] === '+' || s[i] === '-') {
        i++;
        if (!isD(i)) return stop(i, 'invalid number; expected digit after exponent sign');
      } else if (!isD(i)) return stop(i, "invalid number; expected '+', '-', or digit after exponent");
      while (isD(i)) i++;
    }
    const text = s.slice(this.tokStart, i);
    this.pos = this.readEnd = i;
    this.numText = text;
    if (!isFloat) {
      const v = BigInt(text);
      if (text[0] === '-') {
        if (v >= -9223372036854775808n) { this.value = v; return T.Num; }
      } else if (v <= 9223372036854775807n) {
        this.value = v;
        return T.Num;
      } else if (v <= 18446744073709551615n) {
        if (!this.compat28) throw new JsonParseError(`unsigned json number ${text} outside of Nix integer range`);
        this.value = BigInt.asIntN(64, v);
        return T.Num;
      }
    }
    const f = Number(text);
    if (!Number.isFinite(f)) {
      throw new JsonParseError(`[json.exception.out_of_range.406] number overflow parsing '${text}'`);
    }
    this.value = { float: f };
    return T.Num;
  }

  /** Text read for the current token, control chars shown like nlohmann (<U+0001>). */
  tokenString(): string {
    const raw = this.s.slice(this.resetPos, this.readEnd);
    let out = '';
    for (const ch of raw) {
      const c = ch.charCodeAt(0);
      out += c < 0x20 ? `<U+${hex4(c)}>` : ch;
    }
    return out;
  }

  /** 1-based line and column of the error, counted like nlohmann (chars read so far). */
  position(): { line: number; column: number } {
    const upto = this.readEnd;
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < upto; k++) {
      if (this.s.charCodeAt(k) === 0x0a) {
        line++;
        lineStart = k + 1;
      }
    }
    return { line, column: upto - lineStart + (this.hitEof ? 1 : 0) };
  }
}

class Parser {
  private lx: Lexer;
  private tok: T;
  constructor(text: string, compat28: boolean) {
    this.lx = new Lexer(text, compat28);
    this.tok = this.lx.next();
  }

  private error(context: string, expected: string | null): never {
    const { line, column } = this.lx.position();
    let msg = `[json.exception.parse_error.101] parse error at line ${line}, column ${column}: syntax error while parsing ${context} - `;
    if (this.tok === T.Error) {
      msg += `${this.lx.errorMessage}; last read: '${this.lx.tokenString()}'`;
    } else {
      msg += 'unexpected ' + TOKEN_NAMES[this.tok];
    }
    if (expected !== null) msg += '; expected ' + expected;
    throw new JsonParseError(msg);
  }

  parseDocument(): JsonNode {
    const v = this.value();
    if (this.tok !== T.End) this.error('value', 'end of input');
    return v;
  }

  private value(): JsonNode {
    switch (this.tok) {
      case T.True: case T.False: case T.Null: case T.Str: case T.Num: {
        const v = this.lx.value;
        this.tok = this.lx.next();
        return v;
      }
      case T.BeginArray: {
        const arr: JsonNode[] = [];
        this.tok = this.lx.next();
        if (this.tok === T.EndArray) {
          this.tok = this.lx.next();
          return arr;
        }
        for (;;) {
          arr.push(this.value());
          if (this.tok === T.Comma) {
            this.tok = this.lx.next();
            continue;
          }
          if (this.tok === T.EndArray) {
            this.tok = this.lx.next();
            return arr;
          }
          this.error('array', "']'");
        }
      }
      case T.BeginObject: {
        const map = new Map<string, JsonNode>();
        this.tok = this.lx.next();
        if (this.tok === T.EndObject) {
          this.tok = this.lx.next();
          return { object: map };
        }
        for (;;) {
          if (this.tok !== T.Str) this.error('object key', 'string literal');
          const key = this.lx.value as string;
          this.tok = this.lx.next();
          if (this.tok !== T.Colon) this.error('object separator', "':'");
          this.tok = this.lx.next();
          const v = this.value();
          map.set(key, v);
          if (this.tok === T.Comma) {
            this.tok = this.lx.next();
            continue;
          }
          if (this.tok === T.EndObject) {
            this.tok = this.lx.next();
            return { object: map };
          }
          this.error('object', "'}'");
        }
      }
      case T.Error:
        return this.error('value', null);
      default:
        return this.error('value', EXPECT_VALUE);
    }
  }
}

/** builtins.fromJSON's parser. `text` is a byte string. Throws JsonParseError. */
export function parseJsonForNix(text: string, options: JsonParseOptions = {}): JsonNode {
  return new Parser(text, options.compat28 === true).parseDocument();
}

/** The error newer Nix gives for toJSON of a string that is not valid UTF-8, or null when
 *  `s` (a byte string) is valid. Nix 2.8 itself copies the bytes unchecked. Example:
 *  "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index 16: 0xFF" */
export function jsonUtf8Error(s: string): string | null {
  const at = utf8ErrorAt(s);
  if (at === null) return null;
  const hex = (c: number) => '0x' + c.toString(16).toUpperCase().padStart(2, '0');
  const prefix = 'JSON serialization error: [json.exception.type_error.316]';
  if (at === 'incomplete') return `${prefix} incomplete UTF-8 string; last byte: ${hex(s.charCodeAt(s.length - 1))}`;
  return `${prefix} invalid UTF-8 byte at index ${at}: ${hex(s.charCodeAt(at))}`;
}

/** builtins.toJSON's string escaping in Nix 2.8 (result includes the quotes): `"` `\`
 *  escaped, \n \r \t, other bytes < 0x20 as \u00xx (lowercase hex); `/`, DEL and non-ASCII
 *  bytes are copied unchanged. Input/output are byte strings. */
export function quoteJsonString(s: string): string {
  let out = '"';
  let chunk = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(chunk, i);
    chunk = i + 1;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + s.slice(chunk) + '"';
}
