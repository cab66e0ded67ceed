import { Kafka, Producer } from 'kafkajs';
import { eventCatalog, EventEnvelope, EventMetadata, ExperimentCreated } from '@custos/events';
import { collect, createTestDatabase, createTopic, TestDatabase, testKafka, uniqueName } from '@custos/testing';
import { ConcurrencyError, EventStore, NO_STREAM } from './event-store';
import { OutboxRelay } from './outbox-relay';
import { createIdempotentProducer, TOPIC_MAX_MESSAGE_BYTES } from './kafka';

const meta: EventMetadata = { correlationId: 'relay-test', actor: { type: 'system', id: 'test' } };
const created = (name: string) => ({ type: ExperimentCreated.type, data: { experimentId: name, name, artifactLocation: `mlflow-artifacts:/${name}`, tags: [] } });

describe('outbox relay on real PostgreSQL and Kafka', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  const store = new EventStore('tracking', eventCatalog);

  beforeAll(async () => {
    db = await createTestDatabase('relay');
    kafka = testKafka();
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await db.drop();
  });

  it('does not skip an event whose transaction took its position early but committed late', async () => {
    const topic = uniqueName('relay-late');
    await createTopic(kafka, topic);
    const relay = new OutboxRelay(db.dataSource, store, producer, { name: topic, topic, databaseUrl: db.url });

    const early = db.dataSource.createQueryRunner();
    await early.connect();
    await early.startTransaction();
    await store.append(early, 'experiment-early', NO_STREAM, [created('early')], meta);
    await db.dataSource.transaction((tx) => store.append(tx, 'experiment-late', NO_STREAM, [created('late')], meta));

    // The later transaction has committed, but publishing it now would move the checkpoint past the early one.
    expect(await relay.publishAvailable()).toBe(0);
    await early.commitTransaction();
    await early.release();
    expect(await relay.publishAvailable()).toBe(2);
    expect(await relay.publishAvailable()).toBe(0);

    const msgs = await collect(kafka, topic, (m) => m.length >= 2);
    const streams = msgs.map((m) => (JSON.parse(m.value!.toString()) as EventEnvelope).streamId);
    expect(streams).toEqual(['experiment-early', 'experiment-late']);
    expect(msgs.map((m) => m.key!.toString())).toEqual(streams);
  });

  it('orders by transaction id as a number, so no event is skipped when the ids gain a digit', async () => {
    // Text order would read 10, 11 before 9: a batch of two would move the checkpoint past 9 for good.
    // Its own database: the other cases count what their relays publish.
    const own = await createTestDatabase('relay_digits');
    const topic = uniqueName('relay-digits');
    await createTopic(kafka, topic);
    const names = ['nine', 'ten', 'eleven'];
    const ids: string[] = [];
    for (const name of names) {
      const stream = uniqueName(`experiment-${name}`);
      await own.dataSource.transaction((tx) => store.append(tx, stream, NO_STREAM, [created(name)], meta));
      ids.push(stream);
    }
    // Transaction ids as they would be around 10 (any power of ten); committed long before the relay's snapshot.
    await own.dataSource.query(`ALTER TABLE events DISABLE TRIGGER events_append_only`);
    for (const [i, stream] of ids.entries()) await own.dataSource.query(`UPDATE events SET transaction_id = $1::xid8 WHERE stream_id = $2`, [String(9 + i), stream]);
    await own.dataSource.query(`ALTER TABLE events ENABLE TRIGGER events_append_only`);

    const relay = new OutboxRelay(own.dataSource, store, producer, { name: topic, topic, databaseUrl: own.url, batchSize: 2 });
    let published = 0;
    for (let n = await relay.publishAvailable(); n > 0; n = await relay.publishAvailable()) published += n;
    const msgs = await collect(kafka, topic, (m) => m.filter((x) => ids.includes(x.key!.toString())).length >= 3);
    const ours = msgs.filter((m) => ids.includes(m.key!.toString())).map((m) => JSON.parse(m.value!.toString()) as EventEnvelope & { sourceSeq: number });
    expect(ours.map((e) => e.streamId)).toEqual(ids);
    // Numbered in that order too, each once.
    const seqs = ours.map((e) => e.sourceSeq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(3);
    expect(published).toBe(3);
    await own.drop();
  });

  it('publishes a rolled-back neighbour never and keeps per-stream order', async () => {
    const topic = uniqueName('relay-order');
    await createTopic(kafka, topic);
    const relay = new OutboxRelay(db.dataSource, store, producer, { name: topic, topic, databaseUrl: db.url });
    const stream = uniqueName('experiment');
    await db.dataSource.transaction((tx) => store.append(tx, stream, NO_STREAM, [created('a')], meta));
    await db.dataSource
      .transaction(async (tx) => {
        await store.append(tx, uniqueName('experiment'), NO_STREAM, [created('rolled-back')], meta);
        throw new Error('abort');
      })
      .catch(() => undefined);
    await db.dataSource.transaction((tx) => store.append(tx, stream, 0, [created('b')], meta));
    // A new relay starts from the beginning of the store: the first test's two events come first.
    expect(await relay.publishAvailable()).toBe(4);
    const msgs = await collect(kafka, topic, (m) => m.length >= 4);
    expect(msgs.map((m) => (JSON.parse(m.value!.toString()) as EventEnvelope<{ name: string }>).data.name)).toEqual(['early', 'late', 'a', 'b']);
  });

  it('publishes a backlog larger than one record batch may be, and an event larger than a request', async () => {
    // A topic with Kafka's default 1 MiB batch limit: 30 events of ~100 KB on one stream (one
    // partition) are refused as one request, and would stall the relay on every retry.
    const small = uniqueName('relay-backlog');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: small, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: String(1024 * 1024) }] }] });
    const stream = uniqueName('experiment');
    await db.dataSource.transaction((tx) =>
      store.append(
        tx,
        stream,
        NO_STREAM,
        Array.from({ length: 30 }, (_, i) => ({ ...created(`big-${i}`), data: { ...created(`big-${i}`).data, artifactLocation: 'x'.repeat(100_000) } })),
        meta,
      ),
    );
    const [{ n }] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM events`)) as { n: number }[];
    const relay = new OutboxRelay(db.dataSource, store, producer, { name: small, topic: small, databaseUrl: db.url });
    expect(await relay.publishAvailable()).toBe(n);
    const msgs = await collect(kafka, small, (m) => m.length >= n);
    expect(msgs.filter((m) => m.key!.toString() === stream)).toHaveLength(30);

    // One 3 MB event on a topic made as the services make theirs: above the request budget, sent alone.
    const large = uniqueName('relay-large');
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: large, numPartitions: 1, replicationFactor: 1, configEntries: [TOPIC_MAX_MESSAGE_BYTES] }] });
    await admin.disconnect();
    const one = uniqueName('experiment');
    await db.dataSource.transaction((tx) => store.append(tx, one, NO_STREAM, [{ ...created('huge'), data: { ...created('huge').data, artifactLocation: 'y'.repeat(3_000_000) } }], meta));
    const relay2 = new OutboxRelay(db.dataSource, store, producer, { name: large, topic: large, databaseUrl: db.url });
    expect(await relay2.publishAvailable()).toBe(n + 1);
    const got = await collect(kafka, large, (m) => m.some((x) => x.key!.toString() === one));
    expect((JSON.parse(got.find((x) => x.key!.toString() === one)!.value!.toString()) as EventEnvelope<{ artifactLocation: string }>).data.artifactLocation).toHaveLength(3_000_000);
  });

  it('refuses an append at a stale expected version', async () => {
    const stream = uniqueName('experiment');
    await db.dataSource.transaction((tx) => store.append(tx, stream, NO_STREAM, [created('x')], meta));
    await expect(db.dataSource.transaction((tx) => store.append(tx, stream, NO_STREAM, [created('y')], meta))).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await store.readStream(db.dataSource, stream)).map((e) => e.streamPosition)).toEqual([0]);
  });

  it('refuses to update or delete stored events', async () => {
    await expect(db.dataSource.query(`UPDATE events SET type = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`DELETE FROM events`)).rejects.toThrow(/append-only/);
  });

  it('validates events at append time', async () => {
    await expect(db.dataSource.transaction((tx) => store.append(tx, 'experiment-bad', NO_STREAM, [{ type: ExperimentCreated.type, data: { name: 5 } }], meta))).rejects.toThrow(
      /name: Invalid input: expected string, received number/,
    );
  });
});
