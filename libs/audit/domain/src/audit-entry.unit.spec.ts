import { ApiKeyIssued, EventEnvelope, uuidv7 } from '@custos/events';
import { toAuditEntry } from './audit-entry';

describe('toAuditEntry', () => {
  it('keeps who, what, when and from where, and drops credential hashes', () => {
    const e: EventEnvelope = {
      id: uuidv7(),
      type: ApiKeyIssued.type,
      schemaVersion: 1,
      source: 'authz',
      streamId: 'apikey-k1',
      streamPosition: 0,
      occurredAt: '2026-11-22T00:00:00.000Z',
      data: { keyId: 'k1', prefix: 'cus_ab12', keyHash: 'f'.repeat(64), ownerId: 'u1', name: 'ci', scopes: [], expiresAt: null },
      metadata: { correlationId: 'c1', actor: { type: 'user', id: 'admin' }, clientIp: '10.0.0.1' },
    };
    const entry = toAuditEntry(e);
    expect(entry).toMatchObject({ actorId: 'admin', correlationId: 'c1', clientIp: '10.0.0.1', type: ApiKeyIssued.type, streamId: 'apikey-k1', schemaVersion: 1 });
    expect(entry.data).toMatchObject({ keyId: 'k1', prefix: 'cus_ab12', keyHash: '[redacted]' });
    expect(JSON.stringify(entry)).not.toContain('f'.repeat(64));
    expect('clientCorrelationId' in entry).toBe(false);
  });

  it("keeps the client's correlation id apart from the gateway's, when the client sent one", () => {
    const e: EventEnvelope = {
      id: uuidv7(),
      type: ApiKeyIssued.type,
      schemaVersion: 1,
      source: 'authz',
      streamId: 'apikey-k2',
      streamPosition: 0,
      occurredAt: '2026-11-22T00:00:00.000Z',
      data: { keyId: 'k2', prefix: 'cus_cd34', keyHash: 'e'.repeat(64), ownerId: 'u1', name: 'ci', scopes: [], expiresAt: null },
      metadata: { correlationId: 'gateway-id', clientCorrelationId: 'client-said-this', actor: { type: 'user', id: 'admin' } },
    };
    expect(toAuditEntry(e)).toMatchObject({ correlationId: 'gateway-id', clientCorrelationId: 'client-said-this' });
  });
});
