import { createCipheriv, randomBytes } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { BufferQueue } from './buffer-queue';
import { DATA_KEY_BYTES } from './key-ring';
import {
  chunkAad,
  chunkNonce,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  FORMAT_VERSION,
  FRAME_HEADER_BYTES,
  MAX_CHUNKS,
  NONCE_PREFIX_BYTES,
  objectAad,
  TAG_BYTES,
} from './format';

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
 * Plaintext in, stored form out (header, then one frame per chunk). Holds at most one chunk of
 * plaintext, so memory does not grow with the object; backpressure passes through.
 */
export class EncryptStream extends Transform {
  private readonly pending = new BufferQueue();
  private readonly chunkSize: number;
  private readonly noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
  private readonly header: Buffer;
  private readonly digest: Buffer;
  private readonly key: Buffer;
  private index = 0;
  private headerSent = false;
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
      this.pending.push(chunk);
      while (this.pending.length >= this.chunkSize) this.seal(this.pending.take(this.chunkSize), false);
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
      this.seal(this.pending.take(this.pending.length), true);
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

  /** Pushes one frame as its three parts, so the ciphertext is never copied into a frame buffer. */
  private seal(plain: Buffer, final: boolean): void {
    if (this.index > MAX_CHUNKS) throw new RangeError('object too large for one nonce prefix');
    const cipher = createCipheriv('aes-256-gcm', this.key, chunkNonce(this.noncePrefix, this.index), { authTagLength: TAG_BYTES });
    cipher.setAAD(chunkAad(this.digest, final));
    const frameHeader = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
    frameHeader.writeUInt8(final ? 1 : 0, 0);
    frameHeader.writeUInt32BE(plain.length, 1);
    const body = cipher.update(plain);
    const tail = cipher.final();
    this.push(frameHeader);
    if (body.length > 0) this.push(body);
    if (tail.length > 0) this.push(tail);
    this.push(cipher.getAuthTag());
    this.index++;
  }
}
