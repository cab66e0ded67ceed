import { randomBytes } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';
import { createKafka } from '@custos/eventing';
import { infraEnv } from './infra-env';

export function testKafka(): Kafka {
  return createKafka(`custos-test-${randomBytes(3).toString('hex')}`, infraEnv().kafkaBrokers);
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now()}-${randomBytes(3).toString('hex')}`;
}

export async function createTopic(kafka: Kafka, topic: string, partitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // On a busy broker the leader wait can ask for metadata before the new partitions are hosted
    // ("This server does not host this topic-partition"); the topic exists then, so wait for it.
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] }).catch((e: unknown) => {
      if ((e as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw e;
    });
    await waitFor(`topic ${topic} to have leaders`, async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0]?.partitions.length === partitions && topics[0].partitions.every((p) => p.leader >= 0);
    });
  } finally {
    await admin.disconnect();
  }
}

/** Reads a topic from the beginning with a throwaway group until `done(messages)` or the deadline. */
export async function collect(kafka: Kafka, topic: string, done: (msgs: KafkaMessage[]) => boolean, timeoutMs = 20_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('collector') });
  const msgs: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out collecting from ${topic}; got ${msgs.length}`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          msgs.push(message);
          if (done(msgs)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return msgs;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
