import { randomBytes } from 'node:crypto';
import { newDataKey, parseKeyRing } from './key-ring';
import { openValue, sealValue, SealedValueError } from './sealed-value';

const id = ['secret-1', 'openai-prod'];

describe('sealed values (a credential under its own data key)', () => {
  it('round-trips, and the sealed form does not contain the plaintext', () => {
    const dek = newDataKey();
    const plain = Buffer.from('sk-live-0123456789abcdef');
    const sealed = sealValue(plain, dek, id);
    expect(sealed.includes(plain)).toBe(false);
    expect(openValue(sealed, dek, id).equals(plain)).toBe(true);
  });

  it('refuses another identity (the associated data), another key, or an altered byte', () => {
    const dek = newDataKey();
    const sealed = sealValue(Buffer.from('value'), dek, id);
    expect(() => openValue(sealed, dek, ['secret-1', 'renamed'])).toThrow(SealedValueError);
    expect(() => openValue(sealed, dek, ['secret-2', 'openai-prod'])).toThrow(SealedValueError);
    expect(() => openValue(sealed, newDataKey(), id)).toThrow(SealedValueError);
    const altered = Buffer.from(sealed);
    altered[15] ^= 1;
    expect(() => openValue(altered, dek, id)).toThrow(SealedValueError);
    expect(() => openValue(sealed.subarray(0, 20), dek, id)).toThrow(/malformed/);
  });

  it('a data key wrapped for one purpose does not unwrap for another under the same master key', () => {
    const spec = `k1:${randomBytes(32).toString('base64')}`;
    const artifacts = parseKeyRing(spec, 'k1', 'artifact');
    const secrets = parseKeyRing(spec, 'k1', 'ai-secret');
    const w = secrets.wrap(newDataKey(), id);
    expect(() => artifacts.unwrap(w, id)).toThrow(/does not verify/);
    expect(secrets.unwrap(w, id)).toHaveLength(32);
  });
});
