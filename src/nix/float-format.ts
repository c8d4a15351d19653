// Float formatting exactly as Nix 2.8 prints floats (checked against nix-instantiate 2.8):
//  - `nix-instantiate --eval` printing, `--json` output and builtins.toJSON all use the C++
//    ostream default: "%g" with 6 significant digits (1.0 -> "1", 123456789.0 ->
//    "1.23457e+08", 5e22 -> "5e+22", 1e-5 -> "1e-05", -0.0 -> "-0");
//  - builtins.toString / string interpolation use "%f" (1.5 -> "1.500000").
// Rounding is round-half-to-even on the exact binary value, as glibc does (JS's own
// toPrecision/toFixed round exact ties upward, so ties are corrected here).
// Non-finite: "inf", "-inf"; NaN prints as "-nan" (the NaN produced by x86 arithmetic such
// as inf - inf has its sign bit set, and that is the only way to get one in Nix 2.8's
// language), unless `nanSign` says otherwise.

/** Sign to print for NaN ('-' by default, as Nix's arithmetic NaN is negative). */
export type NanSign = '-' | '+';

function nonFinite(x: number, nanSign: NanSign): string {
  if (Number.isNaN(x)) return nanSign === '-' ? '-nan' : 'nan';
  return x > 0 ? 'inf' : '-inf';
}

/** Exact-tie detection: is `a` (positive) exactly halfway between two `p`-significant-digit
 *  decimals? `long` is a.toExponential(k) with k >= p + 20. */
function isTieExp(long: string, p: number): boolean {
  const mant = long.slice(0, long.indexOf('e')).replace('.', '');
  if (mant[p] !== '5') return false;
  for (let i = p + 1; i < mant.length; i++) if (mant[i] !== '0') return false;
  return true;
}

/** Significant digits (exactly `p` of them) and decimal exponent of positive finite `a`,
 *  rounded half-to-even on the exact value. */
/** Could `a` be an exact tie at `p` significant digits? A tie has exactly p+1 significant
 *  digits ending in 5, and then the shortest round-trip form (String) shows exactly those. */
function maybeTieSig(a: number, p: number): boolean {
  const str = String(a);
  let end = str.indexOf('e');
  if (end < 0) end = str.length;
  let first = 0;
  while (first < end && (str[first] === '0' || str[first] === '.')) first++;
  let last = end - 1;
  while (last > first && (str[last] === '0' || str[last] === '.')) last--;
  if (str[last] !== '5') return false;
  let n = 0;
  for (let i = first; i <= last; i++) if (str[i] !== '.') n++;
  return n === p + 1;
}

function roundSig(a: number, p: number): { digits: string; exp: number } {
  const s = a.toExponential(p - 1);
  const long = maybeTieSig(a, p) ? a.toExponential(Math.min(100, p + 30)) : '';
  if (long !== '' && isTieExp(long, p)) {
    // JS rounded the tie up; glibc rounds to even: use the truncation when its last digit is even.
    const lm = long.slice(0, long.indexOf('e')).replace('.', '');
    const truncated = lm.slice(0, p);
    if ((truncated.charCodeAt(p - 1) - 48) % 2 === 0) {
      const e = parseInt(long.slice(long.indexOf('e') + 1), 10);
      return { digits: truncated, exp: e };
    }
  }
  const ei = s.indexOf('e');
  const digits = s.slice(0, ei).replace('.', '');
  return { digits, exp: parseInt(s.slice(ei + 1), 10) };
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s[end - 1] === '.') end--;
  return s.slice(0, end);
}

/** C printf "%.{p}g" (p >= 1). */
export function formatG(x: number, p = 6, nanSign: NanSign = '-'): string {
  if (!Number.isFinite(x)) return nonFinite(x, nanSign);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const neg = x < 0;
  const a = neg ? -x : x;
  const { digits, exp } = roundSig(a, p);
  let body: string;
  if (exp < -4 || exp >= p) {
    const mant = stripZeros(digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits);
    const ae = Math.abs(exp);
    body = mant + 'e' + (exp < 0 ? '-' : '+') + (ae < 10 ? '0' + ae : String(ae));
  } else if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1);
    const frac = digits.slice(exp + 1);
    body = stripZeros(frac.length ? intPart + '.' + frac : intPart);
  } else {
    body = stripZeros('0.' + '0'.repeat(-exp - 1) + digits);
  }
  return neg ? '-' + body : body;
}

/** C printf "%.{d}f". */
export function formatF(x: number, d = 6, nanSign: NanSign = '-'): string {
  if (!Number.isFinite(x)) return nonFinite(x, nanSign);
  const neg = x < 0 || Object.is(x, -0);
  const a = neg ? -x : x;
  let body: string;
  if (a >= 1e21) {
    // integral: exact digits of the double
    body = BigInt(a).toString() + (d > 0 ? '.' + '0'.repeat(d) : '');
  } else {
    body = a.toFixed(d);
    const short = String(a);
    const sdot = short.indexOf('.');
    // an exact tie shows exactly d+1 decimals ending in 5 in the shortest form
    // (only reliable while the exact value has <= 15 significant digits: a < 1e8 for d = 6)
    const maybeTie = a >= Math.pow(10, 15 - d - 1) || short.indexOf('e') >= 0 ||
      (sdot >= 0 && short.length - sdot - 1 === d + 1 && short.endsWith('5'));
    const long = maybeTie ? a.toFixed(Math.min(100, d + 40)) : '';
    const dot = long.indexOf('.');
    const tail = maybeTie ? long.slice(dot + 1 + d) : '';
    if (tail[0] === '5' && /^50*$/.test(tail)) {
      // exact tie: JS rounded up; glibc rounds half to even
      const truncated = long.slice(0, dot + 1 + d).replace(/\.$/, '');
      const last = truncated.charCodeAt(truncated.length - 1) - 48;
      if (last % 2 === 0) body = truncated;
    }
  }
  return neg ? '-' + body : body;
}

/** How `nix-instantiate --eval` prints a float value (ostream default, "%g", 6 digits). */
export function formatFloatForPrint(x: number, nanSign: NanSign = '-'): string {
  return formatG(x, 6, nanSign);
}

/** builtins.toString / "${x}" of a float ("%f"). */
export function formatFloatToString(x: number, nanSign: NanSign = '-'): string {
  return formatF(x, 6, nanSign);
}

/** builtins.toJSON (and --json) of a float in Nix 2.8: same as printing ("%g", 6 digits),
 *  e.g. 123456789.123 -> 1.23457e+08; non-finite values come out as inf / -nan (invalid
 *  JSON, but that is what 2.8 emits). */
export function formatFloatForJSON(x: number, nanSign: NanSign = '-'): string {
  return formatG(x, 6, nanSign);
}
