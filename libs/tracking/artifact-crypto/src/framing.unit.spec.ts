import { DEFAULT_CHUNK_SIZE, encryptedSize, FIXED_HEADER_BYTES, FORMAT_VERSION, MAGIC } from './format';
import { EncryptStream } from './encrypt-stream';
import { decrypt, encrypt, IDENTITY, KEY, parse, random } from './crypto.spec-helper';

describe('artifact framing: round trips at chunk boundaries', () => {
  const C = 16;
  const sizes: [string, number][] = [
    ['0 bytes', 0],
    ['1 byte', 1],
    ['one chunk - 1', C - 1],
    ['exactly one chunk', C],
    ['one chunk + 1', C + 1],
    ['exactly two chunks', 2 * C],
    ['many chunks', 37 * C + 5],
    ['many whole chunks', 40 * C],
  ];

  it.each(sizes)('%s round-trips with small chunks, with floor(n/C)+1 frames and the predicted size', async (_name, n) => {
    const plain = random(n);
    const stored = await encrypt(plain, { chunkSize: C });
    const { frames } = parse(stored);
    expect(frames).toHaveLength(Math.floor(n / C) + 1);
    expect(frames.slice(0, -1).every((f) => f[0] === 0)).toBe(true);
    expect(frames[frames.length - 1][0]).toBe(1);
    expect(stored.length).toBe(encryptedSize(n, 'k1', C));
    const { output, error } = await decrypt(stored);
    expect(error).toBeUndefined();
    expect(output.equals(plain)).toBe(true);
  });

  it.each([0, 1, DEFAULT_CHUNK_SIZE - 1, DEFAULT_CHUNK_SIZE, DEFAULT_CHUNK_SIZE + 1, 5 * DEFAULT_CHUNK_SIZE + 123])('round-trips %i bytes with the default 256 KiB chunks', async (n) => {
    const plain = random(n);
    const stored = await encrypt(plain);
    expect(stored.length).toBe(encryptedSize(n, 'k1'));
    const { output, error } = await decrypt(stored);
    expect(error).toBeUndefined();
    expect(output.equals(plain)).toBe(true);
  });

  it('gives the same result whatever pieces the bytes arrive in, on either side', async () => {
    const C2 = 32;
    const plain = random(10 * C2 + 7);
    const stored = await encrypt(plain, { chunkSize: C2, split: [1, 3, 31, 32, 33, 64, 5] });
    for (const split of [[1], [2, 7], [5, 21, 37], [stored.length]]) {
      const { output, error } = await decrypt(stored, { split });
      expect(error).toBeUndefined();
      expect(output.equals(plain)).toBe(true);
    }
  });

  it('stores what was written even when the writer reuses its buffer after each write', async () => {
    // Bytes are encrypted as they arrive and the last, partial chunk is sealed again at the end:
    // from the stream's own ciphertext, never from the writer's buffers.
    const C3 = 64;
    const plain = random(5 * C3 + 40);
    const enc = new EncryptStream({ dataKey: KEY, keyId: 'k1', identity: IDENTITY, chunkSize: C3 });
    const out: Buffer[] = [];
    enc.on('data', (b: Buffer) => out.push(b));
    const finished = new Promise((resolve, reject) => enc.on('end', resolve).on('error', reject));
    const reused = Buffer.alloc(24);
    for (let off = 0; off < plain.length; off += reused.length) {
      const n = plain.copy(reused, 0, off, off + reused.length);
      await new Promise<void>((resolve, reject) => enc.write(reused.subarray(0, n), (e) => (e ? reject(e) : resolve())));
      reused.fill(0xaa);
    }
    enc.end();
    await finished;
    const { output, error } = await decrypt(Buffer.concat(out));
    expect(error).toBeUndefined();
    expect(output.equals(plain)).toBe(true);
  });

  it('writes a versioned header: magic, version, chunk size, nonce prefix, key id', async () => {
    const stored = await encrypt(Buffer.from('hello'), { chunkSize: 1024, keyId: 'master-2024' });
    const { header } = parse(stored);
    expect(header.subarray(0, 4).equals(MAGIC)).toBe(true);
    expect(header[4]).toBe(FORMAT_VERSION);
    expect(header.readUInt32BE(6)).toBe(1024);
    expect(header.subarray(FIXED_HEADER_BYTES).toString()).toBe('master-2024');
  });

  it('never repeats a nonce prefix, so two encryptions of the same bytes under the same key differ', async () => {
    const plain = Buffer.alloc(100, 1);
    const a = await encrypt(plain, { chunkSize: 16 });
    const b = await encrypt(plain, { chunkSize: 16 });
    expect(parse(a).header.subarray(10, 18).equals(parse(b).header.subarray(10, 18))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('stores no plaintext', async () => {
    const marker = Buffer.from('TOP-SECRET-MARKER-0123456789');
    const plain = Buffer.concat(Array.from({ length: 50 }, () => marker));
    const stored = await encrypt(plain, { chunkSize: 64 });
    expect(stored.includes(marker)).toBe(false);
    expect(stored.includes(marker.subarray(0, 8))).toBe(false);
  });

  it('refuses chunk sizes outside the bounds a reader accepts', () => {
    expect(() => encryptedSize(1, 'k1', 8)).toThrow(RangeError);
    expect(() => encryptedSize(1, 'k1', 2 * 1024 * 1024)).toThrow(RangeError);
  });
});
