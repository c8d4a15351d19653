// Byte-string helpers. Nix strings are byte strings: `stringLength "é"` is 2 and
// `substring` counts bytes. The evaluator keeps strings as JS strings whose char codes are
// all < 256 ("byte strings", one char per UTF-8 byte, i.e. latin1-decoded UTF-8). These
// helpers convert at the boundaries (source text, file contents, process output) with a
// fast path for ASCII, which is most strings.

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** True when every char code is < 0x80. */
export function isAscii(s: string): boolean {
  return !NON_ASCII.test(s);
}

/** Number of UTF-8 bytes of an ordinary (UTF-16) JS string. Lone surrogates count 3, as
 *  Buffer.from(s, 'utf8') encodes them as U+FFFD. */
export function utf8ByteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // 4 bytes for 2 UTF-16 units
      i++;
    } else n += 2;
  }
  return n;
}

/** UTF-16 JS string -> byte string (UTF-8 bytes as chars 0..255). */
export function utf8ToBytes(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  if (s.length > 64) return Buffer.from(s, 'utf8').toString('latin1');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out += s[i];
      continue;
    }
    if (c < 0x800) {
      out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 63));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out += String.fromCharCode(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate
    out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/** Byte string -> UTF-16 JS string (invalid sequences become U+FFFD, like Buffer). */
export function bytesToUtf8(b: string): string {
  if (!NON_ASCII.test(b)) return b;
  return Buffer.from(b, 'latin1').toString('utf8');
}

/** Byte string -> Buffer (no copy of semantics, one byte per char). */
export function bytesToBuffer(b: string): Buffer {
  return Buffer.from(b, 'latin1');
}

/** Buffer (file contents, process output) -> byte string. */
export function bufferToBytes(buf: Uint8Array): string {
  return Buffer.isBuffer(buf) ? buf.toString('latin1') : Buffer.from(buf).toString('latin1');
}

/**
 * Where a byte string stops being well-formed UTF-8: the index of the first bad byte, or
 * 'incomplete' when it ends inside a sequence; null when the whole string is valid.
 */
export function utf8ErrorAt(b: string): number | 'incomplete' | null {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b.charCodeAt(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c === 0xe0) { need = 2; lo = 0xa0; }
    else if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) need = 2;
    else if (c === 0xed) { need = 2; hi = 0x9f; }
    else if (c === 0xf0) { need = 3; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else if (c === 0xf4) { need = 3; hi = 0x8f; }
    else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return 'incomplete';
      const d = b.charCodeAt(i + k);
      if (!(d >= (k === 1 ? lo : 0x80) && d <= (k === 1 ? hi : 0xbf))) return i + k;
    }
    i += need + 1;
  }
  return null;
}

/** Is the byte string well-formed UTF-8? (newer Nix rejects toJSON of invalid UTF-8) */
export function isValidUtf8Bytes(b: string): boolean {
  return utf8ErrorAt(b) === null;
}

/** builtins.substring on a byte string: `start` < 0 is an error; a negative `len` means
 *  "to the end" (Nix 2.8 converts it to a huge unsigned length); start past the end gives "". */
export function nixSubstring(s: string, start: number, len: number): string {
  if (start < 0) throw new Error("negative start position in 'substring'");
  if (start >= s.length) return '';
  if (len < 0 || start + len >= s.length) return start === 0 ? s : s.slice(start);
  return s.slice(start, start + len);
}

/** Bytewise comparison of byte strings (Nix's string ordering): -1, 0, 1. For byte strings
 *  JS's own `<` is already bytewise; this is the explicit version. */
export function compareBytes(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Substring of an ordinary UTF-16 string by UTF-8 byte offsets, returned as a byte
 *  string (so a cut through a multi-byte character keeps the raw bytes, as Nix does). */
export function utf8ByteSlice(s: string, start: number, end?: number): string {
  if (!NON_ASCII.test(s)) return s.slice(start, end);
  return utf8ToBytes(s).slice(start, end);
}
