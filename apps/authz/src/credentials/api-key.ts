import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * API keys: `cus_<8 lowercase letters/digits>_<43 base64url chars = 32 random bytes>`.
 * The first 12 characters (`cus_xxxxxxxx`) are the visible prefix, safe to show and log; the whole
 * key is shown once, at creation, and stored only as SHA-256 hex of its UTF-8 bytes. Keys are
 * 256-bit random, so a fast unsalted hash is the right one: there is nothing to guess.
 *
 * The gateway authenticates a key by `sha256hex(key)` lookup in its projection of
 * `authz.ApiKeyIssued` (minus revoked, expired, and keys whose owner was deleted).
 */
export const API_KEY_PATTERN = /^cus_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_BYTES = 32;

export interface GeneratedApiKey {
  /** The whole key: returned to the caller once, never stored, never logged. */
  key: string;
  prefix: string;
  keyHash: string;
}

export function apiKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  // randomInt is unbiased over the alphabet (rejection sampling).
  const visible = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const prefix = `cus_${visible}`;
  const key = `${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { key, prefix, keyHash: apiKeyHash(key) };
}
