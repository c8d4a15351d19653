// SHA-512 based crypt(3) ("$6$salt$hash"), as glibc and shadow verify it; written from
// Ulrich Drepper's public specification of SHA-crypt. Used to turn users.users.<n>.password /
// initialPassword into /etc/shadow hashes.
import * as crypto from 'crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// One-shot digest (Node >= 20.12): no Hash object per call, which is most of the cost of the
// 5,000 small digests of the rounds.
type OneShot = (alg: string, data: Uint8Array, enc: 'buffer') => Buffer;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
const digest512: (data: Buffer) => Buffer = oneShot
  ? (data) => oneShot('sha512', data, 'buffer')
  : (data) => crypto.createHash('sha512').update(data).digest();

function sha512(...parts: Buffer[]): Buffer {
  return digest512(Buffer.concat(parts));
}

/** `len` bytes of `block` repeated. */
function stretch(block: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = block[i % block.length];
  return out;
}

const ORDER: Array<[number, number, number]> = [];
for (let i = 0; i < 21; i++) {
  const a = i, b = i + 21, c = i + 42;
  // the three bytes of each group rotate through the positions
  const r = i % 3;
  ORDER.push(r === 0 ? [a, b, c] : r === 1 ? [b, c, a] : [c, a, b]);
}

export function sha512crypt(password: string, salt: string, rounds = 5000): string {
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(salt, 'utf8').subarray(0, 16);
  const B = sha512(P, S, P);
  const aParts: Buffer[] = [P, S, stretch(B, P.length)];
  for (let n = P.length; n > 0; n >>= 1) aParts.push(n & 1 ? B : P);
  const A = sha512(...aParts);
  const DP = sha512(...Array(P.length).fill(P));
  const Pp = stretch(DP, P.length);
  const DS = sha512(...Array(16 + A[0]).fill(S));
  const Sp = stretch(DS, S.length);
  // each round digests C (64 bytes) and P' twice at most, with S', in a fixed pattern, laid out
  // in one buffer of that size
  let C = A;
  const msg = Buffer.alloc(64 + Sp.length + 2 * Pp.length);
  for (let i = 0; i < rounds; i++) {
    let n = (i & 1 ? Pp : C).copy(msg, 0);
    if (i % 3) n += Sp.copy(msg, n);
    if (i % 7) n += Pp.copy(msg, n);
    n += (i & 1 ? C : Pp).copy(msg, n);
    C = digest512(msg.subarray(0, n));
  }
  let out = '';
  const emit = (b2: number, b1: number, b0: number, n: number) => {
    let w = (b2 << 16) | (b1 << 8) | b0;
    for (let k = 0; k < n; k++) {
      out += ALPHABET[w & 0x3f];
      w >>= 6;
    }
  };
  for (const [x, y, z] of ORDER) emit(C[x], C[y], C[z], 4);
  emit(0, 0, C[63], 2);
  const roundsPart = rounds === 5000 ? '' : `rounds=${rounds}$`;
  return `$6$${roundsPart}${S.toString('utf8')}$${out}`;
}

/** A salt derived from the inputs, so the same configuration gives the same shadow file. */
export function deterministicSalt(...parts: string[]): string {
  const h = crypto.createHash('sha256').update(parts.join('\0')).digest();
  let s = '';
  for (let i = 0; i < 16; i++) s += ALPHABET[h[i] & 0x3f];
  return s;
}
