import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, Producer } from 'kafkajs';
import { ALL_EVENT_TOPICS, DEAD_LETTER_TOPIC, eventCatalog } from '@custos/events';
import { verifyChain } from '@custos/audit-domain';
import { connectEventTransport, createIdempotentProducer, ensureTopics, EventConsumer, EventTransport } from '@custos/eventing';
import { createTestDatabase, createTopic, restartInfra, TestDatabase, testKafka, uniqueName, waitFor } from '@custos/testing';
import { auditService } from '../app.module';
import { AuditLogHandler } from './audit-log.handler';
import { auditTestEvent, storedChain } from './audit-events.spec-helper';

/**
 * The fault that once cut events out of the audit log: PostgreSQL restarting under a steady
 * stream. The audit consumer must wait it out, never dead-letter, and end with every event in the
 * chain exactly once. A real restart of the shared test cluster (it is healthy again before the
 * next file runs).
 */
jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The audit handler as the service declares it, reached through the event transport. */
@Module({ controllers: [AuditLogHandler] })
class AuditHandlers {}

describe('the audit log through a PostgreSQL restart under load', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: EventConsumer | undefined;
  let app: INestApplication;
  let topic: string;
  const deadLettered: string[] = [];

  beforeAll(async () => {
    const name = uniqueName('audit-faults');
    topic = uniqueName('audit-faults-topic');
    db = await createTestDatabase('audit_faults', auditService.migrations);
    kafka = testKafka();
    await ensureTopics(kafka, 1, [DEAD_LETTER_TOPIC]);
    await createTopic(kafka, topic, 3);
    producer = createIdempotentProducer(kafka);
    await producer.connect();
    const transport = new EventTransport({
      consumers: [{ name: 'audit-log', topics: ALL_EVENT_TOPICS }],
      registry: eventCatalog,
      whenReady: () => Promise.resolve(),
      // The service's consumer, on this test's own topic.
      createConsumer: (_c, route) =>
        (consumer = new EventConsumer(kafka, db.dataSource, eventCatalog, producer, {
          name,
          groupId: name,
          topics: [topic],
          ...route,
          onDeadLettered: (reason) => void deadLettered.push(reason),
        })),
    });
    app = await NestFactory.create(AuditHandlers, { logger: false });
    await connectEventTransport(app, transport);
    await waitFor('the consumer joined', async () => consumer?.isConnected(), 30_000);
  });

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    await db?.drop();
  });

  it('records every event once, in a chain that verifies, and dead-letters none', async () => {
    const sent: string[] = [];
    let restarted = false;
    // Down for 3 s: longer than the bounded retries that used to dead-letter (five over 1.5 s).
    const restart = sleep(500)
      .then(() => restartInfra('pg', { downMs: 3000 }))
      .finally(() => (restarted = true));
    for (let after = 0; after < 20;) {
      const e = auditTestEvent();
      await producer.send({ topic, acks: -1, messages: [{ key: e.streamId, value: JSON.stringify(e) }] });
      sent.push(e.id);
      if (restarted) after++;
      await sleep(15);
    }
    await restart;
    await waitFor('every event in the chain', async () => deadLettered.length > 0 || (await storedChain(db.dataSource)).length >= sent.length, 60_000, 250);
    expect(deadLettered).toEqual([]);
    const chain = await storedChain(db.dataSource);
    expect(chain.map((l) => l.eventId).sort()).toEqual([...sent].sort());
    expect(verifyChain(chain)).toMatchObject({ ok: true, checked: sent.length });
  });
});
