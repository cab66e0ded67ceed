import { randomUUID } from 'node:crypto';
import { Consumer, Kafka } from 'kafkajs';
import { ACCESS_ENFORCERS, AccessEnforcer, APPLIED_TOPIC, appliedReportSchema, enforcerKey, enforcersOf } from '@custos/events';
import { Log } from './kafka';
import { PropagationLedger } from './propagation-ledger';

/** `applied`: every enforcer reported; `pending`: the bound passed first (or nobody listens yet). */
export type PropagationOutcome = 'applied' | 'pending';

export interface AppliedWatchOptions {
  service: string;
  enforcers?: readonly AccessEnforcer[];
  log?: Log;
}

/**
 * A writer's side of decision 031: reads every enforcer's reports of applied events and lets a
 * write wait for the events it committed. Each replica reads the whole topic in a consumer group
 * of its own, from the end, and commits nothing: a report matters only to the replica whose
 * request waits for it, and only for a couple of seconds.
 */
export class AppliedWatch {
  private consumer?: Consumer;
  private joined = false;
  private readonly ledger = new PropagationLedger();
  private readonly enforcers: readonly AccessEnforcer[];

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: AppliedWatchOptions,
  ) {
    this.enforcers = opts.enforcers ?? ACCESS_ENFORCERS;
  }

  /** True once the watch reads the topic: a write before that cannot be confirmed. */
  isListening(): boolean {
    return this.joined;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `custos-${this.opts.service}-applied-${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // An idle watch's fetch returns this often, so the first one (see below) is not long in coming.
      maxWaitTimeInMs: 1_000,
    });
    // Joining the group is not enough: reading "from the end" resolves where the end is at the first
    // fetch, and a report sent before then would be skipped. Listening starts once a fetch completed.
    consumer.on(consumer.events.GROUP_JOIN, () => (this.joined = false));
    consumer.on(consumer.events.FETCH, () => (this.joined = true));
    consumer.on(consumer.events.DISCONNECT, () => (this.joined = false));
    consumer.on(consumer.events.CRASH, (e) => {
      this.joined = false;
      this.opts.log?.('error', 'applied watch crashed', { err: String(e.payload.error), restart: e.payload.restart });
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [APPLIED_TOPIC], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const parsed = appliedReportSchema.safeParse(safeJson(message.value?.toString('utf8')));
        // Another version or a stray message: ignored, its writers answer "pending" at worst.
        if (parsed.success) this.ledger.report(enforcerKey(parsed.data), parsed.data.eventIds);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    this.joined = false;
  }

  /**
   * Waits at most `waitMs` for every enforcer of each event to report it. Undefined when none of
   * the events is enforced anywhere (nothing to wait for, nothing to say).
   */
  async settle(events: readonly { id: string; type: string }[], waitMs: number): Promise<PropagationOutcome | undefined> {
    const awaited = events.map((e) => ({ id: e.id, enforcers: enforcersOf(e.type, this.enforcers).map(enforcerKey) })).filter((e) => e.enforcers.length > 0);
    if (awaited.length === 0) return undefined;
    if (!this.joined || waitMs <= 0) return 'pending';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), waitMs)));
    const all = Promise.all(awaited.map((e) => this.ledger.expect(e.id, e.enforcers))).then(() => 'applied' as const);
    const outcome = await Promise.race([all, timedOut]);
    clearTimeout(timer);
    if (outcome === 'pending') this.ledger.forget(awaited.map((e) => e.id));
    return outcome;
  }
}

function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
