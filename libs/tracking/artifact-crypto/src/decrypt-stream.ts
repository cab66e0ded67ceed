import { createDecipheriv, DecipherGCM } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { BufferQueue } from './buffer-queue';
import { ArtifactIntegrityError } from './errors';
import { DATA_KEY_BYTES } from '@custos/crypto';
import { chunkAad, chunkNonce, decodeFixedHeader, decodeKeyId, encodeHeader, FIXED_HEADER_BYTES, FRAME_HEADER_BYTES, ObjectHeader, objectAad, TAG_BYTES } from './format';

export interface DecryptOptions {
  dataKey: Buffer;
  /** Must equal the identity the object was encrypted with. */
  identity: readonly string[];
}

type State =
  | { at: 'fixed-header' }
  | { at: 'key-id'; fixed: ReturnType<typeof decodeFixedHeader> }
  | { at: 'frame-header' }
  | { at: 'frame-body'; final: boolean; length: number; read: number; decipher: DecipherGCM; plain: Buffer[] }
  | { at: 'done' };

/**
 * Stored form in, plaintext out. A chunk's plaintext is pushed only after its tag verified (GCM's
 * `update` output is held until `final` succeeds), so a reader never sees an unauthenticated byte.
 * Buffers at most one frame, and refuses frames larger than the header's chunk size, which is
 * itself capped, so a forged header cannot make it buffer without bound.
 */
export class DecryptStream extends Transform {
  private readonly queue = new BufferQueue();
  private readonly key: Buffer;
  private readonly identity: readonly string[];
  private state: State = { at: 'fixed-header' };
  private header?: ObjectHeader;
  private digest?: Buffer;
  private index = 0;
  /** Plaintext bytes verified and pushed so far. */
  plaintextBytes = 0;

  constructor(opts: DecryptOptions) {
    super();
    if (opts.dataKey.length !== DATA_KEY_BYTES) throw new RangeError('data key must be 32 bytes');
    this.key = Buffer.from(opts.dataKey);
    this.identity = [...opts.identity];
  }

  /** The parsed header, once read (its key id is the one that wrapped the data key at write time). */
  get objectHeader(): ObjectHeader | undefined {
    return this.header;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.state.at === 'done' && chunk.length > 0) return done(new ArtifactIntegrityError('trailing-data', 'data follows the final chunk'));
    this.queue.push(chunk);
    try {
      this.drain();
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    this.key.fill(0);
    switch (this.state.at) {
      case 'done':
        return done();
      case 'fixed-header':
      case 'key-id':
        return done(new ArtifactIntegrityError('truncated', 'object ends inside its header'));
      default:
        return done(new ArtifactIntegrityError('truncated', `object ends before its final chunk (after ${this.index} chunk(s))`, this.index));
    }
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.key.fill(0);
    cb(err);
  }

  private drain(): void {
    for (;;) {
      const s = this.state;
      switch (s.at) {
        case 'fixed-header': {
          if (this.queue.length < FIXED_HEADER_BYTES) return;
          this.state = { at: 'key-id', fixed: decodeFixedHeader(this.queue.take(FIXED_HEADER_BYTES)) };
          break;
        }
        case 'key-id': {
          if (this.queue.length < s.fixed.keyIdLength) return;
          const keyId = decodeKeyId(this.queue.take(s.fixed.keyIdLength));
          this.header = { version: s.fixed.version, chunkSize: s.fixed.chunkSize, noncePrefix: s.fixed.noncePrefix, keyId };
          this.digest = objectAad(encodeHeader(this.header), this.identity);
          this.state = { at: 'frame-header' };
          break;
        }
        case 'frame-header': {
          if (this.queue.length < FRAME_HEADER_BYTES) return;
          const fh = this.queue.take(FRAME_HEADER_BYTES);
          const flag = fh.readUInt8(0);
          const length = fh.readUInt32BE(1);
          const chunkSize = this.header!.chunkSize;
          // Framing checks come before buffering: a bad length would otherwise decide how much we hold.
          if (flag > 1) throw new ArtifactIntegrityError('frame-length', `chunk ${this.index} has an invalid frame flag`, this.index);
          if (length > chunkSize || (flag === 0 && length !== chunkSize)) {
            throw new ArtifactIntegrityError('frame-length', `chunk ${this.index} has an invalid length`, this.index);
          }
          this.state = { at: 'frame-body', final: flag === 1, length, read: 0, decipher: this.decipherFor(flag === 1), plain: [] };
          break;
        }
        case 'frame-body': {
          // Ciphertext is deciphered as it arrives (no gathering copy); its plaintext is held until
          // the tag verifies.
          if (s.read < s.length) {
            for (const piece of this.queue.takeViews(Math.min(s.length - s.read, this.queue.length))) {
              s.plain.push(s.decipher.update(piece));
              s.read += piece.length;
            }
            if (s.read < s.length) return;
          }
          if (this.queue.length < TAG_BYTES) return;
          this.verify(s.decipher, this.queue.take(TAG_BYTES), s.plain);
          this.index++;
          for (const p of s.plain) {
            this.plaintextBytes += p.length;
            if (p.length > 0) this.push(p);
          }
          if (s.final) {
            this.state = { at: 'done' };
            if (this.queue.length > 0) throw new ArtifactIntegrityError('trailing-data', 'data follows the final chunk');
            return;
          }
          this.state = { at: 'frame-header' };
          break;
        }
        case 'done':
          return;
      }
    }
  }

  private decipherFor(final: boolean): DecipherGCM {
    const decipher = createDecipheriv('aes-256-gcm', this.key, chunkNonce(this.header!.noncePrefix, this.index), { authTagLength: TAG_BYTES });
    decipher.setAAD(chunkAad(this.digest!, final));
    return decipher;
  }

  /** Checks the chunk's tag; its plaintext (held, never pushed) is appended to or wiped. */
  private verify(decipher: DecipherGCM, tag: Buffer, plain: Buffer[]): void {
    decipher.setAuthTag(tag);
    try {
      const tail = decipher.final();
      if (tail.length > 0) plain.push(tail);
    } catch {
      for (const p of plain) p.fill(0);
      throw new ArtifactIntegrityError(
        'chunk-auth',
        `chunk ${this.index} failed authentication (modified, dropped, reordered or duplicated chunk, or an object stored under another identity)`,
        this.index,
      );
    }
  }
}
