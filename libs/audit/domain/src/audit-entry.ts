import { EventEnvelope, sensitiveFields } from '@custos/events';

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
  /** The correlation id the client sent, if any: the client's claim, kept apart from the key. */
  clientCorrelationId?: string;
  clientIp?: string;
  /**
   * The schema version `data` is in: the event type's latest when audit recorded it, since older
   * events are upcast first. Shapes change between versions (`tracking.RunDataLogged` v3 holds
   * metrics as series), so a reader of the chain needs it to interpret `data`.
   */
  schemaVersion: number;
  /**
   * The event's number in its source's publishing order (decision 029), hashed with the entry so
   * the chain itself shows which numbers audit holds. Absent for events published before numbering.
   */
  sourceSeq?: number;
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
    ...(e.metadata.clientCorrelationId ? { clientCorrelationId: e.metadata.clientCorrelationId } : {}),
    ...(e.metadata.clientIp ? { clientIp: e.metadata.clientIp } : {}),
    schemaVersion: e.schemaVersion,
    ...(e.sourceSeq !== undefined ? { sourceSeq: e.sourceSeq } : {}),
    data: redact(e.type, e.data),
  };
}

/** Credential hashes reach the services that verify them, never the audit log: the field stays, marked. */
function redact(type: string, data: unknown): unknown {
  const fields = sensitiveFields[type];
  if (!fields || typeof data !== 'object' || data === null) return data;
  const copy: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const f of fields) if (f in copy && copy[f] !== null) copy[f] = '[redacted]';
  return copy;
}
