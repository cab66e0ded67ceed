import { createTestDatabase, TestDatabase, waitFor } from '@custos/testing';
import { verifyChain } from '@custos/audit-domain';
import { AuditLog1732000000100 } from '../migrations/1732000000100-audit-log';
import { AuditCanonicalLz41732000000300 } from '../migrations/1732000000300-audit-canonical-lz4';
import { AuditCoverage1732000000400 } from '../migrations/1732000000400-audit-coverage';
import { AuditLogHandler } from './audit-log.handler';
import { auditTestEvent, recordedEventId, storedChain } from './audit-events.spec-helper';
import { readCoverage } from '../completeness/audit-coverage.store';

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

describe('audit coverage under concurrent batches on real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('audit_coverage', [AuditLog1732000000100, AuditCanonicalLz41732000000300, AuditCoverage1732000000400]);
  });
  afterAll(() => db.drop());

  it('keeps the numbers of both batches when one waited for the other to release the chain head', async () => {
    const handler = new AuditLogHandler();
    const numbered = (seq: number) => ({ ...auditTestEvent(), sourceSeq: seq });
    const first = db.dataSource.createQueryRunner();
    await first.connect();
    await first.startTransaction();
    await handler.handleBatch([numbered(1)], first.manager);
    // The second batch blocks on the head's lock, then must see the first batch's coverage.
    const second = db.dataSource.transaction((tx) => handler.handleBatch([numbered(3)], tx));
    await waitFor('the second batch to wait for the lock', async () => {
      const [{ n }] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)) as { n: number }[];
      return n > 0;
    });
    await first.commitTransaction();
    await first.release();
    await second;
    await db.dataSource.transaction((tx) => handler.handleBatch([numbered(2)], tx));
    expect(await readCoverage(db.dataSource)).toEqual(new Map([['tracking', { watermark: 3, spans: [] }]]));
  });
});
