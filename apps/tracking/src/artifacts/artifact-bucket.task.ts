import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { LOGGER, StartupTask } from '@custos/platform';
import { ArtifactService } from './artifact.service';
import { ArtifactObjectStore } from './object-store.service';

/**
 * Creates the artifact bucket if it is missing and deletes objects left behind (replaced,
 * deleted, or from uploads that never committed). Object storage being down does not hold back
 * the rest of the service: readiness reports `s3` false and the store keeps retrying.
 */
@Injectable()
export class ArtifactBucketTask implements StartupTask {
  constructor(
    private readonly objects: ArtifactObjectStore,
    private readonly artifacts: ArtifactService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(): Promise<void> {
    try {
      await this.objects.ensureBucket();
      const removed = await this.artifacts.sweep();
      if (removed > 0) this.logger.info({ removed }, 'orphaned artifact objects removed');
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, bucket: this.objects.bucket }, 'object storage not reachable yet; will retry');
    }
  }
}
