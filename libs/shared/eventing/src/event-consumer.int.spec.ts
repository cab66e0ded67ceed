import { Kafka, Producer } from 'kafkajs';
import { DEAD_LETTER_TOPIC, eventCatalog, EventEnvelope, ExperimentCreated, uuidv7 } from '@custos/events';
import { collect, createTestDatabase, createTopic, TestDatabase, testKafka, uniqueName, waitFor } from '@custos/testing';
import { ConsumerOptions, EventConsumer } from './event-consumer';
import { createIdempotentProducer, ensureTopics } from './kafka';
import { headerString } from './kafka-codec';

function envelope(name: string): EventEnvelope {
  return {
    id: uuidv7(),
    type: ExperimentCreated.type,
    schemaVersion: 2,
    source: 'tracking',
    streamId: `experiment-${name}`,
    streamPosition: 0,
    occurredAt: new Date().toISOString(),
    data: { experimentId: name, name, artifactLocation: 'x', tags: [] },
    metadata: { correlationId: 'consumer-test', actor: { type: 'system', id: 'test' } },
  };
}

interface Harness {
  db: TestDatabase;
  kafka: Kafka;
  producer: Producer;
  consumer: EventConsumer;
  stop(): Promise<void>;
}

/** A consumer on its own topic and test database, started; `setup` prepares the database first. */
async function startConsumer(
  prefix: string,
  opts: Omit<ConsumerOptions, 'name' | 'groupId' | 'topics'>,
  setup?: (db: TestDatabase) => Promise<void>,
): Promise<Harness & { name: string; topic: string }> {
  const name = uniqueName(prefix);
  const topic = uniqueName(`${prefix}-topic`);
  const db = await createTestDatabase(prefix.replace(/-/g, ''));
  await setup?.(db);
  const kafka = testKafka();
  await ensureTopics(kafka, 1, [DEAD_LETTER_TOPIC]);
  await createTopic(kafka, topic, 1);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const consumer = new EventConsumer(kafka, db.dataSource, eventCatalog, producer, { name, groupId: name, topics: [topic], ...opts });
  await consumer.start();
  return {
    name,
    topic,
    db,
    kafka,
    producer,
    consumer,
    async stop() {
      await consumer.stop();
      await producer.disconnect();
      await db.drop();
    },
  };
}

describe('event consumer on real Kafka and PostgreSQL', () => {
  let h: Harness & { name: string; topic: string };
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let name: string;
  let topic: string;
  const handled: string[] = [];

  beforeAll(async () => {
    h = await startConsumer(
      'consumer',
      {
        maxAttempts: 3,
        retryBaseMs: 10,
        handle: async (e, tx) => {
          const n = (e.data as { name: string }).name;
          handled.push(n);
          if (n === 'poison') throw new Error('boom: cannot apply');
          await tx.query(`INSERT INTO effects (event_id, name) VALUES ($1, $2)`, [e.id, n]);
        },
      },
      (d) => d.dataSource.query(`CREATE TABLE effects (event_id uuid NOT NULL, name text NOT NULL)`),
    );
    ({ db, kafka, producer, name, topic } = h);
  });

  afterAll(() => h.stop());

  const effects = async () => (await db.dataSource.query(`SELECT name FROM effects ORDER BY name`)) as { name: string }[];
  const send = (...values: (string | EventEnvelope)[]) => producer.send({ topic, messages: values.map((v) => ({ key: 'k', value: typeof v === 'string' ? v : JSON.stringify(v) })) });

  it('applies a duplicated delivery once, in the same batch and redelivered later', async () => {
    const first = envelope('first');
    await send(first, first);
    await waitFor('first effect', async () => (await effects()).some((r) => r.name === 'first'));
    await send(first, envelope('second'));
    await waitFor('second effect', async () => (await effects()).some((r) => r.name === 'second'));
    expect((await effects()).map((r) => r.name)).toEqual(['first', 'second']);
    const [{ count }] = (await db.dataSource.query(`SELECT count(*)::int AS count FROM processed_events WHERE consumer = $1`, [name])) as { count: number }[];
    expect(count).toBe(2);
  });

  it('dead-letters poison messages with the reason and keeps the partition moving', async () => {
    await send('this is not json', envelope('poison'), JSON.stringify({ ...envelope('bad'), type: 'tracking.NoSuchEvent' }), envelope('after'));
    await waitFor('event after the poison', async () => (await effects()).some((r) => r.name === 'after'), 30_000);
    expect(handled.filter((n) => n === 'poison')).toHaveLength(3);

    const dlq = await collect(kafka, DEAD_LETTER_TOPIC, (m) => m.filter((x) => headerString(x.headers, 'custos-dlq-consumer') === name).length >= 3, 30_000);
    const mine = dlq.filter((m) => headerString(m.headers, 'custos-dlq-consumer') === name);
    const reasons = mine.map((m) => headerString(m.headers, 'custos-dlq-reason'));
    expect(reasons).toEqual(['invalid event: value is not JSON', 'handler failed after 3 attempts: boom: cannot apply', expect.stringContaining('unknown event type tracking.NoSuchEvent')]);
    expect(mine.map((m) => headerString(m.headers, 'custos-dlq-reason-class'))).toEqual(['undecodable', 'handler', 'invalid']);
    expect(mine.every((m) => headerString(m.headers, 'custos-dlq-original-topic') === topic)).toBe(true);
    expect((await effects()).map((r) => r.name)).toEqual(['after', 'first', 'second']);
  });
});

describe('offset commits', () => {
  const committed = async (kafka: Kafka, groupId: string, topic: string) => {
    const admin = kafka.admin();
    await admin.connect();
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    return Number(t.partitions[0].offset);
  };

  it('reach the end of an idle partition within the commit interval, and on stop', async () => {
    const h = await startConsumer('commits', { handle: async () => undefined });
    try {
      const send = (n: number) => h.producer.send({ topic: h.topic, messages: Array.from({ length: n }, (_, i) => ({ key: 'k', value: JSON.stringify(envelope(`c${i}`)) })) });
      await send(3);
      // No later batch arrives to carry the commit: the consumer commits on its own once the interval passes.
      await waitFor('offsets committed while idle', async () => (await committed(h.kafka, h.name, h.topic)) === 3, 10_000);
      await send(2);
      await waitFor('both applied', async () => {
        const [{ n }] = (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM processed_events`)) as { n: number }[];
        return n === 5;
      });
      await h.consumer.stop();
      expect(await committed(h.kafka, h.name, h.topic)).toBe(5);
    } finally {
      await h.stop();
    }
  });
});

describe('a consumer that names its event types', () => {
  let h: Harness & { name: string; topic: string };
  const handled: string[] = [];

  beforeAll(async () => {
    h = await startConsumer('typed-consumer', { eventTypes: [ExperimentCreated.type], handle: async (e) => void handled.push((e.data as { name: string }).name) });
  });

  afterAll(() => h.stop());

  it('skips other types unread (no decoding, no dead letter, no bookkeeping) and applies its own', async () => {
    const typed = (type: string, value: string) => ({ key: 'k', value, headers: { 'custos-event-type': type } });
    await h.producer.send({
      topic: h.topic,
      messages: [
        typed('tracking.RunDataLogged', 'not even json: a decoder would dead-letter this'),
        typed(ExperimentCreated.type, JSON.stringify(envelope('wanted-1'))),
        typed('tracking.RunDataLogged', 'also not json'),
        typed(ExperimentCreated.type, JSON.stringify(envelope('wanted-2'))),
      ],
    });
    await waitFor('both wanted events', async () => handled.includes('wanted-2'));
    expect(handled).toEqual(['wanted-1', 'wanted-2']);
    const [{ count }] = (await h.db.dataSource.query(`SELECT count(*)::int AS count FROM processed_events WHERE consumer = $1`, [h.name])) as { count: number }[];
    expect(count).toBe(2);
    const admin = h.kafka.admin();
    await admin.connect();
    try {
      await waitFor('all four offsets committed', async () => {
        const [{ partitions }] = await admin.fetchOffsets({ groupId: h.name, topics: [h.topic] });
        return partitions[0].offset === '4';
      });
    } finally {
      await admin.disconnect();
    }
  });
});

describe('a lingering consumer', () => {
  const LINGER_MS = 2000;
  let h: Harness & { name: string; topic: string };
  const batches: string[][] = [];
  const appliedAt = new Map<string, number>();

  beforeAll(async () => {
    h = await startConsumer('linger-consumer', {
      lingerMs: LINGER_MS,
      handle: async () => undefined,
      handleBatch: async (events) => {
        batches.push(events.map((e) => (e.data as { name: string }).name));
        for (const e of events) appliedAt.set((e.data as { name: string }).name, Date.now());
      },
    });
  });

  afterAll(() => h.stop());

  const send = (name: string) => h.producer.send({ topic: h.topic, messages: [{ key: 'k', value: JSON.stringify(envelope(name)) }] });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('gathers a stream of events into few batches, in order', async () => {
    for (let i = 0; i < 6; i++) {
      await send(`s${i}`);
      await sleep(100);
    }
    await waitFor('the whole stream', async () => appliedAt.has('s5'), 30_000);
    // Without the linger each event, 100 ms after the last, is a batch of its own.
    expect(batches.length).toBeLessThanOrEqual(3);
    expect(batches.flat()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
  });

  it('does not hold back events that follow a quiet spell', async () => {
    // The stream's last batch lingered too; quiet means nothing for a linger after that.
    await sleep(2 * LINGER_MS + 500);
    const before = batches.length;
    await send('q0');
    await waitFor('the first event after the quiet spell', async () => appliedAt.has('q0'));
    await sleep(300);
    const sent = Date.now();
    await send('q1');
    await waitFor('the second event', async () => appliedAt.has('q1'), 30_000);
    // q0 came after a quiet spell, so no linger followed it: q1 is applied as it arrives, well
    // before the linger would have ended.
    expect(appliedAt.get('q1')! - sent).toBeLessThan(LINGER_MS / 2);
    expect(batches.slice(before)).toEqual([['q0'], ['q1']]);
  });

  it('stops without sitting out a linger', async () => {
    await send('last-a');
    await send('last-b');
    await waitFor('the last events', async () => appliedAt.has('last-b'), 30_000);
    await waitFor('the linger after them', async () => h.consumer.isLingering());
    const started = Date.now();
    await h.consumer.stop();
    expect(Date.now() - started).toBeLessThan(LINGER_MS / 2);
  });
});

describe('a consumer whose handler fails transiently', () => {
  let h: Harness & { name: string; topic: string };
  let failuresLeft = 6;
  const applied: string[] = [];
  const deadLettered: string[] = [];
  let sawStall = false;

  beforeAll(async () => {
    h = await startConsumer('transient-consumer', {
      maxAttempts: 3,
      retryBaseMs: 10,
      transientRetryMaxMs: 200,
      handle: async (e) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          sawStall ||= h?.consumer.stalledSince() !== undefined;
          // What PostgreSQL answers a transaction that lost a serialization race.
          throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
        }
        applied.push((e.data as { name: string }).name);
      },
      onDeadLettered: (reason) => void deadLettered.push(reason),
    });
  });

  afterAll(() => h.stop());

  it('retries past maxAttempts without dead-lettering, reporting the stall until it clears', async () => {
    await h.producer.send({ topic: h.topic, messages: [{ key: 'k', value: JSON.stringify(envelope('retried')) }] });
    await waitFor('the event applied', async () => applied.includes('retried'), 30_000);
    expect(deadLettered).toEqual([]);
    expect(sawStall).toBe(true);
    expect(h.consumer.isHealthy()).toBe(true);
  });
});
