import { z } from 'zod/v4';

/**
 * The one envelope every Custos event travels in, in the store, on Kafka and in audit.
 * `schemaVersion` is carried on every event because consumers may run older or newer code
 * than the producer: the consumer upcasts old versions on read and never rewrites history.
 */
export const actorSchema = z.object({
  type: z.enum(['user', 'service_account', 'api_key', 'system', 'anonymous']),
  id: z.string().min(1).max(256),
});
export type Actor = z.infer<typeof actorSchema>;

export const metadataSchema = z.object({
  correlationId: z.string().min(1).max(128),
  /** The correlation id the client sent, when it sent one: its own label, never the key (decision 026). */
  clientCorrelationId: z.string().min(1).max(128).optional(),
  causationId: z.string().max(128).optional(),
  actor: actorSchema,
  clientIp: z.string().max(64).optional(),
  traceparent: z.string().max(128).optional(),
});
export type EventMetadata = z.infer<typeof metadataSchema>;

export const envelopeSchema = z.object({
  id: z.string().uuid(),
  type: z.string().regex(/^[a-z]+\.[A-Za-z]+$/),
  schemaVersion: z.number().int().positive(),
  source: z.string().min(1),
  streamId: z.string().min(1).max(512),
  streamPosition: z.number().int().nonnegative(),
  occurredAt: z.string().datetime({ offset: true }),
  /** Optional: events published before decision 029, and envelopes read from a store, have none. */
  sourceSeq: z.number().int().positive().optional(),
  data: z.unknown(),
  metadata: metadataSchema,
});

export interface EventEnvelope<D = unknown> {
  id: string;
  type: string;
  schemaVersion: number;
  /** The bounded context (service) whose store holds the event. */
  source: string;
  streamId: string;
  streamPosition: number;
  occurredAt: string;
  /**
   * The event's number in its source's publishing order, dense from 1 (stamped by the outbox relay,
   * decision 029), so a consumer can tell that it has every event. Absent on events published
   * before that, and on envelopes read straight from a store.
   */
  sourceSeq?: number;
  data: D;
  metadata: EventMetadata;
}

/** An event as a decider emits it: a fact, before the store gives it an id and a position. */
export interface NewEvent<D = unknown> {
  type: string;
  data: D;
}
