import { ArtifactIntegrityError } from './errors';
import { FIXED_HEADER_BYTES, FRAME_HEADER_BYTES, TAG_BYTES } from './format';
import { decrypt, Decrypted, encrypt, flipBit, IDENTITY, join, parse, random } from './crypto.spec-helper';

const C = 16;

/** What a failed read may have emitted: whole, verified chunks before the bad one, nothing more. */
function expectVerifiedPrefixOnly(r: Decrypted, plain: Buffer, badChunk: number): void {
  expect(r.output.length).toBe(Math.min(badChunk * C, plain.length));
  expect(r.output.equals(plain.subarray(0, r.output.length))).toBe(true);
}

function expectFailure(r: Decrypted, reason: string, chunkIndex?: number): void {
  expect(r.error).toBeInstanceOf(ArtifactIntegrityError);
  expect(r.error?.reason).toBe(reason);
  expect(r.error?.message).toMatch(/^artifact integrity check failed: /);
  if (chunkIndex !== undefined) expect(r.error?.chunkIndex).toBe(chunkIndex);
}

describe('artifact decryption refuses tampered objects and emits no unverified byte', () => {
  let plain: Buffer;
  let stored: Buffer;

  beforeAll(async () => {
    plain = random(5 * C + 9); // frames 0..4 full, frame 5 final with 9 bytes
    stored = await encrypt(plain, { chunkSize: C });
  });

  it('a flipped bit in any chunk ciphertext fails at that chunk, after only the earlier chunks', async () => {
    const { frames } = parse(stored);
    for (let k = 0; k < frames.length; k++) {
      const p = parse(stored);
      p.frames[k] = flipBit(p.frames[k], FRAME_HEADER_BYTES + 2, 3);
      const r = await decrypt(join(p));
      expectFailure(r, 'chunk-auth', k);
      expectVerifiedPrefixOnly(r, plain, k);
    }
  });

  it('a flipped bit in a tag fails that chunk and emits none of it', async () => {
    const p = parse(stored);
    const f = p.frames[2];
    p.frames[2] = flipBit(f, f.length - 1, 7);
    const r = await decrypt(join(p));
    expectFailure(r, 'chunk-auth', 2);
    expectVerifiedPrefixOnly(r, plain, 2);
  });

  it('every single-bit flip anywhere in the object fails, with only verified bytes emitted', async () => {
    const small = random(2 * C + 3);
    const obj = await encrypt(small, { chunkSize: C });
    for (let byte = 0; byte < obj.length; byte++) {
      const r = await decrypt(flipBit(obj, byte, byte % 8));
      expect(r.error).toBeInstanceOf(ArtifactIntegrityError);
      expect(r.output.length % C).toBe(0);
      expect(r.output.length).toBeLessThan(small.length);
      expect(r.output.equals(small.subarray(0, r.output.length))).toBe(true);
    }
  });

  it('a flipped header bit fails before any plaintext (the header is bound into every chunk)', async () => {
    const cases: [number, string][] = [
      [0, 'bad-header'], // magic
      [4, 'unsupported-version'],
      [5, 'bad-header'], // flags
      [10, 'chunk-auth'], // nonce prefix
      [FIXED_HEADER_BYTES, 'chunk-auth'], // key id "k1" -> "j1"
    ];
    for (const [byte, reason] of cases) {
      const r = await decrypt(flipBit(stored, byte, 0));
      expectFailure(r, reason);
      expect(r.output.length).toBe(0);
    }
  });

  it('a header claiming a bigger chunk size fails without buffering a giant frame', async () => {
    const forged = Buffer.from(stored);
    forged.writeUInt32BE(1 << 30, 6);
    expectFailure(await decrypt(forged), 'bad-header');
    const within = Buffer.from(stored);
    within.writeUInt32BE(C * 2, 6);
    const r = await decrypt(within);
    expect(r.error).toBeInstanceOf(ArtifactIntegrityError);
    expect(r.output.length).toBe(0);
  });

  it('a frame length beyond the chunk size is refused before its body is read', async () => {
    const p = parse(stored);
    p.frames[1].writeUInt32BE(0xfffffff0, 1);
    const r = await decrypt(join(p));
    expectFailure(r, 'frame-length', 1);
    expectVerifiedPrefixOnly(r, plain, 1);
  });

  it('a dropped middle chunk fails at its position', async () => {
    const p = parse(stored);
    p.frames.splice(2, 1);
    const r = await decrypt(join(p));
    expectFailure(r, 'chunk-auth', 2);
    expectVerifiedPrefixOnly(r, plain, 2);
  });

  it('a dropped final chunk is a truncation', async () => {
    const p = parse(stored);
    p.frames.pop();
    const r = await decrypt(join(p));
    expectFailure(r, 'truncated');
    expectVerifiedPrefixOnly(r, plain, 5);
  });

  it('reordered chunks fail at the first moved one', async () => {
    const p = parse(stored);
    [p.frames[1], p.frames[3]] = [p.frames[3], p.frames[1]];
    const r = await decrypt(join(p));
    expectFailure(r, 'chunk-auth', 1);
    expectVerifiedPrefixOnly(r, plain, 1);
  });

  it('a duplicated chunk fails where the copy sits', async () => {
    const p = parse(stored);
    p.frames.splice(2, 0, p.frames[1]);
    const r = await decrypt(join(p));
    expectFailure(r, 'chunk-auth', 2);
    expectVerifiedPrefixOnly(r, plain, 2);
  });

  it('a non-final chunk marked final fails (the flag is bound into the chunk)', async () => {
    const p = parse(stored);
    p.frames[1][0] = 1;
    const r = await decrypt(join(p));
    expectFailure(r, 'chunk-auth', 1);
    expectVerifiedPrefixOnly(r, plain, 1);
  });

  it('a final chunk marked non-final fails', async () => {
    const p = parse(stored);
    p.frames[p.frames.length - 1][0] = 0;
    const r = await decrypt(join(p));
    expectFailure(r, 'frame-length', 5);
    expectVerifiedPrefixOnly(r, plain, 5);
  });

  it('a final chunk moved earlier is caught (no early, silent end)', async () => {
    const obj = await encrypt(random(2 * C + 3), { chunkSize: C });
    const p = parse(obj);
    const r = await decrypt(join({ header: p.header, frames: [p.frames[2]] }));
    expectFailure(r, 'chunk-auth', 0);
    expect(r.output.length).toBe(0);
  });

  it('truncation at every byte offset fails, never yielding a short object as if whole', async () => {
    const small = random(2 * C + 3);
    const obj = await encrypt(small, { chunkSize: C });
    for (let cut = 0; cut < obj.length; cut++) {
      const r = await decrypt(obj.subarray(0, cut));
      expectFailure(r, 'truncated');
      expect(r.output.equals(small.subarray(0, r.output.length))).toBe(true);
      expect(r.output.length % C).toBe(0);
    }
  });

  it('trailing garbage after the final chunk fails', async () => {
    expectFailure(await decrypt(Buffer.concat([stored, Buffer.from([0])])), 'trailing-data');
    const p = parse(stored);
    expectFailure(await decrypt(Buffer.concat([stored, p.frames[0]])), 'trailing-data');
    // Garbage arriving in a later read than the final chunk.
    expectFailure(await decrypt(Buffer.concat([stored, Buffer.alloc(100)]), { split: [stored.length, 100] }), 'trailing-data');
  });

  it('trailing garbage after an empty object fails', async () => {
    const empty = await encrypt(Buffer.alloc(0));
    expect((await decrypt(empty)).error).toBeUndefined();
    expectFailure(await decrypt(Buffer.concat([empty, Buffer.from('x')])), 'trailing-data');
  });

  it('an object read under another identity or data key fails at the first chunk', async () => {
    expectFailure(await decrypt(stored, { identity: ['obj-1', '1/run/artifacts/other.bin'] }), 'chunk-auth', 0);
    expectFailure(await decrypt(stored, { identity: ['obj-2', IDENTITY[1]] }), 'chunk-auth', 0);
    expectFailure(await decrypt(stored, { key: Buffer.alloc(32, 8) }), 'chunk-auth', 0);
  });

  it('chunks spliced in from another object under the same key fail', async () => {
    const other = await encrypt(random(5 * C + 9), { chunkSize: C });
    const p = parse(stored);
    p.frames[3] = parse(other).frames[3];
    const r = await decrypt(join(p));
    expectFailure(r, 'chunk-auth', 3);
    expectVerifiedPrefixOnly(r, plain, 3);
  });

  it('an empty input or a foreign file is refused', async () => {
    expectFailure(await decrypt(Buffer.alloc(0)), 'truncated');
    expectFailure(await decrypt(Buffer.from('PK\u0003\u0004 not ours, a plain zip file header')), 'bad-header');
  });

  it('frames carry exactly their declared bytes', () => {
    const { frames } = parse(stored);
    expect(frames[0].length).toBe(FRAME_HEADER_BYTES + C + TAG_BYTES);
    expect(frames[frames.length - 1].length).toBe(FRAME_HEADER_BYTES + 9 + TAG_BYTES);
  });
});
