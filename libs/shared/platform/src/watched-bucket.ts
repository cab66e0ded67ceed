import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'minio';
import { Logger } from 'pino';
import { Readiness } from './readiness';
import { runtimeMode } from './service-runtime';

const PING_EVERY_MS = 5000;

/**
 * A bucket a service depends on, watched for readiness: `ensureBucket` (the subclass's setup)
 * runs until it succeeds, then a cheap existence check every few seconds keeps `/health/ready`
 * honest. Passive runs (rebuilds, commands) do not watch.
 */
export abstract class WatchedBucket implements OnApplicationBootstrap, OnApplicationShutdown {
  protected reachable = false;
  protected bucketReady = false;
  private pinger?: NodeJS.Timeout;

  constructor(
    readonly client: Client,
    readonly bucket: string,
    readiness: Readiness,
    protected readonly logger: Logger,
  ) {
    readiness.register('s3', () => this.isReady());
  }

  /** Creates or checks the bucket; sets `bucketReady` and `reachable` once it is usable. */
  abstract ensureBucket(): Promise<void>;

  /** Whether a ping failure is worth a warning even when the bucket was already unreachable. */
  protected alwaysWarn(_e: unknown): boolean {
    return false;
  }

  isReady(): boolean {
    return this.reachable && this.bucketReady;
  }

  onApplicationBootstrap(): void {
    if (runtimeMode.passive) return;
    void this.ping();
    this.pinger = setInterval(() => void this.ping(), PING_EVERY_MS);
    this.pinger.unref();
  }

  onApplicationShutdown(): void {
    if (this.pinger) clearInterval(this.pinger);
  }

  private async ping(): Promise<void> {
    try {
      if (this.bucketReady) this.reachable = await this.client.bucketExists(this.bucket);
      else await this.ensureBucket();
    } catch (e) {
      if (this.reachable || this.alwaysWarn(e)) this.logger.warn({ bucket: this.bucket, err: (e as Error).message }, 'object storage bucket unavailable');
      this.reachable = false;
    }
  }
}
