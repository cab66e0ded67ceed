import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EventData, EventEnvelope, MetricSeries, RunDataLogged } from '@custos/events';
import { EventStore, Sql } from '@custos/eventing';
import { LOGGER, StartupTask } from '@custos/platform';
import { runStreamId } from '@custos/tracking-domain';
import { projectMetricBatches } from './run-metrics.projection';

/*
 * A run's metric read models (history and latest values) are projected just after the append's
 * transaction commits, not inside it: they were the largest share of a log-batch's time in
 * PostgreSQL, and the caller need not wait for them. What keeps read-your-writes is a marker row,
 * written in the append's transaction, for each event whose metrics are not projected yet. Every
 * reader of those tables first catches up the runs it reads (`settleRuns`, `settleExperiments`),
 * so a read that follows a write always sees it, on any replica, after a crash too. See
 * docs/decisions/023.
 */

/** Both sides take this lock (per run) so that a run's batches are projected once and in stream order. */
const LOCK_SPACE = 0x6d657472;
/** Background catch-ups running at once; the rest queue (a reader never queues: it catches up for itself). */
const BACKGROUND_CONCURRENCY = 2;
/**
 * A run's background catch-up starts this long after the first batch it takes, so that a training
 * loop's next batches share its transaction and statement: the round trips and the latest-value
 * updates are paid once for them all. Readers do not wait for it; they catch up for themselves.
 */
export const BACKGROUND_DELAY_MS = 500;
/**
 * A failed background catch-up (the database restarting) is tried again after this, doubling up
 * to the cap, until it succeeds: its markers must not wait for a reader that may never come.
 */
export const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 30_000;

/** The metric series an event carries, by stream position, for the events that carry any. */
export function metricBatches(events: readonly EventEnvelope[]): Map<number, readonly MetricSeries[]> {
  const out = new Map<number, readonly MetricSeries[]>();
  for (const e of events) {
    if (e.type !== RunDataLogged.type) continue;
    const d = e.data as EventData<typeof RunDataLogged>;
    if (d.metrics.length > 0) out.set(e.streamPosition, d.metrics);
  }
  return out;
}

@Injectable()
export class RunMetricsCatchUp implements StartupTask, BeforeApplicationShutdown {
  /** Runs waiting for a background catch-up, with the batches already in memory (the rest are read back). */
  private readonly queued = new Map<string, Map<number, readonly MetricSeries[]>>();
  private readonly running = new Map<string, Promise<void>>();
  /** Runs whose background catch-up waits out `delayMs`. */
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  /** Failed background catch-ups in a row, per run (sets the next retry's delay). */
  private readonly failures = new Map<string, number>();
  private stopping = false;
  delayMs = BACKGROUND_DELAY_MS;

  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** After a crash, markers left behind are caught up at start (readers would do it anyway). */
  async run(): Promise<void> {
    const rows = (await this.ds.query(`SELECT DISTINCT run_id FROM run_metrics_pending`)) as { run_id: string }[];
    for (const r of rows) this.schedule(r.run_id, new Map());
  }

  /** Finishes what is running while the database is still there; what is queued stays marked for the next start. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.queued.clear();
    await this.whenIdle();
  }

  /** Called once the append has committed: projects the run's new batches off the caller's path. */
  schedule(runId: string, batches: Map<number, readonly MetricSeries[]>): void {
    this.enqueue(runId, batches, this.delayMs);
  }

  private enqueue(runId: string, batches: Map<number, readonly MetricSeries[]>, delayMs: number): void {
    const known = this.queued.get(runId);
    if (known) for (const [position, metrics] of batches) known.set(position, metrics);
    else this.queued.set(runId, new Map(batches));
    if (this.delayed.has(runId)) return;
    const timer = setTimeout(() => {
      this.delayed.delete(runId);
      this.drain();
    }, delayMs);
    timer.unref();
    this.delayed.set(runId, timer);
  }

  /** Before reading runs' metrics: projects whatever of theirs is still pending. */
  async settleRuns(runIds: readonly string[]): Promise<void> {
    if (runIds.length === 0) return;
    const rows = (await this.ds.query(`SELECT DISTINCT run_id FROM run_metrics_pending WHERE run_id = ANY($1::text[])`, [runIds])) as { run_id: string }[];
    for (const r of rows) await this.settle(r.run_id, this.takeQueued(r.run_id));
  }

  /** Before a search over experiments: projects every pending batch of their runs. */
  async settleExperiments(experimentIds: readonly string[]): Promise<void> {
    const rows = (await this.ds.query(`SELECT DISTINCT p.run_id FROM run_metrics_pending p JOIN runs r ON r.run_id = p.run_id WHERE r.experiment_id = ANY($1::text[])`, [experimentIds])) as {
      run_id: string;
    }[];
    for (const r of rows) await this.settle(r.run_id, this.takeQueued(r.run_id));
  }

  /** Starts the delayed catch-ups now and resolves once none is queued or running. */
  async whenIdle(): Promise<void> {
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.drain();
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** A reader catching up a run takes over its waiting background catch-up, batches in memory included. */
  private takeQueued(runId: string): Map<number, readonly MetricSeries[]> {
    const known = this.queued.get(runId) ?? new Map<number, readonly MetricSeries[]>();
    this.queued.delete(runId);
    clearTimeout(this.delayed.get(runId));
    this.delayed.delete(runId);
    return known;
  }

  private drain(): void {
    for (const [runId, known] of this.queued) {
      if (this.running.size >= BACKGROUND_CONCURRENCY) return;
      if (this.running.has(runId) || this.delayed.has(runId)) continue;
      this.queued.delete(runId);
      const done = this.settle(runId, known)
        .then(
          () => void this.failures.delete(runId),
          (e: Error) => this.retryLater(runId, known, e),
        )
        .finally(() => {
          this.running.delete(runId);
          this.drain();
        });
      this.running.set(runId, done);
    }
  }

  /** The run goes back in the queue, batches in memory included, to be tried again after a backoff. */
  private retryLater(runId: string, known: Map<number, readonly MetricSeries[]>, e: Error): void {
    if (this.stopping) {
      this.logger.warn({ runId, err: e.message }, 'metric catch-up failed while stopping; the next start catches it up');
      return;
    }
    const failures = (this.failures.get(runId) ?? 0) + 1;
    this.failures.set(runId, failures);
    const retryInMs = Math.min(RETRY_FIRST_MS * 2 ** (failures - 1), RETRY_MAX_MS);
    this.logger.warn({ runId, err: e.message, failures, retryInMs }, 'metric catch-up failed; retrying in the background');
    this.enqueue(runId, known, retryInMs);
  }

  /**
   * Takes the run's markers and projects their batches in one transaction. Under the run's lock a
   * second catch-up finds the markers gone (or waits until they are), so no batch is projected twice.
   */
  private settle(runId: string, known: Map<number, readonly MetricSeries[]>): Promise<void> {
    return this.ds.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_SPACE, runId]);
      const taken = (await tx.query(`DELETE FROM run_metrics_pending WHERE run_id = $1 RETURNING stream_position`, [runId])) as [{ stream_position: string }[], number];
      const positions = taken[0].map((r) => Number(r.stream_position)).sort((a, b) => a - b);
      if (positions.length === 0) return;
      const batches = await this.batchesAt(tx, runId, positions, known);
      await projectMetricBatches(
        tx,
        runId,
        positions.map((position) => ({ position, metrics: batches.get(position) ?? [] })),
      );
    });
  }

  private async batchesAt(sql: Sql, runId: string, positions: number[], known: Map<number, readonly MetricSeries[]>) {
    if (positions.every((p) => known.has(p))) return known;
    return metricBatches(await this.store.readStream(sql, runStreamId(runId), positions[0] - 1));
  }
}
