import { Kafka, logLevel, Producer, LogEntry } from 'kafkajs';
import { ALL_EVENT_TOPICS, DEAD_LETTER_TOPIC } from '@custos/events';
import { fixKafkaJsIdleTimer } from './kafkajs-idle-timer';
import { MAX_BATCH_BYTES } from './produce-requests';

export type Log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

// We key every message by stream id; the default (murmur2-compatible) partitioner is what we want.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export function createKafka(clientId: string, brokers: string[], log?: Log): Kafka {
  fixKafkaJsIdleTimer();
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 15000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log?.(level <= logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info', `kafkajs: ${message}`, rest);
      },
  });
}

/**
 * Idempotent producer: a retried send after a lost ack is written once, in order, per partition.
 * Idempotence implies acks=all, and every send also says so: a write is acknowledged only once
 * the topic's min.insync.replicas hold it.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

/** Set on the topics we create, so a cluster with Kafka's 1 MiB default still takes our largest events. */
export const TOPIC_MAX_MESSAGE_BYTES = { name: 'max.message.bytes', value: String(MAX_BATCH_BYTES) };

/** How many brokers hold each topic, and how many must hold a write before acks=all answers. */
export interface TopicDurability {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/** One broker: what a local stack has. A real cluster configures 3 and 2 (decision 028). */
export const SINGLE_BROKER: TopicDurability = { replicationFactor: 1, minInsyncReplicas: 1 };

/**
 * Topics are created explicitly at start with configured partition counts and durability; every
 * service ensures all event topics exist so that consumers can subscribe before the producing
 * service first starts. A topic that exists already keeps the settings it was made with.
 */
export async function ensureTopics(kafka: Kafka, partitions: number, topics: string[] = [...ALL_EVENT_TOPICS, DEAD_LETTER_TOPIC], durability: TopicDurability = SINGLE_BROKER): Promise<void> {
  if (durability.minInsyncReplicas > durability.replicationFactor) {
    throw new Error(`min.insync.replicas (${durability.minInsyncReplicas}) exceeds the replication factor (${durability.replicationFactor}): no write could ever be acknowledged`);
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin
        .createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: partitions,
            replicationFactor: durability.replicationFactor,
            configEntries: [TOPIC_MAX_MESSAGE_BYTES, { name: 'min.insync.replicas', value: String(durability.minInsyncReplicas) }],
          })),
        })
        .catch((e: unknown) => {
          // Another service may have created it between list and create.
          if (!String(e).includes('already exists')) throw e;
        });
    }
  } finally {
    await admin.disconnect();
  }
}
