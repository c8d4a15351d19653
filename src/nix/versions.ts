// Version strings as Nix handles them (builtins.compareVersions, splitVersion, parseDrvName).
// Checked against nix-instantiate 2.8. Inputs are byte strings (one char per byte).
//
// A version is split into components at '.' and '-' (runs of separators are skipped);
// a component is a maximal run of digits or a maximal run of other non-separator chars
// ("1.2.3a-b" -> 1 2 3 a b). Components compare as: numbers numerically; the empty
// component (missing) is less than a number; "pre" is less than anything else; a
// non-number is less than a number ("2.3a" < "2.3.1"); otherwise bytewise.

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSep(c: number): boolean {
  return c === 46 /* . */ || c === 45 /* - */;
}

/** Components of a version string, like builtins.splitVersion. */
export function splitVersion(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSep(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      while (i < n && isDigit(s.charCodeAt(i))) i++;
    } else {
      while (i < n) {
        const d = s.charCodeAt(i);
        if (isDigit(d) || isSep(d)) break;
        i++;
      }
    }
    out.push(s.slice(start, i));
  }
  return out;
}


/** Numeric value of an all-digit component that fits in a signed 32-bit int (Nix 2.8
 *  parses components as C `int`; "2147483648" is not a number), else null. */
function asNumber(c: string): number | null {
  if (c.length === 0) return null;
  for (let i = 0; i < c.length; i++) if (!isDigit(c.charCodeAt(i))) return null;
  const v = c.length > 15 ? Infinity : parseInt(c, 10);
  return v > 2147483647 ? null : v;
}

function byteLess(a: string, b: string): boolean {
  // JS string comparison compares UTF-16 code units; for byte strings that is bytewise.
  return a < b;
}

/** Nix's component ordering: true when c1 < c2. */
function componentLess(c1: string, c2: string): boolean {
  const n1 = asNumber(c1);
  const n2 = asNumber(c2);
  if (n1 !== null && n2 !== null) return n1 < n2;
  if (c1 === '' && n2 !== null) return true;
  if (c1 === 'pre' && c2 !== 'pre') return true;
  if (c2 === 'pre') return false;
  if (n2 !== null) return true;
  if (n1 !== null) return false;
  return byteLess(c1, c2);
}

/** builtins.compareVersions: -1, 0 or 1. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const ca = splitVersion(a);
  const cb = splitVersion(b);
  const n = Math.max(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const c1 = i < ca.length ? ca[i] : '';
    const c2 = i < cb.length ? cb[i] : '';
    if (componentLess(c1, c2)) return -1;
    if (componentLess(c2, c1)) return 1;
  }
  return 0;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** builtins.parseDrvName: the name ends at the first '-' followed by a non-letter. */
export function parseDrvName(s: string): { name: string; version: string } {
  for (let i = 0; i + 1 < s.length; i++) {
    if (s.charCodeAt(i) === 45 && !isAlpha(s.charCodeAt(i + 1))) {
      return { name: s.slice(0, i), version: s.slice(i + 1) };
    }
  }
  return { name: s, version: '' };
}
