import { Kafka, Producer } from 'kafkajs';
import { DEAD_LETTER_TOPIC, eventCatalog, EventEnvelope, ExperimentCreated, uuidv7 } from '@custos/events';
import { createTestDatabase, createTopic, restartInfra, TestDatabase, testKafka, uniqueName, waitFor } from '@custos/testing';
import { EventConsumer } from './event-consumer';
import { createIdempotentProducer, ensureTopics } from './kafka';

/**
 * A real restart of the shared test cluster's PostgreSQL, then of its Kafka, under a steady stream
 * of events: every event is applied exactly once and none is dead-lettered. Files run one at a
 * time (--runInBand) and each restart waits until the part is healthy again, so the files after
 * this one find the stack as they expect it.
 */
jest.setTimeout(180_000);

function envelope(i: number): EventEnvelope {
  return {
    id: uuidv7(),
    type: ExperimentCreated.type,
    schemaVersion: 2,
    source: 'tracking',
    streamId: `experiment-fault-${i}`,
    streamPosition: 0,
    occurredAt: new Date().toISOString(),
    data: { experimentId: `fault-${i}`, name: `fault-${i}`, artifactLocation: 'x', tags: [] },
    metadata: { correlationId: 'fault-test', actor: { type: 'system', id: 'test' } },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a consumer under steady load while its dependencies restart', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let deadLetters: Producer;
  let consumer: EventConsumer;
  let topic: string;
  const deadLettered: string[] = [];

  beforeAll(async () => {
    const name = uniqueName('faults');
    topic = uniqueName('faults-topic');
    db = await createTestDatabase('faults');
    // No key on purpose: a duplicate effect must show up in the count, not fail the insert.
    await db.dataSource.query(`CREATE TABLE effects (event_id uuid NOT NULL)`);
    kafka = testKafka();
    await ensureTopics(kafka, 1, [DEAD_LETTER_TOPIC]);
    await createTopic(kafka, topic, 3);
    producer = createIdempotentProducer(kafka);
    deadLetters = createIdempotentProducer(kafka);
    await Promise.all([producer.connect(), deadLetters.connect()]);
    consumer = new EventConsumer(kafka, db.dataSource, eventCatalog, deadLetters, {
      name,
      groupId: name,
      topics: [topic],
      // The audit consumer's shape: whole batches in one statement.
      handle: async () => undefined,
      handleBatch: async (events, tx) => {
        await tx.query(`INSERT INTO effects (event_id) SELECT unnest($1::uuid[])`, [events.map((e) => e.id)]);
      },
      onDeadLettered: (reason) => void deadLettered.push(reason),
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await Promise.all([producer?.disconnect(), deadLetters?.disconnect()]);
    await db?.drop();
  });

  /** Sends one event every few ms until `until` settles, each retried until the broker acknowledges it. */
  async function steadyLoad(until: Promise<void>): Promise<string[]> {
    const sent: string[] = [];
    let done = false;
    void until.finally(() => (done = true));
    // Some events before the fault, the fault's whole length, and some after it.
    for (let i = 0, after = 0; after < 20; i++) {
      const e = envelope(i);
      for (;;) {
        try {
          await producer.send({ topic, acks: -1, messages: [{ key: e.streamId, value: JSON.stringify(e) }] });
          break;
        } catch {
          await sleep(200);
        }
      }
      sent.push(e.id);
      if (done) after++;
      await sleep(15);
    }
    return sent;
  }

  async function expectEachAppliedOnce(sent: string[]): Promise<void> {
    const applied = async () => {
      const [{ n }] = (await db.dataSource.query(`SELECT count(DISTINCT event_id)::int AS n FROM effects WHERE event_id = ANY($1::uuid[])`, [sent])) as { n: number }[];
      return n;
    };
    // A dead letter ends the wait: that event is not coming.
    await waitFor('every sent event applied', async () => deadLettered.length > 0 || (await applied()) === sent.length, 60_000, 250);
    expect(deadLettered).toEqual([]);
    expect(await applied()).toBe(sent.length);
    const duplicates = (await db.dataSource.query(`SELECT event_id FROM effects GROUP BY event_id HAVING count(*) > 1`)) as unknown[];
    expect(duplicates).toEqual([]);
  }

  /** Samples the consumer's health while `during` runs: a stall must be reported, then cleared. */
  function watchStall(during: Promise<unknown>): Promise<boolean> {
    let seen = false;
    let over = false;
    void during.finally(() => (over = true));
    return (async () => {
      while (!over) {
        if (!consumer.isHealthy()) seen = true;
        await sleep(20);
      }
      return seen;
    })();
  }

  it('loses nothing and dead-letters nothing when PostgreSQL restarts', async () => {
    await sleep(500);
    // Down for longer than the old bounded retries (five attempts over 1.5 s) lasted.
    const restart = sleep(300).then(() => restartInfra('pg', { downMs: 3000 }));
    const [sent, stalled] = await Promise.all([steadyLoad(restart), watchStall(restart.then(() => sleep(3000)))]);
    await expectEachAppliedOnce(sent);
    // The fault did reach the consumer (it retried rather than dead-lettered), and it recovered.
    expect(stalled).toBe(true);
    await waitFor('the consumer healthy again', async () => consumer.isHealthy());
  });

  it('loses nothing and dead-letters nothing when Kafka restarts', async () => {
    const restart = sleep(300).then(() => restartInfra('kafka'));
    const sent = await steadyLoad(restart);
    await expectEachAppliedOnce(sent);
    await waitFor('the consumer healthy again', async () => consumer.isHealthy());
  });
});
