import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { MasterKeyError } from './errors';
import { encodeIdentity } from './identity';
import { DATA_KEY_BYTES } from './key-ring';

const SEALED_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const DOMAIN = 'custos/sealed-value/v1';

/** The value was altered, or is opened under another identity or data key. */
export class SealedValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedValueError';
  }
}

/**
 * A small value (a credential) sealed whole with AES-256-GCM under its own data key:
 * version (1) | nonce (12) | ciphertext | tag (16). The identity is the associated data, so a
 * sealed value copied onto another record does not open.
 */
export function sealValue(plain: Buffer, dataKey: Buffer, identity: readonly string[]): Buffer {
  if (dataKey.length !== DATA_KEY_BYTES) throw new MasterKeyError('data key must be 32 bytes');
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(encodeIdentity([DOMAIN, ...identity]));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([SEALED_VERSION]), nonce, body, cipher.getAuthTag()]);
}

export function openValue(sealed: Buffer, dataKey: Buffer, identity: readonly string[]): Buffer {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== SEALED_VERSION) throw new SealedValueError('malformed sealed value');
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const body = sealed.subarray(1 + NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', dataKey, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(encodeIdentity([DOMAIN, ...identity]));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new SealedValueError('sealed value does not verify for this identity');
  }
}
