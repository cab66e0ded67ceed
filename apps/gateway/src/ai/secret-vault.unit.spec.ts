import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { parseKeyRing } from '@custos/crypto';
import { openSealed, SecretVault } from './secret-vault.service';
import { AI_SECRET_KEY_PURPOSE } from './ai-secret-keys';

const ring = (spec: string, active: string, purpose = AI_SECRET_KEY_PURPOSE) => parseKeyRing(spec, active, purpose);
const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;

describe('AI credential sealing', () => {
  const keys = ring(k1, 'k1');
  const vault = new SecretVault({} as DataSource, keys);
  const credential = { api_key: 'sk-proj-0123456789abcdefwxyz' };

  it('opens under its own id and name, and the sealed bytes do not contain the value', () => {
    const s = vault.seal('s1', 'openai-prod', credential);
    expect(s.keyId).toBe('k1');
    expect(s.sealed.includes(Buffer.from(credential.api_key))).toBe(false);
    expect(s.sealed.includes(Buffer.from('wxyz'))).toBe(false);
    expect(openSealed(keys, s, 's1', 'openai-prod')).toEqual(credential);
  });

  it('refuses another secret id or name (a row copied onto another secret does not open)', () => {
    const s = vault.seal('s1', 'openai-prod', credential);
    expect(() => openSealed(keys, s, 's2', 'openai-prod')).toThrow();
    expect(() => openSealed(keys, s, 's1', 'openai-dev')).toThrow();
  });

  it('refuses a data key wrapped for another purpose (an artifact key ring with the same master key)', () => {
    const s = vault.seal('s1', 'openai-prod', credential);
    expect(() => openSealed(ring(k1, 'k1', 'artifact'), s, 's1', 'openai-prod')).toThrow();
  });

  it('a fresh data key each time: sealing the same value twice gives different bytes', () => {
    const a = vault.seal('s1', 'n', credential);
    const b = vault.seal('s1', 'n', credential);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
    expect(a.sealed.equals(b.sealed)).toBe(false);
  });

  it('re-wrapping under a new master key keeps the value openable, and the old key is then not needed', () => {
    const s = vault.seal('s1', 'n', credential);
    const both = ring(`${k1},${k2}`, 'k2');
    const moved = new SecretVault({} as DataSource, both).rewrap({ keyId: s.keyId, wrapped: s.wrappedKey }, 's1', 'n');
    expect(moved.keyId).toBe('k2');
    expect(openSealed(ring(k2, 'k2'), { keyId: moved.keyId, wrappedKey: moved.wrapped, sealed: s.sealed }, 's1', 'n')).toEqual(credential);
  });
});
