import { scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes as authz writes them, in PHC string format:
 *   `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`
 * Salt and hash are standard base64 (PHC "B64": `+/`, padding omitted; correct `=` padding is also
 * read). The parser is strict: parameters in that order, decimal without leading zeros, within
 * bounds that keep one check below ~256 MiB, canonical base64 only. A hash that does not parse
 * verifies nothing (the account cannot sign in by password) rather than being guessed at.
 */
export interface ScryptHash {
  ln: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export class PhcFormatError extends Error {}

const LIMITS = { ln: [1, 20], r: [1, 32], p: [1, 16] } as const;
const MAX_MEMORY = 256 * 1024 * 1024;
const DECIMAL = /^(0|[1-9]\d{0,5})$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeB64(text: string, what: string): Buffer {
  if (!B64.test(text)) throw new PhcFormatError(`${what} is not base64`);
  const bytes = Buffer.from(text, 'base64');
  // Only the canonical encoding of those bytes is accepted (no stray bits, no wrong padding).
  const unpadded = bytes.toString('base64').replace(/=+$/, '');
  if (text !== unpadded && text !== bytes.toString('base64')) throw new PhcFormatError(`${what} is not canonical base64`);
  return bytes;
}

export function parseScryptPhc(phc: string): ScryptHash {
  const parts = phc.split('$');
  if (parts.length !== 5 || parts[0] !== '') throw new PhcFormatError('not a PHC string with parameters, salt and hash');
  const [, id, params, saltText, hashText] = parts;
  if (id !== 'scrypt') throw new PhcFormatError(`unsupported algorithm '${id.slice(0, 32)}'`);
  const m = /^ln=([^,]+),r=([^,]+),p=([^,]+)$/.exec(params);
  if (!m) throw new PhcFormatError('parameters must be ln=<n>,r=<n>,p=<n> in that order');
  const values = { ln: m[1], r: m[2], p: m[3] };
  const parsed = {} as Record<keyof typeof LIMITS, number>;
  for (const key of ['ln', 'r', 'p'] as const) {
    if (!DECIMAL.test(values[key])) throw new PhcFormatError(`${key} must be a decimal number`);
    const n = Number(values[key]);
    const [lo, hi] = LIMITS[key];
    if (n < lo || n > hi) throw new PhcFormatError(`${key} must be between ${lo} and ${hi}`);
    parsed[key] = n;
  }
  if (memoryFor(parsed.ln, parsed.r) > MAX_MEMORY) throw new PhcFormatError('parameters need more memory than allowed');
  const salt = decodeB64(saltText, 'salt');
  const hash = decodeB64(hashText, 'hash');
  if (salt.length < 8 || salt.length > 64) throw new PhcFormatError('salt must be 8-64 bytes');
  if (hash.length < 16 || hash.length > 128) throw new PhcFormatError('hash must be 16-128 bytes');
  return { ...parsed, salt, hash };
}

function memoryFor(ln: number, r: number): number {
  return 128 * 2 ** ln * r;
}

function derive(password: string, h: Pick<ScryptHash, 'ln' | 'r' | 'p' | 'salt'>, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, h.salt, keylen, { N: 2 ** h.ln, r: h.r, p: h.p, maxmem: memoryFor(h.ln, h.r) * 2 + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Runs off the event loop (libuv pool); compares in constant time. */
export async function verifyScryptPhc(password: string, phc: string): Promise<boolean> {
  const h = parseScryptPhc(phc);
  const derived = await derive(password, h, h.hash.length);
  return timingSafeEqual(derived, h.hash);
}

/** Produces a hash in the same format (tests, and the dummy check that evens out timing for unknown users). */
export async function hashScryptPhc(password: string, salt: Buffer, ln = 15, r = 8, p = 1): Promise<string> {
  const hash = await derive(password, { ln, r, p, salt }, 32);
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(hash)}`;
}
