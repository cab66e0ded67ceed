import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MasterKeyError } from './errors';
import { assertKeyId, encodeIdentity } from './identity';

export const DATA_KEY_BYTES = 32;
const WRAP_VERSION = 1;
const WRAP_NONCE_BYTES = 12;
const WRAP_TAG_BYTES = 16;
/** version (1) | nonce (12) | wrapped data key (32) | tag (16) */
export const WRAPPED_KEY_BYTES = 1 + WRAP_NONCE_BYTES + DATA_KEY_BYTES + WRAP_TAG_BYTES;

/** A data key sealed under one master key; `keyId` names that master key. */
export interface WrappedKey {
  keyId: string;
  wrapped: Buffer;
}

/**
 * Master keys by id, one of them active. Only the active key wraps new data keys; the others stay
 * so that data keys wrapped before a rotation can still be unwrapped (and re-wrapped). `purpose`
 * (e.g. `artifact`, `ai-secret`) is bound into every wrap, so a data key wrapped for one use never
 * unwraps for another, even under the same master key.
 */
export class KeyRing {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly domain: string;

  constructor(
    keys: ReadonlyMap<string, Buffer>,
    readonly activeKeyId: string,
    purpose: string,
  ) {
    this.domain = `custos/${purpose}-data-key/v1`;
    for (const [id, key] of keys) {
      assertKeyId(id);
      if (key.length !== 32) throw new MasterKeyError(`master key ${id} must be 32 bytes`);
    }
    if (!keys.has(activeKeyId)) throw new MasterKeyError(`active key ${activeKeyId} is not in the key ring`);
    this.keys = keys;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /**
   * Seals a data key under the active master key. The associated data binds the master key id and
   * the object's identity, so a wrapped key copied onto another object's record does not unwrap.
   */
  wrap(dataKey: Buffer, identity: readonly string[]): WrappedKey {
    if (dataKey.length !== DATA_KEY_BYTES) throw new MasterKeyError('data key must be 32 bytes');
    const keyId = this.activeKeyId;
    const nonce = randomBytes(WRAP_NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.master(keyId), nonce);
    cipher.setAAD(encodeIdentity([this.domain, keyId, ...identity]));
    const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { keyId, wrapped: Buffer.concat([Buffer.from([WRAP_VERSION]), nonce, sealed, cipher.getAuthTag()]) };
  }

  unwrap(w: WrappedKey, identity: readonly string[]): Buffer {
    if (w.wrapped.length !== WRAPPED_KEY_BYTES || w.wrapped[0] !== WRAP_VERSION) throw new MasterKeyError(`malformed wrapped key (key id ${w.keyId})`);
    const nonce = w.wrapped.subarray(1, 1 + WRAP_NONCE_BYTES);
    const sealed = w.wrapped.subarray(1 + WRAP_NONCE_BYTES, 1 + WRAP_NONCE_BYTES + DATA_KEY_BYTES);
    const tag = w.wrapped.subarray(WRAPPED_KEY_BYTES - WRAP_TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.master(w.keyId), nonce);
    decipher.setAAD(encodeIdentity([this.domain, w.keyId, ...identity]));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed), decipher.final()]);
    } catch {
      throw new MasterKeyError(`wrapped data key does not verify under master key ${w.keyId} for this identity`);
    }
  }

  /** Re-seals a data key under the active master key; the object's bytes are untouched. */
  rewrap(w: WrappedKey, identity: readonly string[]): WrappedKey {
    const dataKey = this.unwrap(w, identity);
    try {
      return this.wrap(dataKey, identity);
    } finally {
      dataKey.fill(0);
    }
  }

  private master(keyId: string): Buffer {
    const key = this.keys.get(keyId);
    if (!key) throw new MasterKeyError(`master key ${keyId} is not configured; keep retired keys in the ring until every data key is re-wrapped`);
    return key;
  }
}

export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

/**
 * Parses `kid:base64(32 bytes),kid:base64,...`. Errors name what is wrong but never echo key
 * material.
 */
export function parseKeyRing(spec: string, activeKeyId: string, purpose: string): KeyRing {
  const keys = new Map<string, Buffer>();
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new MasterKeyError('no master keys given');
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new MasterKeyError(`entry ${i + 1} must be kid:base64key`);
    const id = entry.slice(0, colon);
    const b64 = entry.slice(colon + 1);
    try {
      assertKeyId(id);
    } catch {
      throw new MasterKeyError(`entry ${i + 1}: key id must be 1-64 characters of A-Z a-z 0-9 . _ -`);
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new MasterKeyError(`key ${id}: not base64`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new MasterKeyError(`key ${id}: must decode to 32 bytes, got ${key.length}`);
    if (keys.has(id)) throw new MasterKeyError(`key ${id} appears twice`);
    keys.set(id, key);
  });
  if (!keys.has(activeKeyId)) throw new MasterKeyError(`active key id ${JSON.stringify(activeKeyId)} is not among the master keys (${[...keys.keys()].join(', ')})`);
  return new KeyRing(keys, activeKeyId, purpose);
}
