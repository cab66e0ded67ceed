import { eventMetadata } from '@custos/platform';
import { runDecider, runStreamId } from '@custos/tracking-domain';
import { CommandExecutor } from '@custos/eventing';
import { waitFor } from '@custos/testing';
import { alice, createTrackingFixture, get, post, TrackingFixture } from '../testing/tracking-fixture';
import { BACKGROUND_DELAY_MS } from './run-metrics-catch-up';

type Json = Record<string, unknown>;

const count = async (t: TrackingFixture, sql: string, params: unknown[]) => ((await t.ds.query(sql, params)) as { n: number }[])[0].n;

describe('run metrics caught up after commit (decision 023)', () => {
  let t: TrackingFixture;
  let experimentId: string;
  beforeAll(async () => {
    t = await createTrackingFixture('metrics_catch_up');
    experimentId = await t.as(alice, () => t.experimentCommands.create('catch-up', undefined, []));
  });
  afterAll(() => t.db.drop());

  const createRun = async () => {
    const created = (await t.as(alice, () => t.runs.create(post({ experiment_id: experimentId })))) as { run: { info: { run_id: string } } };
    return created.run.info.run_id;
  };

  /** A committed log-batch whose catch-up never ran, as after a crash between commit and catch-up. */
  const commitWithoutCatchUp = (runId: string, metrics: { key: string; value: number; timestamp: number; step: number }[]) =>
    t.as(alice, () => new CommandExecutor(t.ds, t.store).execute(runDecider, runStreamId(runId), { type: 'LogRunData', runId, metrics, params: [], tags: [] }, eventMetadata(), t.projection.inline));

  const pending = (runId: string) => count(t, `SELECT count(*)::int AS n FROM run_metrics_pending WHERE run_id = $1`, [runId]);
  const historyRows = (runId: string) => count(t, `SELECT count(*)::int AS n FROM run_metric_batches WHERE run_id = $1`, [runId]);

  it('leaves a marker in the append transaction instead of the metric rows, and the background catch-up projects it', async () => {
    const runId = await createRun();
    await commitWithoutCatchUp(runId, [{ key: 'm', value: 1, timestamp: 1, step: 0 }]);
    expect(await pending(runId)).toBe(1);
    expect(await historyRows(runId)).toBe(0);

    await t.as(alice, () => t.runData.logBatch(post({ run_id: runId, metrics: [{ key: 'm', value: 2, timestamp: 2, step: 1 }] })));
    await t.catchUp.whenIdle();
    // The background catch-up took both batches: the one in memory and the one it read back.
    expect(await pending(runId)).toBe(0);
    expect(await historyRows(runId)).toBe(2);
    const [latest] = (await t.ds.query(`SELECT value, step FROM run_latest_metrics WHERE run_id = $1`, [runId])) as Json[];
    expect(latest).toEqual({ value: 2, step: '1' });
  });

  it('get_run, metric history and the bulk routes read their own writes while the batch is still pending', async () => {
    const runId = await createRun();
    await commitWithoutCatchUp(runId, [
      { key: 'loss', value: 0.5, timestamp: 10, step: 0 },
      { key: 'loss', value: 0.25, timestamp: 11, step: 1 },
    ]);
    const run = (await t.as(alice, () => t.runs.get(get({ run_id: runId })))) as { run: { data: { metrics: Json[] } } };
    expect(run.run.data.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 11, step: 1 }]);
    expect(await pending(runId)).toBe(0);

    await commitWithoutCatchUp(runId, [{ key: 'loss', value: 0.125, timestamp: 12, step: 2 }]);
    const history = (await t.as(alice, () => t.metrics.history(get({ run_id: runId, metric_key: 'loss' })))) as { metrics: Json[] };
    expect(history.metrics.map((m) => m.value)).toEqual([0.5, 0.25, 0.125]);

    await commitWithoutCatchUp(runId, [{ key: 'loss', value: 0.0625, timestamp: 13, step: 3 }]);
    const bulk = (await t.as(alice, () => t.metrics.bulk(get({ run_id: [runId], metric_key: 'loss' })))) as { metrics: Json[] };
    expect(bulk.metrics).toHaveLength(4);

    await commitWithoutCatchUp(runId, [{ key: 'loss', value: 0.03125, timestamp: 14, step: 4 }]);
    const sampled = (await t.as(alice, () => t.metrics.bulkInterval(get({ run_ids: [runId], metric_key: 'loss' })))) as { metrics: Json[] };
    expect(sampled.metrics.map((m) => m.step)).toEqual([0, 1, 2, 3, 4]);
  });

  it('search_runs filters and orders on metrics still pending', async () => {
    const low = await createRun();
    const high = await createRun();
    await commitWithoutCatchUp(low, [{ key: 'acc', value: 0.1, timestamp: 1, step: 0 }]);
    await commitWithoutCatchUp(high, [{ key: 'acc', value: 0.9, timestamp: 1, step: 0 }]);
    const found = (await t.as(alice, () => t.runs.search(post({ experiment_ids: [experimentId], filter: 'metrics.acc > 0.05', order_by: ['metrics.acc DESC'] })))) as {
      runs: { info: { run_id: string }; data: { metrics: Json[] } }[];
    };
    expect(found.runs.map((r) => r.info.run_id)).toEqual([high, low]);
    expect(found.runs[0].data.metrics).toEqual([{ key: 'acc', value: 0.9, timestamp: 1, step: 0 }]);
  });

  it('leaves the batches of a training loop to one background catch-up, started after a delay', async () => {
    const runId = await createRun();
    t.catchUp.delayMs = 60_000;
    try {
      for (let b = 0; b < 3; b++) {
        await t.as(alice, () => t.runData.logBatch(post({ run_id: runId, metrics: [{ key: 'm', value: b, timestamp: b, step: b }] })));
      }
      expect(await pending(runId)).toBe(3);
      await t.catchUp.whenIdle();
    } finally {
      t.catchUp.delayMs = BACKGROUND_DELAY_MS;
    }
    expect(await pending(runId)).toBe(0);
    expect(await historyRows(runId)).toBe(3);
  });

  it('projects each batch once when readers and the background race, in stream order', async () => {
    const runId = await createRun();
    // Equal (step, timestamp) points: NaN counts as 0, so the first logged (0, not NaN) must stay latest.
    await commitWithoutCatchUp(runId, [{ key: 'tie', value: 0, timestamp: 5, step: 1 }]);
    await commitWithoutCatchUp(runId, [{ key: 'tie', value: NaN, timestamp: 5, step: 1 }]);
    for (let i = 0; i < 8; i++) await commitWithoutCatchUp(runId, [{ key: 'm', value: i, timestamp: i, step: i }]);
    t.catchUp.schedule(runId, new Map());
    await Promise.all([t.catchUp.settleRuns([runId]), t.catchUp.settleRuns([runId]), t.catchUp.settleExperiments([experimentId]), t.as(alice, () => t.runs.get(get({ run_id: runId })))]);
    await t.catchUp.whenIdle();
    expect(await pending(runId)).toBe(0);
    expect(await historyRows(runId)).toBe(10);
    const rows = (await t.ds.query(`SELECT key, value, is_nan FROM run_latest_metrics WHERE run_id = $1 ORDER BY key`, [runId])) as Json[];
    expect(rows).toEqual([
      { key: 'm', value: 7, is_nan: false },
      { key: 'tie', value: 0, is_nan: false },
    ]);
  });

  it('retries a background catch-up that failed (its connection lost) until the markers are gone, with no reader', async () => {
    const runId = await createRun();
    await commitWithoutCatchUp(runId, [{ key: 'm', value: 1, timestamp: 1, step: 0 }]);
    // Hold the run's catch-up lock so the background catch-up waits on it, then cut its connection
    // as a database restart would.
    const holder = t.ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [0x6d657472, runId]);
      t.catchUp.schedule(runId, new Map());
      const blocked = await waitFor('the catch-up waiting on the lock', async () => {
        const rows = (await t.ds.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%' AND pid <> pg_backend_pid()`,
        )) as { pid: number }[];
        return rows[0]?.pid;
      });
      await t.ds.query(`SELECT pg_terminate_backend($1)`, [blocked]);
    } finally {
      await holder.commitTransaction();
      await holder.release();
    }
    // No read of the run: the background alone must finish it.
    await waitFor('the markers caught up in the background', async () => (await pending(runId)) === 0, 20_000, 100);
    expect(await historyRows(runId)).toBe(1);
  });

  it('catches up at start what a crash left pending', async () => {
    const runId = await createRun();
    await commitWithoutCatchUp(runId, [{ key: 'm', value: 3, timestamp: 1, step: 0 }]);
    expect(await pending(runId)).toBe(1);
    await t.catchUp.run();
    await t.catchUp.whenIdle();
    expect(await pending(runId)).toBe(0);
    expect(await historyRows(runId)).toBe(1);
  });
});
