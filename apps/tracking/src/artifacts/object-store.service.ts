import { Inject, Injectable } from '@nestjs/common';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'minio';
import { Logger } from 'pino';
import { LOGGER, Readiness, s3Client, SERVICE_CONFIG, WatchedBucket } from '@custos/platform';
import { TrackingConfig } from '../tracking.config';
import { PartBuffers } from './part-buffers';

/**
 * S3 parts are 5 MiB..5 GiB and at most 10,000 per upload. Parts start at 8 MiB and double every
 * 2,000 parts, so everyday artifacts use 8 MiB of memory per buffer while one object can still
 * reach ~484 GiB (2,000 parts each of 8, 16, 32, 64 and 128 MiB).
 */
export function partSizeFor(partNumber: number): number {
  return (8 * 1024 * 1024) << Math.min(4, Math.floor((partNumber - 1) / 2000));
}
export const MAX_PARTS = 10_000;
/**
 * A store works on one part request at a time per connection: MinIO reads, hashes, writes and
 * fdatasyncs it on one core (with MD5 ETags, longer than filling the next part here), and a remote
 * S3 adds a round trip. With one part in flight the upload waited on each; three let the store work
 * on several at once (decision 025).
 */
export const PARTS_IN_FLIGHT = 3;
const HEADERS = { 'Content-Type': 'application/octet-stream' };

/**
 * The artifact bucket, holding only ciphertext. Uploads are streamed into S3 multipart uploads
 * part by part (one part filling while up to three are sent), so memory stays at a few parts
 * whatever the object's size; a failed upload is aborted, never left half-written.
 */
@Injectable()
export class ArtifactObjectStore extends WatchedBucket {
  /** One filling and up to three sent per upload; eight idle cover two concurrent uploads. */
  private readonly parts = new PartBuffers(partSizeFor(1), 2 * (PARTS_IN_FLIGHT + 1));

  constructor(@Inject(SERVICE_CONFIG) config: TrackingConfig, readiness: Readiness, @Inject(LOGGER) logger: Logger) {
    super(s3Client(config, { unsignedPayload: true }), config.ARTIFACTS_BUCKET, readiness, logger);
  }

  /** Creates the bucket if it is missing; concurrent replicas may race, and both win. */
  async ensureBucket(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) {
      try {
        await this.client.makeBucket(this.bucket);
        this.logger.info({ bucket: this.bucket }, 'artifact bucket created');
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw e;
      }
    }
    this.bucketReady = true;
    this.reachable = true;
  }

  /**
   * Stores a stream; returns the bytes stored. The stream's own errors abort the upload. It is
   * consumed as a pipe (each chunk as pushed), not iterated: async iteration concatenates whatever
   * is buffered into a fresh copy first.
   */
  async put(key: string, source: Readable): Promise<number> {
    const upload = new MultipartUpload(this.client, this.bucket, key, this.logger, this.parts);
    await pipeline(source, upload);
    return upload.total;
  }

  get(key: string): Promise<Readable> {
    return this.client.getObject(this.bucket, key);
  }

  async remove(key: string): Promise<void> {
    await this.client.removeObject(this.bucket, key);
  }
}

/**
 * One object's multipart upload as a writable stream. A few part buffers are reused throughout (one
 * filling while the others are sent), so memory does not grow with the object and no per-part
 * garbage piles up; they go back to the store's pool when the upload ends. A failed or destroyed
 * upload is aborted, never left half-written.
 */
class MultipartUpload extends Writable {
  total = 0;
  private readonly spare: Buffer[] = [];
  private part = 1;
  private current: Buffer;
  private filled = 0;
  private uploadId?: string;
  private readonly etags: { part: number; etag: string }[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private partError: unknown;

  constructor(
    private readonly client: Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly logger: Logger,
    private readonly pool: PartBuffers,
  ) {
    super();
    this.current = this.acquire(partSizeFor(1));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.append(chunk).then(() => done(), done);
  }

  override _final(done: (e?: Error | null) => void): void {
    this.finish().then(() => done(), done);
  }

  override _destroy(err: Error | null, done: (e?: Error | null) => void): void {
    void this.atMostInFlight(0)
      .then(async () => {
        if (this.uploadId) {
          await this.client.abortMultipartUpload(this.bucket, this.key, this.uploadId).catch((e: Error) => this.logger.warn({ key: this.key, err: e.message }, 'could not abort multipart upload'));
        }
      })
      .finally(() => {
        this.release();
        done(err);
      });
  }

  /**
   * Hands the part buffers back; only called once no part is in flight. `_destroy` is the one
   * caller: a Writable destroys itself after finishing (autoDestroy), and on every failure.
   */
  private release(): void {
    for (const b of this.spare.splice(0)) this.pool.give(b);
    this.pool.give(this.current);
    this.current = Buffer.alloc(0);
  }

  private async append(chunk: Buffer): Promise<void> {
    this.total += chunk.length;
    for (let off = 0; off < chunk.length;) {
      const n = chunk.copy(this.current, this.filled, off);
      this.filled += n;
      off += n;
      if (this.filled < this.current.length) continue;
      if (this.part > MAX_PARTS) throw new RangeError('artifact too large for one object');
      this.uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, this.key, HEADERS);
      await this.settle(PARTS_IN_FLIGHT - 1);
      this.send(this.uploadId);
    }
  }

  /**
   * Waits until at most `room` parts are in flight. The source failing destroys this stream while a
   * write may still wait on S3; its buffers are back in the pool by then, so nothing more may be sent.
   */
  private async settle(room: number): Promise<void> {
    await this.atMostInFlight(room);
    if (this.partError) throw this.partError;
    if (this.destroyed) throw new Error('upload destroyed');
  }

  private async atMostInFlight(room: number): Promise<void> {
    while (this.inflight.size > room) await Promise.race(this.inflight);
  }

  private async finish(): Promise<void> {
    if (!this.uploadId) {
      const put = this.client.putObject(this.bucket, this.key, this.current.subarray(0, this.filled), this.filled, HEADERS);
      // In flight like a part: a destroy waits for it before the buffer goes back to the pool.
      this.track(put);
      await put;
      return;
    }
    if (this.filled > 0) {
      await this.settle(PARTS_IN_FLIGHT - 1);
      this.send(this.uploadId);
    }
    await this.settle(0);
    await this.client.completeMultipartUpload(
      this.bucket,
      this.key,
      this.uploadId,
      this.etags.sort((a, b) => a.part - b.part),
    );
    // Completed: nothing is left to abort if the stream is destroyed after this.
    this.uploadId = undefined;
  }

  private send(uploadId: string): void {
    const number = this.part++;
    const buffer = this.current;
    const length = this.filled;
    const part = this.client
      .uploadPart({ bucketName: this.bucket, objectName: this.key, uploadID: uploadId, partNumber: number, headers: {} }, buffer.subarray(0, length))
      .then((r) => void this.etags.push({ part: number, etag: r.etag }))
      .catch((e: unknown) => void (this.partError ??= e))
      .finally(() => this.spare.push(buffer));
    this.track(part);
    this.current = this.acquire(partSizeFor(this.part));
    this.filled = 0;
  }

  /** Counts a request as in flight until it settles; never rejects (`settle` rethrows part failures). */
  private track(request: Promise<unknown>): void {
    const done: Promise<void> = request.then(
      () => void this.inflight.delete(done),
      () => void this.inflight.delete(done),
    );
    this.inflight.add(done);
  }

  private acquire(size: number): Buffer {
    const i = this.spare.findIndex((b) => b.length === size);
    return i >= 0 ? this.spare.splice(i, 1)[0] : this.pool.take(size);
  }
}
