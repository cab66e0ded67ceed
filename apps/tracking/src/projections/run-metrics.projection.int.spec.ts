import { MetricSeries } from '@custos/events';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { TrackingReadModels1732000000400 } from '../migrations/1732000000400-tracking-read-models';
import { MetricHistoryBatches1732000000800 } from '../migrations/1732000000800-metric-history-batches';
import { LatestMetricsHotUpdates1732000000900 } from '../migrations/1732000000900-latest-metrics-hot-updates';
import { projectMetricBatches, projectMetrics } from './run-metrics.projection';

const KEYS = Array.from({ length: 100 }, (_, k) => `m${k}`);

/** Batch `b` of the bench's shape: 100 keys, 10 steps each, every step past the previous batch's. */
function batch(b: number): MetricSeries[] {
  return KEYS.map((key, k) => ({
    key,
    steps: Array.from({ length: 10 }, (_, i) => b * 10 + i),
    timestamps: Array(10).fill(1_000 + b),
    values: Array.from({ length: 10 }, (_, i) => b * 100 + k + i / 10),
  }));
}

describe('latest-value rows of a run update in place', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('latest_metrics_hot', [TrackingReadModels1732000000400, MetricHistoryBatches1732000000800, LatestMetricsHotUpdates1732000000900]);
  });
  afterAll(() => db.drop());

  it('rewrites every key of a batch as a heap-only update and keeps the latest point', async () => {
    // The first batches insert the rows and fill the pages' free space with new versions, which
    // later batches' updates prune (the earlier versions being dead by then) and reuse.
    for (let b = 0; b < 4; b++) await db.dataSource.transaction((tx) => projectMetrics(tx, 'r1', b + 1, batch(b)));
    // The backend's own statistics, read before and after in one transaction, count what the
    // projection's statement did without waiting for them to reach the shared statistics.
    const counts = await db.dataSource.transaction(async (tx) => {
      const read = async () =>
        (
          (await tx.query(`SELECT n_tup_upd::int AS updated, n_tup_hot_upd::int AS hot FROM pg_stat_xact_user_tables WHERE relname = 'run_latest_metrics'`)) as {
            updated: number;
            hot: number;
          }[]
        )[0];
      const before = await read();
      await projectMetrics(tx, 'r1', 5, batch(4));
      const after = await read();
      return { updated: after.updated - before.updated, hot: after.hot - before.hot };
    });
    expect(counts).toEqual({ updated: 100, hot: 100 });
    const latest = (await db.dataSource.query(`SELECT key, step::int, value FROM run_latest_metrics WHERE run_id = 'r1' AND key IN ('m0', 'm99') ORDER BY key`)) as unknown[];
    expect(latest).toEqual([
      { key: 'm0', step: 49, value: 400.9 },
      { key: 'm99', step: 49, value: 499.9 },
    ]);
  });

  it('leaves no index on the value column', async () => {
    const indexes = (await db.dataSource.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'run_latest_metrics'`)) as { indexdef: string }[];
    expect(indexes.map((i) => i.indexdef)).toEqual([expect.stringContaining('(run_id, key)')]);
  });
});

describe('batches projected together', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('metric_batches_together', [TrackingReadModels1732000000400, MetricHistoryBatches1732000000800, LatestMetricsHotUpdates1732000000900]);
  });
  afterAll(() => db.drop());

  const series = (key: string, steps: number[], timestamps: number[], values: MetricSeries['values']): MetricSeries => ({ key, steps, timestamps, values });
  // Ties across batches (NaN compares as 0: the first-logged stays), an older point after a newer
  // one, a key that appears late, and a batch without points.
  const batches = [
    { position: 1, metrics: [series('x', [5], [10], [1]), series('y', [3], [1], ['NaN'])] },
    { position: 2, metrics: [series('y', [3], [1], [0]), series('x', [4, 5], [99, 10], [7, 1])] },
    { position: 3, metrics: [] },
    { position: 4, metrics: [series('z', [0, 1], [5, 5], [2, 'Infinity']), series('x', [6], [11], [-3])] },
  ];
  const rows = async (runId: string) => ({
    history: (await db.dataSource.query(`SELECT key, stream_position, steps, timestamps, vals FROM run_metric_batches WHERE run_id = $1 ORDER BY stream_position, key`, [runId])) as unknown[],
    latest: (await db.dataSource.query(`SELECT key, value, timestamp, step, is_nan FROM run_latest_metrics WHERE run_id = $1 ORDER BY key`, [runId])) as unknown[],
  });

  it('leave the same rows as one batch at a time', async () => {
    for (const b of batches) await db.dataSource.transaction((tx) => projectMetrics(tx, 'one-by-one', b.position, b.metrics));
    await db.dataSource.transaction((tx) => projectMetricBatches(tx, 'together', batches));
    const together = await rows('together');
    expect(together).toEqual(await rows('one-by-one'));
    expect(together.latest).toEqual([
      { key: 'x', value: -3, timestamp: '11', step: '6', is_nan: false },
      { key: 'y', value: NaN, timestamp: '1', step: '3', is_nan: true },
      { key: 'z', value: Infinity, timestamp: '5', step: '1', is_nan: false },
    ]);
    expect(together.history).toHaveLength(6);
  });
});
