import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Logger } from 'pino';
import { LOGGER, Readiness, s3Client, SERVICE_CONFIG, WatchedBucket } from '@custos/platform';
import { TrackingConfig } from '../tracking.config';

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
 * The artifact bucket, holding only ciphertext. Uploads are streamed into S3 multipart uploads
 * part by part (one part filling while the previous one is sent), so memory stays at a few parts
 * whatever the object's size; a failed upload is aborted, never left half-written.
 */
@Injectable()
export class ArtifactObjectStore extends WatchedBucket {
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
   * Stores a stream; returns the bytes stored. The stream's own errors abort the upload. Two part
   * buffers are reused throughout (one filling while the other is sent), so memory does not grow
   * with the object and no per-part garbage piles up.
   */
  async put(key: string, body: AsyncIterable<Buffer>): Promise<number> {
    const headers = { 'Content-Type': 'application/octet-stream' };
    const spare: Buffer[] = [];
    const acquire = (size: number) => {
      const i = spare.findIndex((b) => b.length === size);
      return i >= 0 ? spare.splice(i, 1)[0] : Buffer.allocUnsafe(size);
    };
    let part = 1;
    let current = acquire(partSizeFor(part));
    let filled = 0;
    let total = 0;
    let uploadId: string | undefined;
    const etags: { part: number; etag: string }[] = [];
    let inflight: Promise<void> = Promise.resolve();
    let partError: unknown;

    const send = (id: string) => {
      const number = part++;
      const buffer = current;
      const length = filled;
      // Never rejects: a failure is kept and rethrown by the loop, so it is never unhandled.
      inflight = this.client
        .uploadPart({ bucketName: this.bucket, objectName: key, uploadID: id, partNumber: number, headers: {} }, buffer.subarray(0, length))
        .then((r) => void etags.push({ part: number, etag: r.etag }))
        .catch((e: unknown) => void (partError ??= e))
        .finally(() => spare.push(buffer));
      current = acquire(partSizeFor(part));
      filled = 0;
    };

    try {
      for await (const chunk of body) {
        total += chunk.length;
        for (let off = 0; off < chunk.length; ) {
          const n = chunk.copy(current, filled, off);
          filled += n;
          off += n;
          if (filled < current.length) continue;
          if (part > MAX_PARTS) throw new RangeError('artifact too large for one object');
          uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
          await inflight;
          if (partError) throw partError;
          send(uploadId);
        }
      }
      if (!uploadId) {
        await this.client.putObject(this.bucket, key, current.subarray(0, filled), filled, headers);
        return total;
      }
      await inflight;
      if (partError) throw partError;
      if (filled > 0) send(uploadId);
      await inflight;
      if (partError) throw partError;
      await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags.sort((a, b) => a.part - b.part));
      return total;
    } catch (e) {
      await inflight;
      if (uploadId) {
        await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch((err: Error) => this.logger.warn({ key, err: err.message }, 'could not abort multipart upload'));
      }
      throw e;
    }
  }

  get(key: string): Promise<Readable> {
    return this.client.getObject(this.bucket, key);
  }

  async remove(key: string): Promise<void> {
    await this.client.removeObject(this.bucket, key);
  }
}
