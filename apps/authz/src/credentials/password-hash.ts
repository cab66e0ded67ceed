import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes as PHC strings, self-contained (node:crypto only) so the gateway can verify
 * basic-auth passwords against the hashes it receives in `authz.UserCreated` /
 * `authz.UserPasswordChanged` with a copy of this file.
 *
 *   $scrypt$ln=<log2 N>,r=<block size>,p=<parallelism>$<salt>$<hash>
 *
 * salt: 16 random bytes, hash: 32 bytes of scrypt(utf8(password), salt, N=2^ln, r, p), both in
 * standard base64 without padding (PHC "B64"). The password is taken as its UTF-8 bytes, without
 * normalization. scrypt is memory-hard (128·N·r bytes: 8 MiB at ln=13, r=8), which makes guessing
 * on GPUs and ASICs expensive; the parameters travel in the string, so they can be raised later and
 * old hashes still verify.
 */

export interface ScryptParams {
  ln: number;
  r: number;
  p: number;
}

/** ~50-100 ms per hash on the reference host. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { ln: 13, r: 8, p: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/**
 * Bounds on parameters read from a stored string, so a forged or corrupted hash cannot make the
 * verifier allocate gigabytes or spin for minutes.
 */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16], salt: [8, 64], hash: [16, 64] } as const;

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

const within = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;
const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) =>
    // Async: the work runs on libuv's pool, so hashing never blocks the event loop.
    scrypt(Buffer.from(password, 'utf8'), salt, length, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export function parsePasswordHash(phc: string): ParsedHash | undefined {
  const m = PHC.exec(phc);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const salt = Buffer.from(m[4], 'base64');
  const hash = Buffer.from(m[5], 'base64');
  if (!within(params.ln, LIMITS.ln) || !within(params.r, LIMITS.r) || !within(params.p, LIMITS.p)) return undefined;
  if (!within(salt.length, LIMITS.salt) || !within(hash.length, LIMITS.hash)) return undefined;
  return { params, salt, hash };
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (password.length === 0) throw new Error('refusing to hash an empty password');
  if (!within(params.ln, LIMITS.ln) || !within(params.r, LIMITS.r) || !within(params.p, LIMITS.p)) throw new Error('scrypt parameters out of range');
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params, HASH_BYTES);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

/**
 * True only when `password` produces the stored hash. A malformed or out-of-bounds hash, or an
 * empty password, is simply false. The comparison is constant-time.
 */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const parsed = parsePasswordHash(phc);
  if (!parsed || password.length === 0) return false;
  const candidate = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}
