import { z } from 'zod/v4';
import { defineEvent, EventSchemaRegistry, EventValidationError } from './schema-registry';
import { uuidv7 } from './uuidv7';

const Renamed = defineEvent(
  'test.Renamed',
  { version: 1, schema: z.object({ name: z.string() }), upcast: (d: { name: string }) => ({ newName: d.name }) },
  { version: 2, schema: z.object({ newName: z.string() }), upcast: (d: { newName: string }) => ({ newName: d.newName, oldName: null }) },
  { version: 3, schema: z.object({ newName: z.string(), oldName: z.string().nullable() }) },
);
const registry = new EventSchemaRegistry([Renamed]);
const envelope = (schemaVersion: number, data: unknown) => ({
  id: uuidv7(),
  type: 'test.Renamed',
  schemaVersion,
  source: 'test',
  streamId: 's-1',
  streamPosition: 0,
  occurredAt: new Date(0).toISOString(),
  data,
  metadata: { correlationId: 'c', actor: { type: 'system', id: 'test' } },
});

describe('EventSchemaRegistry', () => {
  it('upcasts an old version through every step to the latest', () => {
    const parsed = registry.parse(envelope(1, { name: 'a' }));
    expect(parsed.schemaVersion).toBe(3);
    expect(parsed.data).toEqual({ newName: 'a', oldName: null });
  });

  it('validates new events against the latest version only', () => {
    expect(registry.validateNew({ type: 'test.Renamed', data: { newName: 'b', oldName: 'a', extra: 1 } })).toEqual({
      data: { newName: 'b', oldName: 'a' },
      schemaVersion: 3,
    });
    expect(() => registry.validateNew({ type: 'test.Renamed', data: { name: 'a' } })).toThrow(EventValidationError);
  });

  it.each([
    ['unknown type', { ...envelope(1, { name: 'a' }), type: 'test.Nope' }, 'unknown_type'],
    ['unknown version', envelope(9, { name: 'a' }), 'unknown_version'],
    ['bad data', envelope(1, { name: 5 }), 'invalid_data'],
    ['bad envelope', { ...envelope(1, { name: 'a' }), id: 'not-a-uuid' }, 'invalid_envelope'],
  ])('rejects %s with a reason', (_label, raw, reason) => {
    try {
      registry.parse(raw);
      throw new Error('expected a validation error');
    } catch (e) {
      expect(e).toBeInstanceOf(EventValidationError);
      expect((e as EventValidationError).reason).toBe(reason);
    }
  });

  it('refuses a definition whose old version has no upcaster', () => {
    expect(() => defineEvent('test.Bad', { version: 1, schema: z.object({}) }, { version: 2, schema: z.object({}) })).toThrow(/upcaster/);
  });

  it('makes time-ordered v7 uuids', () => {
    const a = uuidv7(1000);
    const b = uuidv7(2000);
    expect(a < b).toBe(true);
    expect(a[14]).toBe('7');
  });
});
