import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { Actor, EventData, RequestDenied } from '@custos/events';
import { EventStore, NO_STREAM } from '@custos/eventing';
import { LOGGER } from '@custos/platform';

/** Every denial at the edge becomes an event (and so an audit entry). Each request is its own stream. */
@Injectable()
export class DenialRecorder {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `actor` when the caller is known (an authenticated principal refused by policy); anonymous otherwise. */
  async record(correlationId: string, clientIp: string, data: EventData<typeof RequestDenied>, actor?: Actor): Promise<void> {
    try {
      await this.store.append(this.ds, `request-${correlationId}`, NO_STREAM, [{ type: RequestDenied.type, data }], {
        correlationId,
        actor: actor ?? { type: 'anonymous', id: data.claimedAccount ?? 'anonymous' },
        ...(clientIp ? { clientIp } : {}),
      });
    } catch (e) {
      // The caller still gets its 401/403; the failure to record is loud in the logs and metrics.
      this.logger.error({ err: (e as Error).message, correlationId }, 'could not record denial');
    }
  }
}
