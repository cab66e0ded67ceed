import { Controller, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Kafka, Producer } from 'kafkajs';
import { EntityManager } from 'typeorm';
import { DEAD_LETTER_TOPIC, eventCatalog, EventEnvelope, ExperimentCreated, ExperimentRenamed, topicFor, uuidv7 } from '@custos/events';
import { collect, createTestDatabase, createTopic, TestDatabase, testKafka, uniqueName, waitFor } from '@custos/testing';
import { EventConsumer } from './event-consumer';
import { ALL_EVENTS, consumedBy, EventRoutingError } from './event-routes';
import { connectEventTransport, EventTransport } from './event-transport';
import { createIdempotentProducer, ensureTopics } from './kafka';
import { headerString } from './kafka-codec';

function experimentCreated(name: string): EventEnvelope {
  return {
    id: uuidv7(),
    type: ExperimentCreated.type,
    schemaVersion: 2,
    source: 'tracking',
    streamId: `experiment-${name}`,
    streamPosition: 0,
    occurredAt: new Date().toISOString(),
    data: { experimentId: name, name, artifactLocation: 'x', tags: [] },
    metadata: { correlationId: 'transport-test', actor: { type: 'system', id: 'test' } },
  };
}

const seen: string[] = [];
const batches: string[][] = [];

/** Handlers as a service declares them: on a controller, by event type and consumer. */
@Controller()
class ExperimentHandlers {
  @EventPattern(ExperimentCreated.type, consumedBy('experiments'))
  async created(@Payload() event: EventEnvelope, @Ctx() tx: EntityManager): Promise<void> {
    const { name } = event.data as { name: string };
    seen.push(name);
    if (name.startsWith('refused')) throw new Error(`cannot apply ${name}`);
    await tx.query(`INSERT INTO effects (event_id, name) VALUES ($1, $2)`, [event.id, name]);
  }

  @EventPattern(ALL_EVENTS, consumedBy('everything', { batch: true }))
  async everything(@Payload() events: EventEnvelope[]): Promise<void> {
    batches.push(events.map((e) => e.type));
  }
}

@Module({ controllers: [ExperimentHandlers] })
class HandlersModule {}

@Controller()
class MisspelledHandler {
  @EventPattern('tracking.ExperimentCraeted', consumedBy('experiments'))
  async created(): Promise<void> {}
}

@Module({ controllers: [MisspelledHandler] })
class MisspelledModule {}

describe('event transport: @EventPattern handlers on the consumer base (real Kafka and PostgreSQL)', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let app: INestApplication;
  let topic: string;
  const names = { experiments: uniqueName('transport-exp'), everything: uniqueName('transport-all') };

  beforeAll(async () => {
    db = await createTestDatabase('transport');
    await db.dataSource.query(`CREATE TABLE effects (event_id uuid NOT NULL, name text NOT NULL)`);
    kafka = testKafka();
    await ensureTopics(kafka, 1, [DEAD_LETTER_TOPIC]);
    topic = uniqueName('transport-topic');
    await createTopic(kafka, topic, 1);
    producer = createIdempotentProducer(kafka);
    await producer.connect();
    const transport = new EventTransport({
      // Declared as a service would; the machinery reads this test's own topic instead.
      consumers: [
        { name: 'experiments', topics: [topicFor('tracking')] },
        { name: 'everything', topics: [topicFor('tracking')] },
      ],
      registry: eventCatalog,
      whenReady: () => Promise.resolve(),
      createConsumer: (c, route) => {
        const name = names[c.name as keyof typeof names];
        return new EventConsumer(kafka, db.dataSource, eventCatalog, producer, { name, groupId: name, topics: [topic], maxAttempts: 2, retryBaseMs: 10, ...route });
      },
    });
    app = await NestFactory.create(HandlersModule, { logger: false });
    await connectEventTransport(app, transport);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await producer.disconnect();
    await db.drop();
  });

  const send = (...events: EventEnvelope[]) => producer.send({ topic, messages: events.map((e) => ({ key: e.streamId, value: JSON.stringify(e), headers: { 'custos-event-type': e.type } })) });
  const effects = async () => ((await db.dataSource.query(`SELECT name FROM effects ORDER BY name`)) as { name: string }[]).map((r) => r.name);

  it('delivers an event to the handler its @EventPattern names, once, inside the exactly-once transaction', async () => {
    const first = experimentCreated('first');
    await send(first, first);
    await waitFor('first applied', async () => (await effects()).includes('first'), 30_000);
    await send(first);
    const later = experimentCreated('later');
    await send(later);
    await waitFor('later applied', async () => (await effects()).includes('later'), 30_000);
    expect(await effects()).toEqual(['first', 'later']);
    expect(seen.filter((n) => n === 'first')).toHaveLength(1);
  });

  it('skips unread a type no handler of the consumer names; a batch handler for ALL_EVENTS gets it', async () => {
    const renamed: EventEnvelope = { ...experimentCreated('renamed'), type: ExperimentRenamed.type, schemaVersion: 1, data: { experimentId: 'renamed', name: 'renamed' } };
    await send(renamed, experimentCreated('after-run'));
    await waitFor('after-run applied', async () => (await effects()).includes('after-run'), 30_000);
    expect(seen).not.toContain('renamed');
    await waitFor('batch handler saw the run', async () => batches.flat().includes(ExperimentRenamed.type), 30_000);
  });

  it("dead-letters a handler's refusal with the handler's own error, not Nest's generic one", async () => {
    await send(experimentCreated('refused-1'), experimentCreated('after-refusal'));
    await waitFor('event after the refusal applied', async () => (await effects()).includes('after-refusal'), 30_000);
    const dlq = await collect(kafka, DEAD_LETTER_TOPIC, (m) => m.some((x) => headerString(x.headers, 'custos-dlq-consumer') === names.experiments), 30_000);
    const mine = dlq.filter((m) => headerString(m.headers, 'custos-dlq-consumer') === names.experiments);
    expect(mine.map((m) => headerString(m.headers, 'custos-dlq-reason'))).toEqual(['handler failed after 2 attempts: cannot apply refused-1']);
    // Once in the failed batch, then twice on its own.
    expect(seen.filter((n) => n === 'refused-1')).toHaveLength(3);
  });

  it('refuses to start when a pattern names no event type in the catalog (it would never be called)', async () => {
    const other = await NestFactory.create(MisspelledModule, { logger: false });
    const transport = new EventTransport({
      consumers: [{ name: 'experiments', topics: [topicFor('tracking')] }],
      registry: eventCatalog,
      whenReady: () => new Promise(() => undefined),
      createConsumer: () => {
        throw new Error('not reached');
      },
    });
    try {
      const started = connectEventTransport(other, transport);
      await expect(started).rejects.toThrow(EventRoutingError);
      await expect(started).rejects.toThrow(`@EventPattern("tracking.ExperimentCraeted") names no event type in the catalog`);
    } finally {
      await other.close();
    }
  });
});
