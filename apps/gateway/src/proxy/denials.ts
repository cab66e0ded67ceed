import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { Actor, EventData, RequestDenied } from '@custos/events';
import { Principal } from '@custos/rbac';
import { EventStore, NO_STREAM } from '@custos/eventing';
import { LOGGER } from '@custos/platform';

/** The gateway's request id (the correlation id) and the client's own id, if it sent one. */
export interface RequestIds {
  correlationId: string;
  clientCorrelationId?: string;
}

/** Every denial at the edge becomes an event (and so an audit entry). Each request is its own stream. */
@Injectable()
export class DenialRecorder {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `actor` when the caller is known (an authenticated principal refused by policy); anonymous otherwise. */
  async record(ids: RequestIds, clientIp: string, data: EventData<typeof RequestDenied>, actor?: Actor): Promise<void> {
    const { correlationId, clientCorrelationId } = ids;
    try {
      await this.store.append(this.ds, `request-${correlationId}`, NO_STREAM, [{ type: RequestDenied.type, data }], {
        correlationId,
        ...(clientCorrelationId ? { clientCorrelationId } : {}),
        actor: actor ?? { type: 'anonymous', id: data.claimedAccount ?? 'anonymous' },
        ...(clientIp ? { clientIp } : {}),
      });
    } catch (e) {
      // The caller still gets its 401/403; the failure to record is loud in the logs and metrics.
      this.logger.error({ err: (e as Error).message, correlationId }, 'could not record denial');
    }
  }
}

/** The audit actor for a principal the gateway authenticated. */
export function actorOf(p: Principal): Actor {
  return { type: p.kind === 'service_account' ? 'service_account' : 'user', id: p.id.slice(0, 256) };
}

/** A service's denial header (URI-encoded reason) as event detail; undefined if absent or garbled. */
export function denialDetail(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  try {
    return decodeURIComponent(header).slice(0, 512);
  } catch {
    return header.slice(0, 512);
  }
}
