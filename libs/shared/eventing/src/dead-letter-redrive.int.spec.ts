import { Kafka, Producer } from 'kafkajs';
import { DEAD_LETTER_TOPIC, eventCatalog, EventEnvelope, ExperimentCreated, uuidv7 } from '@custos/events';
import { createTestDatabase, createTopic, TestDatabase, testKafka, uniqueName, waitFor } from '@custos/testing';
import { redriveDeadLetters } from './dead-letter-redrive';
import { EventConsumer } from './event-consumer';
import { createIdempotentProducer, ensureTopics } from './kafka';

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
    metadata: { correlationId: 'redrive-test', actor: { type: 'system', id: 'test' } },
  };
}

describe('redriving dead letters after a fix', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: EventConsumer;
  let name: string;
  let topic: string;
  let broken = true;
  const deadLettered: string[] = [];

  beforeAll(async () => {
    name = uniqueName('redrive');
    topic = uniqueName('redrive-topic');
    db = await createTestDatabase('redrive');
    await db.dataSource.query(`CREATE TABLE effects (event_id uuid NOT NULL, name text NOT NULL)`);
    kafka = testKafka();
    await ensureTopics(kafka, 1, [DEAD_LETTER_TOPIC]);
    await createTopic(kafka, topic, 1);
    producer = createIdempotentProducer(kafka);
    await producer.connect();
    consumer = new EventConsumer(kafka, db.dataSource, eventCatalog, producer, {
      name,
      groupId: name,
      topics: [topic],
      maxAttempts: 2,
      retryBaseMs: 10,
      handle: async (e, tx) => {
        const n = (e.data as { name: string }).name;
        // A bug that refuses this event on a healthy system, until it is fixed.
        if (broken && n === 'needs-fix') throw new Error('handler bug: cannot apply');
        await tx.query(`INSERT INTO effects (event_id, name) VALUES ($1, $2)`, [e.id, n]);
      },
      onDeadLettered: (reason) => void deadLettered.push(reason),
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await db?.drop();
  });

  const effects = async () => (await db.dataSource.query(`SELECT name FROM effects ORDER BY name`)) as { name: string }[];
  const redrive = (dryRun = false) => redriveDeadLetters(kafka, producer, { consumers: [name], groupIdFor: (c) => `${c}-redrive`, dryRun });

  it('republishes the dead letter to its topic once fixed; the event is applied once, and a second run redrives nothing', async () => {
    await producer.send({
      topic,
      messages: [
        { key: 'k', value: JSON.stringify(envelope('needs-fix')) },
        { key: 'k', value: JSON.stringify(envelope('fine')) },
      ],
    });
    await waitFor('the dead letter', async () => deadLettered.length === 1 && (await effects()).length === 1, 30_000);
    expect(deadLettered).toEqual(['handler failed after 2 attempts: handler bug: cannot apply']);

    broken = false;
    expect(await redrive(true)).toEqual([{ consumer: name, redriven: 1, byTopic: { [topic]: 1 } }]);
    // A dry run neither publishes nor remembers.
    expect(await redrive()).toEqual([{ consumer: name, redriven: 1, byTopic: { [topic]: 1 } }]);
    await waitFor('the redriven event applied', async () => (await effects()).some((r) => r.name === 'needs-fix'), 30_000);

    expect(await redrive()).toEqual([{ consumer: name, redriven: 0, byTopic: {} }]);
    expect((await effects()).map((r) => r.name)).toEqual(['fine', 'needs-fix']);
    expect(deadLettered).toHaveLength(1);
  });
});
