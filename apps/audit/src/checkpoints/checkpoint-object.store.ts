import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER, Readiness, s3Client, SERVICE_CONFIG, WatchedBucket } from '@custos/platform';
import { AuditConfig } from '../audit.config';

const DAY_MS = 86_400_000;

type S3Settings = Pick<
  AuditConfig,
  'S3_ENDPOINT' | 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_REGION' | 'AUDIT_CHECKPOINT_BUCKET' | 'AUDIT_CHECKPOINT_RETENTION_DAYS' | 'AUDIT_CHECKPOINT_RETENTION_MODE'
>;

export interface StoredObject {
  bucket: string;
  key: string;
  versionId: string | null;
  retainUntil: string;
}

export class ObjectLockError extends Error {}

/**
 * The checkpoint bucket: created with S3 Object Lock (which also turns versioning on), with a
 * default retention of AUDIT_CHECKPOINT_RETENTION_DAYS in AUDIT_CHECKPOINT_RETENTION_MODE, so every
 * version written is immutable until then; a put also confirms (or sets) its object's retention.
 * A bucket that exists without Object Lock is refused: checkpoints are never written where they
 * could be deleted.
 */
@Injectable()
export class CheckpointObjectStore extends WatchedBucket {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: S3Settings,
    readiness: Readiness,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(s3Client(config as AuditConfig), config.AUDIT_CHECKPOINT_BUCKET, readiness, logger);
  }

  /** A bucket without Object Lock never heals by itself: say so on every attempt. */
  protected override alwaysWarn(e: unknown): boolean {
    return e instanceof ObjectLockError;
  }

  /** Creates the bucket with Object Lock if missing (replicas may race; both win) and sets its default retention. */
  async ensureBucket(): Promise<void> {
    if (!(await this.client.bucketExists(this.bucket))) {
      try {
        await this.client.makeBucket(this.bucket, this.config.S3_REGION, { ObjectLocking: true });
        this.logger.info({ bucket: this.bucket }, 'audit checkpoint bucket created with object lock');
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw e;
      }
    }
    let lock: { objectLockEnabled?: string; mode?: string; unit?: string; validity?: number };
    try {
      lock = (await (this.client.getObjectLockConfig(this.bucket) as unknown as Promise<typeof lock>)) ?? {};
    } catch (e) {
      throw new ObjectLockError(`bucket ${this.bucket} has no object lock (${(e as Error).message}); create it with object lock enabled`);
    }
    if (lock?.objectLockEnabled !== 'Enabled') throw new ObjectLockError(`bucket ${this.bucket} exists without object lock; create it with object lock enabled`);
    const mode = this.config.AUDIT_CHECKPOINT_RETENTION_MODE;
    const days = this.config.AUDIT_CHECKPOINT_RETENTION_DAYS;
    if (lock.mode !== mode || lock.unit !== 'Days' || Number(lock.validity) !== days) {
      await this.client.setObjectLockConfig(this.bucket, { mode, unit: 'Days', validity: days });
      this.logger.info({ bucket: this.bucket, mode, days }, 'audit checkpoint bucket default retention set');
    }
    this.bucketReady = true;
    this.reachable = true;
  }

  /** Writes one immutable version and returns it with its retention date. */
  async put(key: string, body: string, contentType = 'application/json'): Promise<StoredObject> {
    if (!this.bucketReady) await this.ensureBucket();
    const data = Buffer.from(body, 'utf8');
    const put = await this.client.putObject(this.bucket, key, data, data.length, { 'Content-Type': contentType });
    const versionId = put.versionId ?? null;
    const opts = versionId ? { versionId } : undefined;
    let retention = await this.client.getObjectRetention(this.bucket, key, opts).catch(() => null);
    if (!retention?.retainUntilDate) {
      // The bucket default should have applied; set it explicitly rather than leave the version unlocked.
      const retainUntilDate = new Date(Date.now() + this.config.AUDIT_CHECKPOINT_RETENTION_DAYS * DAY_MS).toISOString();
      await this.client.putObjectRetention(this.bucket, key, { versionId: versionId ?? '', mode: this.config.AUDIT_CHECKPOINT_RETENTION_MODE, retainUntilDate });
      retention = await this.client.getObjectRetention(this.bucket, key, opts);
    }
    if (!retention?.retainUntilDate) throw new ObjectLockError(`checkpoint ${key} has no retention`);
    return { bucket: this.bucket, key, versionId, retainUntil: new Date(retention.retainUntilDate).toISOString() };
  }
}
