import { createTestDatabase, TestDatabase } from '@custos/testing';
import { verifyChain } from '@custos/audit-domain';
import { AuditLog1732000000100 } from '../migrations/1732000000100-audit-log';
import { AuditCanonicalLz41732000000300 } from '../migrations/1732000000300-audit-canonical-lz4';
import { AuditCoverage1732000000400 } from '../migrations/1732000000400-audit-coverage';
import { AuditLogHandler } from './audit-log.handler';
import { auditTestEvent, recordedEventId, storedChain } from './audit-events.spec-helper';

describe('audit log handler on real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('audit_handler', [AuditLog1732000000100, AuditCanonicalLz41732000000300, AuditCoverage1732000000400]);
  });
  afterAll(() => db.drop());

  it('chains a batch larger than one insert statement takes, each entry to its own event', async () => {
    const handler = new AuditLogHandler();
    const events = Array.from({ length: 2500 }, () => auditTestEvent());
    await db.dataSource.transaction((tx) => handler.handleBatch(events, tx));
    await db.dataSource.transaction((tx) => handler.handleBatch([auditTestEvent()], tx));

    const stored = await storedChain(db.dataSource);
    expect(stored.map((r) => r.eventId)).toEqual([...events.map((e) => e.id), expect.any(String)]);
    expect(verifyChain(stored)).toMatchObject({ ok: true, checked: 2501 });
    for (const link of stored) expect(recordedEventId(link)).toBe(link.eventId);
    const [head] = (await db.dataSource.query(`SELECT sequence::int, hash FROM audit_chain_head`)) as { sequence: number; hash: string }[];
    expect(head).toEqual({ sequence: 2501, hash: stored[2500].hash });
  });
});
