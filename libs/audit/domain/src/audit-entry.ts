import { EventEnvelope } from '@custos/events';

/** What the compliance team asks of every entry: who did what, to which resource, when, from where. */
export interface AuditEntry {
  eventId: string;
  source: string;
  type: string;
  streamId: string;
  streamPosition: number;
  occurredAt: string;
  actorType: string;
  actorId: string;
  correlationId: string;
  clientIp?: string;
  data: unknown;
}

export function toAuditEntry(e: EventEnvelope): AuditEntry {
  return {
    eventId: e.id,
    source: e.source,
    type: e.type,
    streamId: e.streamId,
    streamPosition: e.streamPosition,
    occurredAt: e.occurredAt,
    actorType: e.metadata.actor.type,
    actorId: e.metadata.actor.id,
    correlationId: e.metadata.correlationId,
    ...(e.metadata.clientIp ? { clientIp: e.metadata.clientIp } : {}),
    data: e.data,
  };
}
