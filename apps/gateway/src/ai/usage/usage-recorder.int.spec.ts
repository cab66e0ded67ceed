import { eventCatalog } from '@custos/events';
import { EventStore } from '@custos/eventing';
import { createLogger } from '@custos/platform';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { UsageRecord, UsageRecorder } from './usage-recorder.service';

const record = (i: number): UsageRecord => ({
  data: {
    principal: 'alice',
    endpoint: 'chat',
    provider: 'openai',
    upstreamModel: 'gpt-4o-mini',
    front: 'openai',
    task: 'llm/v1/chat',
    tokensIn: i,
    tokensOut: 1,
    tokensCached: 0,
    estimated: false,
    latencyMs: 3,
    status: 200,
    retries: 0,
    fallbackUsed: false,
    streamed: false,
    correlationId: `call-${i}`,
  },
  metadata: { correlationId: `call-${i}`, actor: { type: 'user', id: 'alice' } },
});

/**
 * Usage is recorded by group commit into the gateway's event store (the outbox the relay takes to
 * Kafka and audit): many calls' records in one transaction, none lost at a graceful stop.
 */
describe('AI usage group commit', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('gw_ai_usage');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('commits many calls in few transactions, and drains what is queued when the module stops', async () => {
    const recorder = new UsageRecorder(db.dataSource, new EventStore('gateway', eventCatalog), createLogger('gateway', 'silent'), { flushMs: 60_000, maxBatch: 50, settleMs: 60_000 });
    // record() never waits on the database: all 120 are queued before any commit could finish.
    for (let i = 0; i < 120; i++) recorder.record(record(i));
    // The last 20 wait for a timer a minute away: only the shutdown drain can commit them.
    await recorder.onModuleDestroy();
    const rows = await db.dataSource.query<{ n: string; txs: string; tokens: string }[]>(
      `SELECT count(*) AS n, count(DISTINCT transaction_id::text) AS txs, sum((data->>'tokensIn')::int) AS tokens FROM events WHERE type = 'gateway.AiCallCompleted'`,
    );
    expect(Number(rows[0].n)).toBe(120);
    expect(Number(rows[0].tokens)).toBe((119 * 120) / 2);
    expect(Number(rows[0].txs)).toBe(3);
    const streams = await db.dataSource.query<{ stream_id: string }[]>(`SELECT stream_id FROM events WHERE type = 'gateway.AiCallCompleted' ORDER BY global_position LIMIT 1`);
    expect(streams[0].stream_id).toBe('ai-call-call-0');
  });

  it('waits at shutdown for a call still under way, and records it', async () => {
    const recorder = new UsageRecorder(db.dataSource, new EventStore('gateway', eventCatalog), createLogger('gateway', 'silent'), { flushMs: 60_000, maxBatch: 50, settleMs: 60_000 });
    const ended = recorder.track();
    const stopping = recorder.beforeApplicationShutdown();
    // The call ends after shutdown began: its record still lands before the database closes.
    recorder.record(record(1000));
    ended();
    await stopping;
    const rows = await db.dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM events WHERE stream_id = 'ai-call-call-1000'`);
    expect(Number(rows[0].n)).toBe(1);
  });
});
