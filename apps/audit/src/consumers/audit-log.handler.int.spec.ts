import { EventEnvelope, uuidv7 } from '@custos/events';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { verifyChain } from '@custos/audit-domain';
import { AuditLog1732000000100 } from '../migrations/1732000000100-audit-log';
import { AuditCanonicalLz41732000000300 } from '../migrations/1732000000300-audit-canonical-lz4';
import { AuditLogHandler } from './audit-log.handler';

const event = (n: number): EventEnvelope => ({
  id: uuidv7(),
  type: 'tracking.ExperimentCreated',
  schemaVersion: 2,
  source: 'tracking',
  streamId: `experiment-${n}`,
  streamPosition: 0,
  occurredAt: new Date(Date.UTC(2026, 10, 22, 0, 0, n % 60)).toISOString(),
  data: { experimentId: String(n), name: `exp ${n}`, artifactLocation: `mlflow-artifacts:/${n}`, tags: [] },
  metadata: { correlationId: uuidv7(), actor: { type: 'user', id: 'alice' } },
});

describe('audit log handler on real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('audit_handler', [AuditLog1732000000100, AuditCanonicalLz41732000000300]);
  });
  afterAll(() => db.drop());

  it('chains a batch larger than one insert statement takes, each entry to its own event', async () => {
    const handler = new AuditLogHandler();
    const events = Array.from({ length: 2500 }, (_, i) => event(i));
    await db.dataSource.transaction((tx) => handler.handleBatch(events, tx));
    await db.dataSource.transaction((tx) => handler.handleBatch([event(2500)], tx));

    const stored = (await db.dataSource.query(`SELECT sequence::int, event_id, canonical, prev_hash, hash FROM audit_entries ORDER BY sequence`)) as {
      sequence: number;
      event_id: string;
      canonical: string;
      prev_hash: string;
      hash: string;
    }[];
    expect(stored.map((r) => r.event_id)).toEqual([...events.map((e) => e.id), expect.any(String)]);
    expect(verifyChain(stored.map((r) => ({ sequence: r.sequence, prevHash: r.prev_hash, hash: r.hash, canonical: r.canonical })))).toMatchObject({ ok: true, checked: 2501 });
    for (const r of stored) expect((JSON.parse(r.canonical) as { eventId: string }).eventId).toBe(r.event_id);
    const [head] = (await db.dataSource.query(`SELECT sequence::int, hash FROM audit_chain_head`)) as { sequence: number; hash: string }[];
    expect(head).toEqual({ sequence: 2501, hash: stored[2500].hash });
  });
});
