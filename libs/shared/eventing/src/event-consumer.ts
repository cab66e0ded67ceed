import { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { DEAD_LETTER_TOPIC, EventEnvelope, EventSchemaRegistry, EventValidationError } from '@custos/events';
import { headerString } from './kafka-codec';
import { MAX_BATCH_BYTES } from './produce-requests';

export type EventHandler = (event: EventEnvelope, tx: EntityManager) => Promise<void>;
/** Optional set-at-a-time form for handlers that gain from it (audit chains a whole batch at once). */
export type BatchEventHandler = (events: EventEnvelope[], tx: EntityManager) => Promise<void>;

/** Events whose effects have committed (repeats included: they were applied before). */
export interface AppliedBatch {
  topic: string;
  partition: number;
  events: EventEnvelope[];
  /** The highest offset among them. */
  lastOffset: string;
}

export interface ConsumerOptions {
  /** Names the consumer in `processed_events`; one service may run several. */
  name: string;
  groupId: string;
  topics: string[];
  handle: EventHandler;
  handleBatch?: BatchEventHandler;
  /** When set, messages of other types (by their type header) are skipped without being decoded. */
  eventTypes?: readonly string[];
  /**
   * While events stream in (a batch arrives within this many ms of the previous one's end), wait
   * this long after each batch so the next fetch takes what arrived meanwhile as one batch. An
   * event after a quiet spell is applied at once. 0 (the default) never waits.
   */
  lingerMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
  onProcessed?: (count: number) => void;
  onDeadLettered?: (reason: string) => void;
  /** After each transaction that applied events commits (never for dead-lettered ones); decision 031. */
  onApplied?: (applied: AppliedBatch) => void;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

class PoisonMessage extends Error {}

/**
 * Offsets are committed at most this often, and once more on stop. A commit after every batch
 * cost Kafka more CPU than the event itself (an append to __consumer_offsets per event per group);
 * what a crash leaves uncommitted is redelivered and skipped (processed_events).
 */
export const COMMIT_INTERVAL_MS = 1000;

/**
 * At-least-once delivery, exactly-once effect: the handler's writes and the processed-event id
 * commit in one transaction, so a redelivered event is recognised and skipped. A batch is applied
 * in one transaction for throughput; if it fails, its messages are retried one by one so that a
 * single poison message goes to the dead-letter topic (with the reason) and the partition moves on.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private connected = false;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly wanted?: ReadonlySet<string>;
  private stopping = false;
  private commitTimer?: NodeJS.Timeout;
  private pendingCommit?: () => Promise<void>;
  private lastBatchEnd = 0;
  /** Fetch rounds so far, and the last one that lingered: a round lingers once, however many batches it brought. */
  private fetchRound = 0;
  private lingeredRound = -1;
  private readonly lingering = new Set<() => void>();

  constructor(
    private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly registry: EventSchemaRegistry,
    private readonly deadLetters: Producer,
    private readonly opts: ConsumerOptions,
  ) {
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.retryBaseMs = opts.retryBaseMs ?? 100;
    if (opts.eventTypes) this.wanted = new Set(opts.eventTypes);
  }

  /** A message the handler would ignore: no effect, so no decoding and no bookkeeping. A message without a type header is decoded (and judged) as usual. */
  private unwanted(message: KafkaMessage): boolean {
    if (!this.wanted) return false;
    const type = headerString(message.headers, 'custos-event-type');
    return type !== undefined && !this.wanted.has(type);
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** True while a handled batch waits out its linger. */
  isLingering(): boolean {
    return this.lingering.size > 0;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // Room for the largest event a topic accepts: a smaller per-partition limit can leave a consumer
      // unable to fetch past a large event.
      maxBytesPerPartition: MAX_BATCH_BYTES,
      maxBytes: MAX_BATCH_BYTES,
    });
    consumer.on(consumer.events.GROUP_JOIN, () => (this.connected = true));
    consumer.on(consumer.events.DISCONNECT, () => (this.connected = false));
    consumer.on(consumer.events.FETCH, () => void this.fetchRound++);
    consumer.on(consumer.events.CRASH, (e) => {
      this.connected = false;
      this.opts.log?.('error', 'consumer crashed', { consumer: this.opts.name, err: String(e.payload.error), restart: e.payload.restart });
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.opts.topics, fromBeginning: this.opts.fromBeginning ?? true });
    this.stopping = false;
    await consumer.run({
      autoCommit: false,
      autoCommitInterval: COMMIT_INTERVAL_MS,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 3,
      eachBatch: async (payload) => {
        const arrived = Date.now();
        await this.onBatch(payload);
        await this.commitSoon(payload);
        await this.linger(arrived);
      },
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    await this.flushCommits();
    // kafkajs finishes the batch in hand (which commits, as we are stopping) before leaving. A
    // lingering batch is cut short only once the fetch loop is told to stop (synchronously, by
    // disconnect), or the loop would start one more fetch and leaving would wait out its long poll.
    const leaving = this.consumer?.disconnect();
    for (const wake of this.lingering) wake();
    await leaving;
    this.connected = false;
  }

  /** Commits when the interval has passed; otherwise within it, so an idle consumer's lag reaches 0. */
  private async commitSoon({ commitOffsetsIfNecessary, uncommittedOffsets }: EachBatchPayload): Promise<void> {
    this.pendingCommit = async () => {
      const offsets = uncommittedOffsets();
      if (offsets.topics.length > 0) await commitOffsetsIfNecessary(offsets);
    };
    if (this.stopping) return this.flushCommits();
    await commitOffsetsIfNecessary();
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      void this.flushCommits();
    }, COMMIT_INTERVAL_MS).unref();
  }

  /**
   * Each batch costs a fetch and a transaction whatever its size; under a steady stream (a training
   * loop's log-batches) waiting lets several events share them. kafkajs fetches again only once
   * the batches in hand are handled, so the wait holds the next fetch back. One batch per fetch
   * round waits: a round brings a batch per partition, handled a few at a time, and a wait per
   * group of them would add up.
   */
  private async linger(arrived: number): Promise<void> {
    const ms = this.opts.lingerMs ?? 0;
    if (ms > 0 && !this.stopping && arrived - this.lastBatchEnd < ms && this.lingeredRound !== this.fetchRound) {
      this.lingeredRound = this.fetchRound;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.lingering.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        this.lingering.add(wake);
      });
    }
    this.lastBatchEnd = Date.now();
  }

  private async flushCommits(): Promise<void> {
    const commit = this.pendingCommit;
    this.pendingCommit = undefined;
    // A failed commit (a rebalance, a broker away) only means those events are delivered again.
    await commit?.().catch((e: unknown) => this.opts.log?.('warn', 'offset commit failed; uncommitted events will be redelivered and skipped', { consumer: this.opts.name, err: String(e) }));
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const messages = batch.messages.filter((m) => !this.unwanted(m));
    if (messages.length === 0) {
      for (const m of batch.messages) resolveOffset(m.offset);
      await heartbeat();
      return;
    }
    const parsed: { message: KafkaMessage; event?: EventEnvelope; poison?: string }[] = messages.map((message) => {
      try {
        return { message, event: this.decode(message) };
      } catch (e) {
        return { message, poison: e instanceof Error ? e.message : String(e) };
      }
    });
    const clean = parsed.every((p) => p.event);
    if (clean && parsed.length > 1) {
      try {
        const events = parsed.map((p) => p.event as EventEnvelope);
        await this.dataSource.transaction((tx) => this.applyAll(tx, events));
        this.opts.onApplied?.({ topic: batch.topic, partition: batch.partition, events, lastOffset: parsed[parsed.length - 1].message.offset });
        for (const m of batch.messages) resolveOffset(m.offset);
        this.opts.onProcessed?.(parsed.length);
        await heartbeat();
        return;
      } catch (e) {
        this.opts.log?.('warn', 'batch failed; retrying message by message', { consumer: this.opts.name, err: String(e) });
      }
    }
    for (const p of parsed) {
      if (!isRunning() || isStale()) return;
      if (p.poison) {
        await this.deadLetter(batch.topic, batch.partition, p.message, `invalid event: ${p.poison}`, 0);
      } else {
        await this.applyWithRetries(batch.topic, batch.partition, p.message, p.event as EventEnvelope);
      }
      resolveOffset(p.message.offset);
      await heartbeat();
    }
    // Skipped messages after the last applied one.
    for (const m of batch.messages) resolveOffset(m.offset);
  }

  private decode(message: KafkaMessage): EventEnvelope {
    if (!message.value) throw new PoisonMessage('empty message');
    let raw: unknown;
    try {
      raw = JSON.parse(message.value.toString('utf8'));
    } catch {
      throw new PoisonMessage('value is not JSON');
    }
    return this.registry.parse(raw);
  }

  private async applyWithRetries(topic: string, partition: number, message: KafkaMessage, event: EventEnvelope): Promise<void> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        await this.dataSource.transaction((tx) => this.applyAll(tx, [event]));
        this.opts.onApplied?.({ topic, partition, events: [event], lastOffset: message.offset });
        this.opts.onProcessed?.(1);
        return;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        if (e instanceof EventValidationError) break;
        if (attempt < this.maxAttempts) await sleep(this.retryBaseMs * 2 ** (attempt - 1));
      }
    }
    await this.deadLetter(topic, partition, message, `handler failed after ${this.maxAttempts} attempts: ${lastError}`, this.maxAttempts);
  }

  private async applyAll(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
    const fresh: string[] = (
      (await tx.query(
        `INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`,
        [this.opts.name, events.map((e) => e.id)],
      )) as { event_id: string }[]
    ).map((r) => r.event_id);
    const todo = new Set(fresh);
    // A duplicate inside one batch is skipped too: only its first occurrence was fresh.
    const effective = events.filter((e) => todo.delete(e.id));
    if (this.opts.handleBatch) {
      if (effective.length > 0) await this.opts.handleBatch(effective, tx);
      return;
    }
    for (const e of effective) await this.opts.handle(e, tx);
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string, attempts: number): Promise<void> {
    this.opts.log?.('warn', 'dead-lettering message', { consumer: this.opts.name, topic, partition, offset: message.offset, reason });
    // If this send fails, the error propagates and the batch is redelivered: never silently dropped.
    await this.deadLetters.send({
      topic: DEAD_LETTER_TOPIC,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'custos-dlq-reason': reason.slice(0, 2000),
            'custos-dlq-consumer': this.opts.name,
            'custos-dlq-original-topic': topic,
            'custos-dlq-original-partition': String(partition),
            'custos-dlq-original-offset': message.offset,
            'custos-dlq-attempts': String(attempts),
          },
        },
      ],
    });
    this.opts.onDeadLettered?.(reason);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
