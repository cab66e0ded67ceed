import { CipherGCM, createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { DATA_KEY_BYTES } from '@custos/crypto';
import { chunkAad, chunkNonce, DEFAULT_CHUNK_SIZE, encodeHeader, FORMAT_VERSION, FRAME_HEADER_BYTES, MAX_CHUNKS, NONCE_PREFIX_BYTES, objectAad, TAG_BYTES } from './format';

export interface EncryptOptions {
  /** The object's own random data key (32 bytes). */
  dataKey: Buffer;
  /** Id of the master key that wraps `dataKey`; recorded in the header. */
  keyId: string;
  /** What the object is (e.g. storage object id and artifact path); bound into every chunk. */
  identity: readonly string[];
  chunkSize?: number;
}

/**
 * Plaintext in, stored form out (header, then one frame per chunk). Bytes are encrypted as they
 * arrive, without gathering a chunk into one buffer first; a frame leaves once its chunk is full
 * (so it is known not to be the last). What remains at the end was encrypted as a non-final chunk
 * and is sealed again as the final one, from its own ciphertext (deciphered here, so no caller's
 * buffer is kept or trusted to stay unchanged): GCM's ciphertext does not depend on the associated
 * data, only its tag does, and the first attempt's tag is never computed, so the nonce yields one
 * output only. Holds at most one chunk of ciphertext, so memory does not grow with the object;
 * backpressure passes through.
 */
export class EncryptStream extends Transform {
  private readonly chunkSize: number;
  private readonly noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
  private readonly header: Buffer;
  private readonly digest: Buffer;
  private readonly key: Buffer;
  private index = 0;
  private headerSent = false;
  /** The current chunk: its cipher (sealing it as non-final) and ciphertext. */
  private cipher?: CipherGCM;
  private sealed: Buffer[] = [];
  private filled = 0;
  /** Plaintext bytes consumed so far. */
  plaintextBytes = 0;

  constructor(opts: EncryptOptions) {
    super();
    if (opts.dataKey.length !== DATA_KEY_BYTES) throw new RangeError('data key must be 32 bytes');
    this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.header = encodeHeader({ version: FORMAT_VERSION, chunkSize: this.chunkSize, noncePrefix: this.noncePrefix, keyId: opts.keyId });
    this.digest = objectAad(this.header, opts.identity);
    this.key = Buffer.from(opts.dataKey);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.sendHeader();
      this.plaintextBytes += chunk.length;
      for (let off = 0; off < chunk.length;) {
        const n = Math.min(chunk.length - off, this.chunkSize - this.filled);
        const piece = n === chunk.length ? chunk : chunk.subarray(off, off + n);
        this.cipher ??= this.newCipher(false);
        this.sealed.push(this.cipher.update(piece));
        this.filled += n;
        off += n;
        if (this.filled === this.chunkSize) this.sendFrame(this.cipher, false);
      }
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.sendHeader();
      // The remainder (possibly empty) is the final chunk: a reader that never sees it knows the
      // object was cut short.
      const cipher = this.newCipher(true);
      const keystream = createDecipheriv('aes-256-gcm', this.key, chunkNonce(this.noncePrefix, this.index), { authTagLength: TAG_BYTES });
      this.sealed = this.sealed.map((c) => cipher.update(keystream.update(c)));
      this.sendFrame(cipher, true);
      this.key.fill(0);
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.key.fill(0);
    cb(err);
  }

  private sendHeader(): void {
    if (this.headerSent) return;
    this.headerSent = true;
    this.push(this.header);
  }

  private newCipher(final: boolean): CipherGCM {
    if (this.index > MAX_CHUNKS) throw new RangeError('object too large for one nonce prefix');
    const cipher = createCipheriv('aes-256-gcm', this.key, chunkNonce(this.noncePrefix, this.index), { authTagLength: TAG_BYTES });
    cipher.setAAD(chunkAad(this.digest, final));
    return cipher;
  }

  /** Pushes the current chunk's frame as its parts, so the ciphertext is never copied into a frame buffer. */
  private sendFrame(cipher: CipherGCM, final: boolean): void {
    const frameHeader = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
    frameHeader.writeUInt8(final ? 1 : 0, 0);
    frameHeader.writeUInt32BE(this.filled, 1);
    this.push(frameHeader);
    for (const b of this.sealed) if (b.length > 0) this.push(b);
    const tail = cipher.final();
    if (tail.length > 0) this.push(tail);
    this.push(cipher.getAuthTag());
    this.index++;
    this.cipher = undefined;
    this.sealed = [];
    this.filled = 0;
  }
}
