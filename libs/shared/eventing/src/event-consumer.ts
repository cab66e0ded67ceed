import { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { DEAD_LETTER_TOPIC, EventEnvelope, EventSchemaRegistry, EventValidationError } from '@custos/events';
import { headerString } from './kafka-codec';
import { MAX_BATCH_BYTES } from './produce-requests';
import { isTransientFailure } from './transient-failure';

export type EventHandler = (event: EventEnvelope, tx: EntityManager) => Promise<void>;
/** Optional set-at-a-time form for handlers that gain from it (audit chains a whole batch at once). */
export type BatchEventHandler = (events: EventEnvelope[], tx: EntityManager) => Promise<void>;
/** Why a message was dead-lettered: it is not an event, it is not a valid one, or its handler refuses it. */
export type DeadLetterReasonClass = 'undecodable' | 'invalid' | 'handler';

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
  /** Attempts at an event whose failure is not transient (see transient-failure.ts) before it is dead-lettered. */
  maxAttempts?: number;
  retryBaseMs?: number;
  /** Backoff cap while a transient failure (database or broker away) is retried, without limit. */
  transientRetryMaxMs?: number;
  /** A member that dies without leaving holds its partitions (and delays a replacement's join) this long. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
  onProcessed?: (count: number) => void;
  onDeadLettered?: (reason: string, reasonClass: DeadLetterReasonClass) => void;
  /** After each transaction that applied events commits (never for dead-lettered ones); decision 031. */
  onApplied?: (applied: AppliedBatch) => void;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

class PoisonMessage extends Error {}

/** The retry backoff starts here for a transient failure, and is capped at transientRetryMaxMs. */
const TRANSIENT_RETRY_FIRST_MS = 100;
/** A stall is logged when it starts, then at most this often. */
const STALL_LOG_EVERY_MS = 30_000;

type Attempt = { ok: true } | { ok: false; error: unknown } | 'interrupted';

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
 *
 * Only a failure that would recur on a healthy system dead-letters. A transient one (database or
 * broker away, serialization failure: transient-failure.ts) holds the consumer on that message,
 * retried with capped backoff for as long as it takes while heartbeats keep the partition here;
 * `stalledSince()` reports it meanwhile (readiness, metrics).
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
  /** Retry waits, cut short by stop(). */
  private readonly sleeping = new Set<() => void>();
  /** Partitions ("topic/partition") a transient failure holds back, since when, and when last logged. */
  private readonly stalled = new Map<string, { since: number; loggedAt: number }>();
  private restartTimer?: NodeJS.Timeout;
  private restartDelayMs = 0;
  /** Messages behind each partition's high watermark, as of its last fetch. */
  private readonly lagByPartition = new Map<string, number>();

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

  /** Since when (epoch ms) a transient failure has held this consumer back; undefined while it moves. */
  stalledSince(): number | undefined {
    let since: number | undefined;
    for (const s of this.stalled.values()) since = Math.min(since ?? s.since, s.since);
    return since;
  }

  /** False while a transient failure holds the consumer back (it is retrying, not dropping). */
  isHealthy(): boolean {
    return this.stalled.size === 0;
  }

  /** Messages not yet applied, summed over partitions, as of each partition's last fetch. */
  lag(): number {
    let sum = 0;
    for (const n of this.lagByPartition.values()) sum += n;
    return sum;
  }

  /** True while a handled batch waits out its linger. */
  isLingering(): boolean {
    return this.lingering.size > 0;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.opts.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.opts.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: this.opts.heartbeatIntervalMs ?? 1_000,
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
      // kafkajs restarts after a crash it deems retriable only; after another (the group
      // coordinator not found while the broker restarts) it would stay down for good.
      if (!e.payload.restart) this.restartLater();
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

  private restartLater(): void {
    if (this.stopping || this.restartTimer) return;
    this.restartDelayMs = Math.min(Math.max(this.restartDelayMs * 2, 500), this.opts.transientRetryMaxMs ?? 5000);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.start().then(
        () => (this.restartDelayMs = 0),
        (e: unknown) => {
          this.opts.log?.('warn', 'consumer restart failed; retrying', { consumer: this.opts.name, err: String(e), retryInMs: this.restartDelayMs });
          void this.consumer?.disconnect().catch(() => undefined);
          this.restartLater();
        },
      );
    }, this.restartDelayMs).unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    await this.flushCommits();
    // kafkajs finishes the batch in hand (which commits, as we are stopping) before leaving. A
    // lingering batch is cut short only once the fetch loop is told to stop (synchronously, by
    // disconnect), or the loop would start one more fetch and leaving would wait out its long poll.
    const leaving = this.consumer?.disconnect();
    for (const wake of [...this.lingering, ...this.sleeping]) wake();
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

  /** A retry's wait; stop() ends it early. */
  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping.add(wake);
    });
  }

  private async flushCommits(): Promise<void> {
    const commit = this.pendingCommit;
    this.pendingCommit = undefined;
    // A failed commit (a rebalance, a broker away) only means those events are delivered again.
    await commit?.().catch((e: unknown) => this.opts.log?.('warn', 'offset commit failed; uncommitted events will be redelivered and skipped', { consumer: this.opts.name, err: String(e) }));
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale } = payload;
    const lagKey = `${batch.topic}/${batch.partition}`;
    this.lagByPartition.set(lagKey, Number(batch.highWatermark) - Number(batch.firstOffset() ?? batch.highWatermark));
    const messages = batch.messages.filter((m) => !this.unwanted(m));
    if (messages.length === 0) {
      for (const m of batch.messages) resolveOffset(m.offset);
      this.lagByPartition.set(lagKey, Number(batch.offsetLag()));
      await this.beat(payload);
      return;
    }
    const parsed: { message: KafkaMessage; event?: EventEnvelope; poison?: { reason: string; reasonClass: DeadLetterReasonClass } }[] = messages.map((message) => {
      try {
        return { message, event: this.decode(message) };
      } catch (e) {
        const reasonClass = e instanceof PoisonMessage ? 'undecodable' : 'invalid';
        return { message, poison: { reason: `invalid event: ${errorText(e)}`, reasonClass } };
      }
    });
    const clean = parsed.every((p) => p.event);
    if (clean && parsed.length > 1) {
      const events = parsed.map((p) => p.event as EventEnvelope);
      const outcome = await this.untilNotTransient(() => this.dataSource.transaction((tx) => this.applyAll(tx, events)), payload);
      if (outcome === 'interrupted') return;
      if (outcome.ok) {
        this.opts.onApplied?.({ topic: batch.topic, partition: batch.partition, events, lastOffset: parsed[parsed.length - 1].message.offset });
        for (const m of batch.messages) resolveOffset(m.offset);
        this.lagByPartition.set(lagKey, Number(batch.offsetLag()));
        this.opts.onProcessed?.(parsed.length);
        await this.beat(payload);
        return;
      }
      this.opts.log?.('warn', 'batch failed; retrying message by message', { consumer: this.opts.name, err: errorText(outcome.error) });
    }
    for (const p of parsed) {
      if (!isRunning() || isStale()) return;
      const done = p.poison
        ? await this.deadLetter(batch.topic, batch.partition, p.message, p.poison.reason, p.poison.reasonClass, 0, payload)
        : await this.applyWithRetries(batch.topic, batch.partition, p.message, p.event as EventEnvelope, payload);
      // Stopped or lost the partition meanwhile: what is unresolved is delivered again.
      if (!done) return;
      resolveOffset(p.message.offset);
      await this.beat(payload);
    }
    // Skipped messages after the last applied one.
    for (const m of batch.messages) resolveOffset(m.offset);
    this.lagByPartition.set(lagKey, Number(batch.offsetLag()));
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

  /**
   * Bounded attempts for a failure that would recur on a healthy system, then the dead-letter
   * topic; transient failures do not count (untilNotTransient waits them out). False if the
   * consumer stopped or lost the partition before the event was settled.
   */
  private async applyWithRetries(topic: string, partition: number, message: KafkaMessage, event: EventEnvelope, payload: EachBatchPayload): Promise<boolean> {
    for (let failures = 1; ; failures++) {
      const outcome = await this.untilNotTransient(() => this.dataSource.transaction((tx) => this.applyAll(tx, [event])), payload);
      if (outcome === 'interrupted') return false;
      if (outcome.ok) {
        this.opts.onApplied?.({ topic, partition, events: [event], lastOffset: message.offset });
        this.opts.onProcessed?.(1);
        return true;
      }
      const invalid = outcome.error instanceof EventValidationError;
      if (invalid || failures >= this.maxAttempts) {
        const reason = `handler failed after ${failures} attempts: ${errorText(outcome.error)}`;
        return this.deadLetter(topic, partition, message, reason, invalid ? 'invalid' : 'handler', failures, payload);
      }
      await this.pause(this.retryBaseMs * 2 ** (failures - 1));
      if (this.stopping) return false;
    }
  }

  /**
   * Runs `attempt` until it succeeds or fails for a reason that is not transient. A transient
   * failure is retried with capped backoff for as long as it takes, heartbeating so the group
   * leaves the partition here; 'interrupted' if the consumer stops or loses the partition first.
   */
  private async untilNotTransient(attempt: () => Promise<unknown>, payload: EachBatchPayload): Promise<Attempt> {
    const key = `${payload.batch.topic}/${payload.batch.partition}`;
    let delay = TRANSIENT_RETRY_FIRST_MS;
    try {
      for (;;) {
        try {
          await attempt();
          this.recovered(key);
          return { ok: true };
        } catch (e) {
          if (!isTransientFailure(e)) {
            this.recovered(key);
            return { ok: false, error: e };
          }
          this.stall(key, e, delay);
        }
        await this.pause(delay);
        delay = Math.min(delay * 2, this.opts.transientRetryMaxMs ?? 5000);
        if (this.stopping || !payload.isRunning() || payload.isStale()) break;
        await this.beat(payload);
        if (payload.isStale()) break;
      }
    } catch (e) {
      this.stalled.delete(key);
      throw e;
    }
    // The partition is no longer ours to hold back (or we stop): whoever takes it reports for it.
    this.stalled.delete(key);
    return 'interrupted';
  }

  private stall(key: string, e: unknown, retryInMs: number): void {
    const now = Date.now();
    const known = this.stalled.get(key);
    if (known && now - known.loggedAt < STALL_LOG_EVERY_MS) return;
    const since = known?.since ?? now;
    this.stalled.set(key, { since, loggedAt: now });
    this.opts.log?.('warn', 'transient failure; retrying until it clears (not dead-lettered)', {
      consumer: this.opts.name,
      partition: key,
      err: errorText(e),
      stalledForMs: now - since,
      retryInMs,
    });
  }

  private recovered(key: string): void {
    const known = this.stalled.get(key);
    if (!known) return;
    this.stalled.delete(key);
    this.opts.log?.('info', 'transient failure cleared; consumer moving again', { consumer: this.opts.name, partition: key, stalledForMs: Date.now() - known.since });
  }

  /**
   * A heartbeat that a broker outage does not turn into a failed batch (the retry goes on); a
   * rebalance is passed to kafkajs, which rejoins and redelivers what is unresolved.
   */
  private async beat({ heartbeat }: EachBatchPayload): Promise<void> {
    try {
      await heartbeat();
    } catch (e) {
      if (isRebalance(e)) throw e;
    }
  }

  private async applyAll(tx: EntityManager, events: EventEnvelope[]): Promise<void> {
    const fresh: string[] = (
      (await tx.query(`INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id`, [this.opts.name, events.map((e) => e.id)])) as {
        event_id: string;
      }[]
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

  /** False if the consumer stopped or lost the partition before the dead letter was sent. */
  private async deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string, reasonClass: DeadLetterReasonClass, attempts: number, payload: EachBatchPayload): Promise<boolean> {
    this.opts.log?.('warn', 'dead-lettering message', { consumer: this.opts.name, topic, partition, offset: message.offset, reason, reasonClass });
    const send = () =>
      this.deadLetters.send({
        topic: DEAD_LETTER_TOPIC,
        acks: -1,
        messages: [
          {
            key: message.key,
            value: message.value,
            headers: {
              ...message.headers,
              'custos-dlq-reason': reason.slice(0, 2000),
              'custos-dlq-reason-class': reasonClass,
              'custos-dlq-consumer': this.opts.name,
              'custos-dlq-original-topic': topic,
              'custos-dlq-original-partition': String(partition),
              'custos-dlq-original-offset': message.offset,
              'custos-dlq-attempts': String(attempts),
            },
          },
        ],
      });
    // The broker away is waited out; any other failed send propagates and the batch is
    // redelivered: a message is never dropped silently.
    const outcome = await this.untilNotTransient(send, payload);
    if (outcome === 'interrupted') return false;
    if (!outcome.ok) throw outcome.error;
    this.opts.onDeadLettered?.(reason, reasonClass);
    return true;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The group moved on (kafkajs' own test, which it does not export): kafkajs must rejoin. */
function isRebalance(e: unknown): boolean {
  const type = (e as { type?: unknown } | null)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID';
}
