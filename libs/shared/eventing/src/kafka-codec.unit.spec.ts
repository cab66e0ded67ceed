import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context, EventEnvelope, eventCatalog } from '@custos/events';
import { encodeStoredEvent, headerString, SOURCE_SEQ_HEADER } from './kafka-codec';

const fixture = (type: string, version: number): EventEnvelope => JSON.parse(readFileSync(join(__dirname, '../../events/fixtures', type, `v${version}.json`), 'utf8')) as EventEnvelope;

describe('encodeStoredEvent', () => {
  it.each([
    ['tracking.RunDataLogged', 3],
    ['tracking.RunDataLogged', 2],
    ['tracking.RunDataLogged', 1],
    ['authz.ApiKeyIssued', 1],
  ])('publishes %s v%i as an envelope the catalog parses back to the stored event', (type, version) => {
    const e = fixture(type, version);
    const message = encodeStoredEvent(
      {
        event_id: e.id,
        stream_id: e.streamId,
        stream_position: e.streamPosition,
        type: e.type,
        schema_version: e.schemaVersion,
        data: JSON.stringify(e.data, null, 1),
        metadata: JSON.stringify(e.metadata),
        correlation_id: e.metadata.correlationId,
        occurred_at: new Date(e.occurredAt),
      },
      e.source as Context,
    );
    const published = JSON.parse(String(message.value)) as EventEnvelope;
    expect(published).toEqual(e);
    expect(eventCatalog.parse(published)).toEqual(eventCatalog.parse(e));
    expect(String(message.key)).toBe(e.streamId);
    expect(headerString(message.headers, 'custos-event-type')).toBe(type);
    expect(headerString(message.headers, 'custos-schema-version')).toBe(String(version));
    expect(headerString(message.headers, 'custos-correlation-id')).toBe(e.metadata.correlationId);
  });

  it('keeps the stored text of data byte for byte, whitespace included', () => {
    const e = fixture('tracking.RunDataLogged', 2);
    // As PostgreSQL prints jsonb: a space after each separator, keys in its own order.
    const data = '{"runId": "r", "metrics": [], "params": [], "tags": []}';
    const message = encodeStoredEvent(
      { event_id: e.id, stream_id: 's', stream_position: 0, type: e.type, schema_version: 2, data, metadata: '{}', correlation_id: 'c', occurred_at: new Date(0) },
      'tracking',
    );
    expect(String(message.value)).toContain(`"data":${data},"metadata":{}}`);
  });

  it("carries the relay's sequence number in the envelope and a header, and the catalog keeps it", () => {
    const e = fixture('authz.ApiKeyIssued', 1);
    const row = {
      event_id: e.id,
      stream_id: e.streamId,
      stream_position: e.streamPosition,
      type: e.type,
      schema_version: e.schemaVersion,
      data: JSON.stringify(e.data),
      metadata: JSON.stringify(e.metadata),
      correlation_id: 'c',
      occurred_at: new Date(e.occurredAt),
    };
    const numbered = encodeStoredEvent(row, 'authz', 42);
    expect(eventCatalog.parse(JSON.parse(String(numbered.value))).sourceSeq).toBe(42);
    expect(headerString(numbered.headers, SOURCE_SEQ_HEADER)).toBe('42');
    const plain = encodeStoredEvent(row, 'authz');
    expect(eventCatalog.parse(JSON.parse(String(plain.value)))).not.toHaveProperty('sourceSeq');
    expect(headerString(plain.headers, SOURCE_SEQ_HEADER)).toBeUndefined();
    for (const bad of [0, -1, 1.5, '3']) {
      expect(() => eventCatalog.parse({ ...JSON.parse(String(plain.value)), sourceSeq: bad })).toThrow(/sourceSeq/);
    }
  });
});
