import { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { eventCatalog, EventMetadata, ExperimentCreated } from '@custos/events';
import { collect, createTestDatabase, createTopic, TestDatabase, testKafka, uniqueName } from '@custos/testing';
import { EventStore, NO_STREAM } from './event-store';
import { OutboxRelay } from './outbox-relay';
import { createIdempotentProducer } from './kafka';
import { headerString, SOURCE_SEQ_HEADER } from './kafka-codec';
import { republishBySeq, SeqRangeError } from './outbox-sequence';

const meta: EventMetadata = { correlationId: 'seq-test', actor: { type: 'system', id: 'test' } };
const created = (name: string) => ({ type: ExperimentCreated.type, data: { experimentId: name, name, artifactLocation: `mlflow-artifacts:/${name}`, tags: [] } });

function numbered(msgs: KafkaMessage[]): { id: string; seq: number; header: number }[] {
  return msgs.map((m) => {
    const v = JSON.parse(m.value!.toString()) as { id: string; sourceSeq: number };
    return { id: v.id, seq: v.sourceSeq, header: Number(headerString(m.headers, SOURCE_SEQ_HEADER)) };
  });
}

describe('outbox relay sequence numbers on real PostgreSQL and Kafka', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  const store = new EventStore('tracking', eventCatalog);
  const append = (n: number) =>
    db.dataSource.transaction((tx) =>
      store.append(
        tx,
        uniqueName('experiment'),
        NO_STREAM,
        Array.from({ length: n }, (_, i) => created(`e${i}`)),
        meta,
      ),
    );

  beforeAll(async () => {
    db = await createTestDatabase('relay_seq');
    kafka = testKafka();
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await db.drop();
  });

  it('numbers events densely across rolled-back positions, gives the same numbers after a crash before the checkpoint, and continues after a restart', async () => {
    const topic = uniqueName('relay-seq');
    await createTopic(kafka, topic);
    await append(2);
    // A rolled-back transaction leaves a hole in the global positions, never in the numbers.
    await db.dataSource
      .transaction(async (tx) => {
        await store.append(tx, uniqueName('experiment'), NO_STREAM, [created('rolled-back')], meta);
        throw new Error('abort');
      })
      .catch(() => undefined);
    await append(2);

    // Kafka takes the events, then the relay dies before its checkpoint is written.
    const crashing = {
      send: async (...args: Parameters<Producer['send']>) => {
        await producer.send(...args);
        throw new Error('crash after the send');
      },
    } as unknown as Producer;
    const first = new OutboxRelay(db.dataSource, store, crashing, { name: topic, topic, databaseUrl: db.url, requestBytes: 1 });
    await expect(first.publishAvailable()).rejects.toThrow('crash after the send');

    // The restarted relay publishes from the checkpoint again: the same event, the same number.
    const second = new OutboxRelay(db.dataSource, store, producer, { name: topic, topic, databaseUrl: db.url, requestBytes: 1 });
    expect(await second.publishAvailable()).toBe(4);
    await append(1);
    const third = new OutboxRelay(db.dataSource, store, producer, { name: topic, topic, databaseUrl: db.url });
    expect(await third.publishAvailable()).toBe(1);

    const got = numbered(await collect(kafka, topic, (m) => m.length >= 6));
    expect(got.map((g) => g.seq)).toEqual([1, 1, 2, 3, 4, 5]);
    expect(got.every((g) => g.header === g.seq)).toBe(true);
    expect(got[0].id).toBe(got[1].id);
    expect(new Set(got.map((g) => g.id)).size).toBe(5);
    const [cp] = (await db.dataSource.query(`SELECT seq::int FROM outbox_checkpoints WHERE relay = $1`, [topic])) as { seq: number }[];
    expect(cp.seq).toBe(5);

    // republish finds each number's event again, whichever checkpoint step holds it.
    const again = uniqueName('relay-seq-again');
    await createTopic(kafka, again);
    expect(await republishBySeq(db.dataSource, store, producer, topic, again, { from: 2, to: 5 })).toBe(4);
    const replayed = numbered(await collect(kafka, again, (m) => m.length >= 4));
    const byId = new Map(got.map((g) => [g.id, g.seq]));
    expect(replayed.map((r) => r.seq)).toEqual([2, 3, 4, 5]);
    for (const r of replayed) expect(byId.get(r.id)).toBe(r.seq);

    await expect(republishBySeq(db.dataSource, store, producer, topic, again, { from: 5, to: 6 })).rejects.toBeInstanceOf(SeqRangeError);
    await expect(republishBySeq(db.dataSource, store, producer, topic, again, { from: 0, to: 1 })).rejects.toBeInstanceOf(SeqRangeError);
  });

  it('never moves the checkpoint back when a relay that lost the lead saves an older step', async () => {
    const topic = uniqueName('relay-stale');
    await createTopic(kafka, topic);
    const seqOf = async () => ((await db.dataSource.query(`SELECT seq::int FROM outbox_checkpoints WHERE relay = $1`, [topic])) as { seq: number }[])[0]?.seq;
    // The stale relay reads its checkpoint now and keeps it in memory; the new leader moves on.
    let sends = 0;
    let crashAt = Infinity;
    const crashing = {
      send: async (...args: Parameters<Producer['send']>) => {
        await producer.send(...args);
        if (++sends === crashAt) throw new Error('lost the lead');
      },
    } as unknown as Producer;
    const stale = new OutboxRelay(db.dataSource, store, crashing, { name: topic, topic, databaseUrl: db.url, requestBytes: 1 });
    const before = await stale.publishAvailable();
    await append(2);
    const leader = new OutboxRelay(db.dataSource, store, producer, { name: topic, topic, databaseUrl: db.url });
    expect(await leader.publishAvailable()).toBe(2);
    expect(await seqOf()).toBe(before + 2);
    // One event per request: the stale relay's first step ends below the leader's checkpoint, and
    // it stops before saving its second.
    crashAt = sends + 2;
    await expect(stale.publishAvailable()).rejects.toThrow('lost the lead');
    expect(await seqOf()).toBe(before + 2);
    const got = numbered(await collect(kafka, topic, (m) => m.length >= before + 4));
    const seqById = new Map<string, number>();
    for (const g of got) {
      expect(seqById.get(g.id) ?? g.seq).toBe(g.seq);
      seqById.set(g.id, g.seq);
    }
  });
});
