import { randomBytes } from 'node:crypto';
import { MasterKeyError } from './errors';
import { newDataKey, parseKeyRing, WRAPPED_KEY_BYTES } from './key-ring';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const id = ['obj-1', '1/r/artifacts/a.txt'];

describe('master key ring and data-key wrapping', () => {
  it('parses kid:base64 entries and picks the active key', () => {
    const ring = parseKeyRing(` k1:${k1} , k2:${k2} `, 'k2', 'artifact');
    expect(ring.keyIds).toEqual(['k1', 'k2']);
    expect(ring.activeKeyId).toBe('k2');
  });

  it.each([
    ['', 'k1', /no master keys/],
    [`k1${k1}`, 'k1', /entry 1 must be kid:base64key/],
    [`k1:${k1}`, 'k9', /active key id "k9" is not among/],
    [`k1:not base64!`, 'k1', /key k1: not base64/],
    [`k1:${randomBytes(16).toString('base64')}`, 'k1', /must decode to 32 bytes, got 16/],
    [`k1:${k1},k1:${k2}`, 'k1', /appears twice/],
    [`bad id:${k1}`, 'bad id', /key id must be/],
  ])('rejects %j (active %s)', (spec, active, message) => {
    expect(() => parseKeyRing(spec, active, 'artifact')).toThrow(MasterKeyError);
    expect(() => parseKeyRing(spec, active, 'artifact')).toThrow(message);
  });

  it('never echoes key material in an error', () => {
    const short = randomBytes(31).toString('base64');
    try {
      parseKeyRing(`k1:${short}`, 'k1', 'artifact');
      throw new Error('expected a failure');
    } catch (e) {
      expect((e as Error).message).not.toContain(short);
    }
  });

  it('wraps under the active key and unwraps to the same data key', () => {
    const ring = parseKeyRing(`k1:${k1}`, 'k1', 'artifact');
    const dek = newDataKey();
    const w = ring.wrap(dek, id);
    expect(w.keyId).toBe('k1');
    expect(w.wrapped).toHaveLength(WRAPPED_KEY_BYTES);
    expect(w.wrapped.includes(dek)).toBe(false);
    expect(ring.unwrap(w, id).equals(dek)).toBe(true);
  });

  it('a wrapped key does not unwrap for another object, nor when altered', () => {
    const ring = parseKeyRing(`k1:${k1}`, 'k1', 'artifact');
    const w = ring.wrap(newDataKey(), id);
    expect(() => ring.unwrap(w, ['obj-2', id[1]])).toThrow(/does not verify/);
    const altered = Buffer.from(w.wrapped);
    altered[20] ^= 1;
    expect(() => ring.unwrap({ keyId: 'k1', wrapped: altered }, id)).toThrow(/does not verify/);
    expect(() => ring.unwrap({ keyId: 'k1', wrapped: altered.subarray(1) }, id)).toThrow(/malformed/);
  });

  it('a wrapped key claimed to be under another master key does not unwrap', () => {
    const ring = parseKeyRing(`k1:${k1},k2:${k2}`, 'k1', 'artifact');
    const w = ring.wrap(newDataKey(), id);
    expect(() => ring.unwrap({ keyId: 'k2', wrapped: w.wrapped }, id)).toThrow(MasterKeyError);
  });

  it('rotation re-wraps the same data key under the new active key', () => {
    const before = parseKeyRing(`k1:${k1}`, 'k1', 'artifact');
    const dek = newDataKey();
    const old = before.wrap(dek, id);
    const during = parseKeyRing(`k1:${k1},k2:${k2}`, 'k2', 'artifact');
    const rewrapped = during.rewrap(old, id);
    expect(rewrapped.keyId).toBe('k2');
    // After rotation the retired key can leave the ring.
    const after = parseKeyRing(`k2:${k2}`, 'k2', 'artifact');
    expect(after.unwrap(rewrapped, id).equals(dek)).toBe(true);
    expect(() => after.unwrap(old, id)).toThrow(/master key k1 is not configured/);
  });
});
