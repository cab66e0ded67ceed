import { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DEAD_LETTER_TOPIC, eventCatalog, EventMetadata, ExperimentCreated, uuidv7 } from '@custos/events';
import { createIdempotentProducer, ensureTopics, EventConsumer, EventStore, NO_STREAM, OutboxRelay, republishBySeq } from '@custos/eventing';
import { createLogger, Metrics, Readiness } from '@custos/platform';
import { collect, createTestDatabase, createTopic, TestDatabase, testKafka, uniqueName, waitFor } from '@custos/testing';
import { AuditLog1732000000100 } from '../migrations/1732000000100-audit-log';
import { AuditCanonicalLz41732000000300 } from '../migrations/1732000000300-audit-canonical-lz4';
import { AuditCoverage1732000000400 } from '../migrations/1732000000400-audit-coverage';
import { AuditLogHandler } from '../consumers/audit-log.handler';
import { AuditVerifier } from './audit-verifier';
import { CompletenessMonitor } from './completeness.monitor';

const meta: EventMetadata = { correlationId: 'completeness-test', actor: { type: 'user', id: 'alice' } };
const created = (name: string) => ({ type: ExperimentCreated.type, data: { experimentId: name, name, artifactLocation: `mlflow-artifacts:/${name}`, tags: [] } });
const seqOf = (m: KafkaMessage) => (JSON.parse(m.value!.toString()) as { sourceSeq: number }).sourceSeq;

describe('audit completeness on real PostgreSQL and Kafka', () => {
  let source: TestDatabase;
  let audit: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: EventConsumer;
  const store = new EventStore('tracking', eventCatalog);
  const entries = async () => ((await audit.dataSource.query(`SELECT count(*)::int AS n FROM audit_entries`)) as { n: number }[])[0].n;

  beforeAll(async () => {
    source = await createTestDatabase('completeness_src');
    audit = await createTestDatabase('completeness_audit', [AuditLog1732000000100, AuditCanonicalLz41732000000300, AuditCoverage1732000000400]);
    kafka = testKafka();
    await ensureTopics(kafka, 1, [DEAD_LETTER_TOPIC]);
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await consumer?.stop();
    await producer.disconnect();
    await source.drop();
    await audit.drop();
  });

  it('reports a withheld event as missing until a republish from the source fills it', async () => {
    // The source's relay numbers six events; audit's topic gets all but number 4 (lost on the way).
    const relay = uniqueName('completeness-relay');
    const published = uniqueName('completeness-published');
    const auditTopic = uniqueName('completeness-audit');
    await createTopic(kafka, published);
    await createTopic(kafka, auditTopic, 3);
    for (let i = 0; i < 6; i++) await source.dataSource.transaction((tx) => store.append(tx, `experiment-${i}`, NO_STREAM, [created(`e${i}`)], meta));
    expect(await new OutboxRelay(source.dataSource, store, producer, { name: relay, topic: published, databaseUrl: source.url }).publishAvailable()).toBe(6);
    const msgs = await collect(kafka, published, (m) => m.length >= 6);
    expect(msgs.map(seqOf)).toEqual([1, 2, 3, 4, 5, 6]);
    const delivered = msgs.filter((m) => seqOf(m) !== 4).map((m) => ({ key: m.key, value: m.value, headers: m.headers }));
    // An event published before numbering (no sourceSeq) is chained and not counted.
    const legacy = { id: uuidv7(), schemaVersion: 2, source: 'tracking', streamId: 'experiment-legacy', streamPosition: 0, occurredAt: new Date().toISOString(), ...created('legacy'), metadata: meta };
    await producer.send({ topic: auditTopic, acks: -1, messages: [...delivered, { key: legacy.streamId, value: JSON.stringify(legacy) }] });

    const handler = new AuditLogHandler();
    const name = uniqueName('audit-log');
    consumer = new EventConsumer(kafka, audit.dataSource, eventCatalog, producer, {
      name,
      groupId: name,
      topics: [auditTopic],
      handle: (e, tx) => handler.handleBatch([e], tx),
      handleBatch: (es, tx) => handler.handleBatch(es, tx),
    });
    await consumer.start();
    await waitFor('six entries', async () => (await entries()) === 6);

    const strict = new AuditVerifier(audit.dataSource, { AUDIT_GAP_GRACE_MS: 0 });
    const before = await strict.verify();
    expect(before).toMatchObject({ ok: false, checked: 6, complete: false, coverageMatchesChain: true });
    expect(before.sources.tracking).toMatchObject({ watermark: 3, highest: 6, missing: 1, gaps: [{ from: 4, to: 4, count: 1, inFlight: false }] });
    // Within the grace the same hole is in flight (partitions arrive out of order), not missing.
    const patient = await new AuditVerifier(audit.dataSource, { AUDIT_GAP_GRACE_MS: 3_600_000 }).verify();
    expect(patient).toMatchObject({ ok: true, complete: true, sources: { tracking: { missing: 0, gaps: [{ from: 4, to: 4, inFlight: true }] } } });

    // /health/ready details and the gauge name the gap too.
    const readiness = new Readiness();
    const metrics = new Metrics();
    const monitor = new CompletenessMonitor(audit.dataSource, readiness, metrics, { AUDIT_GAP_GRACE_MS: 0 }, createLogger('audit', 'silent'));
    monitor.onApplicationBootstrap();
    await monitor.report();
    expect(readiness.report().details).toMatchObject({ completeness: { complete: false, sources: { tracking: { missing: 1 } } } });
    expect(await metrics.registry.metrics()).toContain('custos_audit_missing_events{source="tracking"} 1');

    // The operator republishes 3..4 from the source: 3 is a repeat and skipped, 4 fills the hole.
    expect(await republishBySeq(source.dataSource, store, producer, relay, auditTopic, { from: 3, to: 4 })).toBe(2);
    await waitFor('the missing entry', async () => (await entries()) === 7);
    const after = await strict.verify();
    expect(after).toMatchObject({ ok: true, checked: 7, complete: true, coverageMatchesChain: true, sources: { tracking: { watermark: 6, highest: 6, missing: 0, gaps: [] } } });
    const seqs = (await audit.dataSource.query(`SELECT source_seq::int AS s FROM audit_entries WHERE source_seq IS NOT NULL ORDER BY source_seq`)) as { s: number }[];
    expect(seqs.map((r) => r.s)).toEqual([1, 2, 3, 4, 5, 6]);
    await monitor.report();
    expect(await metrics.registry.metrics()).toContain('custos_audit_missing_events{source="tracking"} 0');
    monitor.beforeApplicationShutdown();
  });
});
