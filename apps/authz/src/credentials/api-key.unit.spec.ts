import { createHash } from 'node:crypto';
import { API_KEY_PATTERN, apiKeyHash, generateApiKey } from './api-key';

describe('API keys', () => {
  it('have the documented shape, prefix and SHA-256 hex hash of the whole key', () => {
    const k = generateApiKey();
    expect(k.key).toMatch(API_KEY_PATTERN);
    expect(k.prefix).toBe(k.key.slice(0, 12));
    expect(k.prefix).toMatch(/^cus_[a-z0-9]{8}$/);
    expect(k.keyHash).toBe(createHash('sha256').update(k.key).digest('hex'));
    expect(apiKeyHash(k.key)).toBe(k.keyHash);
  });

  it('carry 32 random bytes and do not repeat', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    expect(Buffer.from(keys[0].key.slice(13), 'base64url')).toHaveLength(32);
  });
});
