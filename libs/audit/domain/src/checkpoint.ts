import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { HASH_SIZE } from './merkle';

/**
 * A signed checkpoint: "the audit log of `origin` had `size` entries, their RFC 6962 tree head is
 * `root`, and the hash chain's head at that entry is `chainHead`", signed with Ed25519.
 *
 * The signature covers a small line-based text (in the spirit of C2SP tlog-checkpoint), so a
 * verifier in any language rebuilds it without a JSON canonicaliser:
 *
 *   custos-audit-checkpoint/v1\n
 *   origin <origin>\n
 *   size <decimal>\n
 *   root <base64 of 32 bytes>\n
 *   chain <64 lowercase hex>\n
 *   timestamp <ISO 8601 UTC, milliseconds>\n
 *   key <key id>\n
 *
 * The first line separates these signatures from anything else the key might ever sign.
 */
export const CHECKPOINT_FORMAT = 'custos-audit-checkpoint/v1';

export interface CheckpointBody {
  origin: string;
  size: number;
  /** base64 RFC 6962 tree head over entries 1..size (leaf i+1 is entry sequence i+1's canonical text). */
  root: string;
  /** hex hash-chain head at entry `size` (ADR 009). */
  chainHead: string;
  timestamp: string;
  keyId: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  format: typeof CHECKPOINT_FORMAT;
  /** base64 Ed25519 signature over `checkpointText(body)`. */
  signature: string;
}

export class CheckpointError extends Error {}

const ORIGIN = /^[\x21-\x7e]{1,128}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function isValidOrigin(origin: string): boolean {
  return ORIGIN.test(origin);
}

export function decodeBase64Strict(s: string, bytes?: number): Buffer | undefined {
  if (typeof s !== 'string' || !B64.test(s) || s.length % 4 !== 0) return undefined;
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) return undefined;
  if (bytes !== undefined && b.length !== bytes) return undefined;
  return b;
}

/** Field checks shared by signing and parsing: a malformed body is never signed nor accepted. */
function bodyProblem(b: CheckpointBody): string | undefined {
  if (typeof b.origin !== 'string' || !ORIGIN.test(b.origin)) return 'origin must be 1-128 printable ASCII characters without spaces';
  if (typeof b.size !== 'number' || !Number.isSafeInteger(b.size) || b.size < 1) return 'size must be a positive integer';
  if (!decodeBase64Strict(b.root, HASH_SIZE)) return 'root must be base64 of 32 bytes';
  if (typeof b.chainHead !== 'string' || !HEX64.test(b.chainHead)) return 'chainHead must be 64 lowercase hex characters';
  if (typeof b.timestamp !== 'string' || !ISO.test(b.timestamp) || Number.isNaN(Date.parse(b.timestamp))) return 'timestamp must be ISO 8601 UTC with milliseconds';
  if (typeof b.keyId !== 'string' || !KEY_ID.test(b.keyId)) return 'keyId must be 16 lowercase hex characters';
  return undefined;
}

/** The exact bytes the signature covers. */
export function checkpointText(b: CheckpointBody): string {
  const problem = bodyProblem(b);
  if (problem) throw new CheckpointError(problem);
  return [CHECKPOINT_FORMAT, `origin ${b.origin}`, `size ${b.size}`, `root ${b.root}`, `chain ${b.chainHead}`, `timestamp ${b.timestamp}`, `key ${b.keyId}`, ''].join('\n');
}

/** First 8 bytes of SHA-256 over the SubjectPublicKeyInfo DER, as hex: names the key in a checkpoint. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** base64 SPKI DER: what verifiers are given. */
  publicKeySpki: string;
}

/** Loads a base64 PKCS8 DER Ed25519 private key (AUDIT_SIGNING_KEY). */
export function loadSigningKey(base64Pkcs8: string): SigningKey {
  const der = decodeBase64Strict(base64Pkcs8.trim());
  if (!der) throw new CheckpointError('signing key must be base64 PKCS8 DER');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    throw new CheckpointError('signing key is not a PKCS8 DER private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new CheckpointError(`signing key must be Ed25519, got ${privateKey.asymmetricKeyType}`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), publicKeySpki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

/** Loads a base64 SPKI DER Ed25519 public key. */
export function loadVerifyingKey(base64Spki: string): KeyObject {
  const der = decodeBase64Strict(base64Spki.trim());
  if (!der) throw new CheckpointError('public key must be base64 SPKI DER');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    throw new CheckpointError('public key is not an SPKI DER public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CheckpointError(`public key must be Ed25519, got ${key.asymmetricKeyType}`);
  return key;
}

export function signCheckpoint(body: Omit<CheckpointBody, 'keyId'>, key: SigningKey): SignedCheckpoint {
  const full: CheckpointBody = { ...body, keyId: key.keyId };
  const signature = sign(null, Buffer.from(checkpointText(full), 'utf8'), key.privateKey).toString('base64');
  return { format: CHECKPOINT_FORMAT, origin: full.origin, size: full.size, root: full.root, chainHead: full.chainHead, timestamp: full.timestamp, keyId: full.keyId, signature };
}

/** Validates an untrusted checkpoint object's shape (not its signature). */
export function parseCheckpoint(raw: unknown): SignedCheckpoint {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckpointError('checkpoint must be a JSON object');
  const c = raw as Record<string, unknown>;
  if (c.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`checkpoint format must be ${CHECKPOINT_FORMAT}`);
  const body = { origin: c.origin, size: c.size, root: c.root, chainHead: c.chainHead, timestamp: c.timestamp, keyId: c.keyId } as CheckpointBody;
  const problem = bodyProblem(body);
  if (problem) throw new CheckpointError(problem);
  if (typeof c.signature !== 'string' || !decodeBase64Strict(c.signature, 64)) throw new CheckpointError('signature must be base64 of 64 bytes');
  return { format: CHECKPOINT_FORMAT, ...body, signature: c.signature };
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/** Checks the key id and the Ed25519 signature of a (parsed) checkpoint against a public key. */
export function verifyCheckpointSignature(cp: SignedCheckpoint, publicKey: KeyObject): SignatureVerdict {
  if (publicKey.asymmetricKeyType !== 'ed25519') return { ok: false, reason: 'public key is not Ed25519' };
  if (cp.keyId !== keyIdOf(publicKey)) return { ok: false, reason: `checkpoint names key ${cp.keyId}, the given public key is ${keyIdOf(publicKey)}` };
  let text: string;
  try {
    text = checkpointText(cp);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  const sig = decodeBase64Strict(cp.signature, 64);
  if (!sig) return { ok: false, reason: 'signature must be base64 of 64 bytes' };
  return verify(null, Buffer.from(text, 'utf8'), publicKey, sig) ? { ok: true } : { ok: false, reason: 'signature does not verify' };
}
