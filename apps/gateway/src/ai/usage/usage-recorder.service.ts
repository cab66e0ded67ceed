import { BeforeApplicationShutdown, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { AiCallCompleted, EventData, EventMetadata } from '@custos/events';
import { EventStore, NO_STREAM } from '@custos/eventing';
import { LOGGER } from '@custos/platform';

/** One finished call's usage, with the envelope metadata it is recorded under. */
export interface UsageRecord {
  data: EventData<typeof AiCallCompleted>;
  metadata: EventMetadata;
}

/** How the group commit batches: flush after this many ms, or at once when this many wait. */
export interface GroupCommitSettings {
  flushMs: number;
  maxBatch: number;
  /** how long a stopping gateway waits for calls still under way to finish (and record) before the last drain */
  settleMs: number;
}

export const USAGE_GROUP_COMMIT = Symbol('USAGE_GROUP_COMMIT');

/**
 * Records one `gateway.AiCallCompleted` per call without a database round trip on the call's path
 * (decision 043): calls hand their record to a queue, and the queue is committed every few
 * milliseconds (or as soon as `maxBatch` wait) in one transaction into the gateway's event store,
 * the same outbox the IP-rule and denial events take to Kafka and audit. Each call is its own
 * stream (`ai-call-<correlation id>`, like a denial's `request-<id>`), so a batch is many small
 * appends that never conflict. A failed commit keeps the batch and tries again; shutdown waits for
 * the queue to drain, so a graceful stop loses none.
 */
@Injectable()
export class UsageRecorder implements OnModuleDestroy, BeforeApplicationShutdown {
  private queue: UsageRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly settings: GroupCommitSettings;
  private inFlight = 0;
  private settled: (() => void)[] = [];

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(USAGE_GROUP_COMMIT) settings: GroupCommitSettings,
  ) {
    this.settings = settings;
  }

  /**
   * Marks a call under way; the returned function marks it ended (after its record, if any). A
   * stopping gateway waits for these so a call that finishes during shutdown is recorded too.
   */
  track(): () => void {
    this.inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.inFlight === 0) for (const resolve of this.settled.splice(0)) resolve();
    };
  }

  record(r: UsageRecord): void {
    this.queue.push(r);
    if (this.queue.length >= this.settings.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.settings.flushMs);
  }

  /** Commits what is queued now (and whatever arrives meanwhile), one batch at a time. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.settings.maxBatch);
    this.flushing = this.commit(batch).finally(() => (this.flushing = undefined));
    await this.flushing;
    if (this.queue.length > 0) this.timer ??= setTimeout(() => void this.flush(), this.settings.flushMs);
  }

  private async commit(batch: UsageRecord[]): Promise<void> {
    try {
      await this.ds.transaction(async (tx) => {
        for (const r of batch) await this.store.append(tx, `ai-call-${r.metadata.correlationId}`, NO_STREAM, [{ type: AiCallCompleted.type, data: r.data }], r.metadata);
      });
    } catch (e) {
      // Back at the head of the queue, in order; the timer tries again. Usage is billing data: it is
      // kept while the database is away rather than dropped.
      this.queue.unshift(...batch);
      this.logger.error({ err: (e as Error).message, records: batch.length }, 'could not record AI usage; will retry');
      await new Promise((r) => setTimeout(r, this.settings.flushMs * 10));
    }
  }

  /**
   * Drained at module destroy, before the outbox relay stops, so the records reach Kafka in this
   * run; drained again once the calls under way have ended (before the database pool closes): those
   * are in the event store then, and the relay takes them at the next start.
   */
  async onModuleDestroy(): Promise<void> {
    await this.drain();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.callsSettled();
    await this.drain();
  }

  /** Calls under way at shutdown finish (within `settleMs`) before the last drain, while the database is still open. */
  private async callsSettled(): Promise<void> {
    if (this.inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((r) => this.settled.push(r)), new Promise<void>((r) => (timer = setTimeout(r, this.settings.settleMs)))]);
    clearTimeout(timer);
    if (this.inFlight > 0) this.logger.warn({ calls: this.inFlight }, 'AI calls still under way at shutdown: their usage records may be lost');
  }

  private async drain(): Promise<void> {
    for (let attempt = 0; this.queue.length > 0 && attempt < 50; attempt++) await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length > 0) this.logger.error({ records: this.queue.length }, 'AI usage records left unrecorded at shutdown');
  }
}
