import { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DEAD_LETTER_TOPIC } from '@custos/events';
import { headerString } from './kafka-codec';
import { Log } from './kafka';

export interface RedriveOptions {
  /** The consumers whose dead letters go back to their topics (a service's own). */
  consumers: readonly string[];
  /** The group that remembers how far a consumer's redrives have read the dead-letter topic. */
  groupIdFor: (consumer: string) => string;
  /** Count what would be redriven; publish nothing, commit nothing. */
  dryRun?: boolean;
  /** Give up on a consumer whose read of the dead-letter topic has not reached its end by then. */
  timeoutMs?: number;
  log?: Log;
}

export interface RedriveResult {
  consumer: string;
  /** Dead letters republished (or, on a dry run, that would be), by original topic. */
  byTopic: Record<string, number>;
  redriven: number;
}

/**
 * After a fix, sends each dead letter of the given consumers back to the topic it came from; the
 * consumer applies it then, and every other consumer of that topic skips it as a repeat
 * (processed_events). Each consumer's redrive reads the dead-letter topic as its own group and
 * commits how far it got once what it read is republished, so a second run redrives only what was
 * dead-lettered since. It reads up to the end the topic had when it began.
 */
export async function redriveDeadLetters(kafka: Kafka, producer: Producer, opts: RedriveOptions): Promise<RedriveResult[]> {
  const results: RedriveResult[] = [];
  for (const consumer of opts.consumers) results.push(await redriveOne(kafka, producer, consumer, opts));
  return results;
}

async function redriveOne(kafka: Kafka, producer: Producer, consumerName: string, opts: RedriveOptions): Promise<RedriveResult> {
  const groupId = opts.groupIdFor(consumerName);
  const result: RedriveResult = { consumer: consumerName, byTopic: {}, redriven: 0 };
  const remaining = await unreadRanges(kafka, groupId);
  if (remaining.size === 0) return result;

  const reader = kafka.consumer({ groupId, allowAutoTopicCreation: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await reader.connect();
  try {
    await reader.subscribe({ topics: [DEAD_LETTER_TOPIC], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redrive of ${consumerName} did not reach the end of ${DEAD_LETTER_TOPIC} in time`)), opts.timeoutMs ?? 120_000);
      const finishIfDone = () => {
        if (remaining.size > 0) return;
        clearTimeout(timer);
        resolve();
      };
      reader
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            const end = remaining.get(batch.partition);
            if (end === undefined) return;
            const mine = batch.messages.filter((m) => BigInt(m.offset) < end && headerString(m.headers, 'custos-dlq-consumer') === consumerName);
            const byTopic = groupByOriginalTopic(mine, opts.log);
            for (const [topic, messages] of byTopic) {
              result.byTopic[topic] = (result.byTopic[topic] ?? 0) + messages.length;
              result.redriven += messages.length;
            }
            if (!opts.dryRun && byTopic.size > 0) {
              await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
            }
            const last = batch.messages.filter((m) => BigInt(m.offset) < end).pop();
            if (last) {
              resolveOffset(last.offset);
              const next = BigInt(last.offset) + 1n;
              // Committed only once what was read is republished: a crash in between redrives again, which is harmless.
              if (!opts.dryRun) await reader.commitOffsets([{ topic: DEAD_LETTER_TOPIC, partition: batch.partition, offset: String(next) }]);
              if (next >= end) remaining.delete(batch.partition);
            }
            await heartbeat();
            finishIfDone();
          },
        })
        .catch(reject);
    });
  } finally {
    await reader.disconnect();
  }
  opts.log?.('info', opts.dryRun ? 'dead letters that a redrive would republish' : 'dead letters redriven', { ...result });
  return result;
}

/** Per partition of the dead-letter topic, the end (exclusive) this redrive reads to, where the group has not read that far. */
async function unreadRanges(kafka: Kafka, groupId: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(DEAD_LETTER_TOPIC);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [DEAD_LETTER_TOPIC] });
    const from = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
    const out = new Map<number, bigint>();
    for (const p of ends) {
      const start = (from.get(p.partition) ?? -1n) >= 0n ? (from.get(p.partition) as bigint) : BigInt(p.low);
      if (start < BigInt(p.high)) out.set(p.partition, BigInt(p.high));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** The dead letters as they were first published: original topic, key, value and headers (ours dropped). */
function groupByOriginalTopic(messages: KafkaMessage[], log?: Log): Map<string, { key: Buffer | null; value: Buffer | null; headers: IHeaders }[]> {
  const out = new Map<string, { key: Buffer | null; value: Buffer | null; headers: IHeaders }[]>();
  for (const m of messages) {
    const topic = headerString(m.headers, 'custos-dlq-original-topic');
    if (!topic) {
      log?.('warn', 'dead letter without its original topic; not redriven', { offset: m.offset });
      continue;
    }
    const headers: IHeaders = Object.fromEntries(Object.entries(m.headers ?? {}).filter(([k]) => !k.startsWith('custos-dlq-')));
    headers['custos-redriven-from'] = `${DEAD_LETTER_TOPIC}:${m.offset}`;
    const list = out.get(topic) ?? [];
    list.push({ key: m.key, value: m.value, headers });
    out.set(topic, list);
  }
  return out;
}
