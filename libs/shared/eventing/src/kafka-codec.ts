import { IHeaders, Message } from 'kafkajs';
import { EventEnvelope } from '@custos/events';

/** Keyed by stream id so one stream's events stay in one partition, in order. */
export function encodeEnvelope(e: EventEnvelope): Message {
  return {
    key: e.streamId,
    value: JSON.stringify(e),
    headers: {
      'custos-event-type': e.type,
      'custos-schema-version': String(e.schemaVersion),
      'custos-correlation-id': e.metadata.correlationId,
    },
  };
}

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}
