import { IHeaders, Message } from 'kafkajs';
import { Context, EventEnvelope } from '@custos/events';

/** An event row as stored, with its data and metadata still JSON text. */
export interface StoredEventText {
  event_id: string;
  stream_id: string;
  stream_position: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  correlation_id: string;
  occurred_at: Date;
}

/** The header that repeats an event's `sourceSeq`, for tools that read messages without decoding them. */
export const SOURCE_SEQ_HEADER = 'custos-source-seq';

/**
 * The envelope's JSON built around the stored JSON text of data and metadata, which were validated
 * when appended; consumers validate and upcast on their side. Keyed by stream id so one stream's
 * events stay in one partition, in order.
 */
export function encodeStoredEvent(r: StoredEventText, source: Context, sourceSeq?: number): Message {
  const envelope: Omit<EventEnvelope, 'data' | 'metadata'> = {
    id: r.event_id,
    type: r.type,
    schemaVersion: r.schema_version,
    source,
    streamId: r.stream_id,
    streamPosition: r.stream_position,
    occurredAt: new Date(r.occurred_at).toISOString(),
    ...(sourceSeq !== undefined ? { sourceSeq } : {}),
  };
  const head = JSON.stringify(envelope);
  return {
    key: r.stream_id,
    value: `${head.slice(0, -1)},"data":${r.data},"metadata":${r.metadata}}`,
    headers: {
      'custos-event-type': r.type,
      'custos-schema-version': String(r.schema_version),
      'custos-correlation-id': r.correlation_id,
      ...(sourceSeq !== undefined ? { [SOURCE_SEQ_HEADER]: String(sourceSeq) } : {}),
    },
  };
}

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}
