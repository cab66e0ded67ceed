import { createTestDatabase, TestDatabase } from '@custos/testing';
import { TrackingReadModels1732000000400 } from './1732000000400-tracking-read-models';
import { MetricHistoryBatches1732000000800 } from './1732000000800-metric-history-batches';
import { metricHistory, sampledMetricHistory } from '../queries/metric-history.query';

describe('metric history moved to one row per key per batch', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('metric_history_migration', [TrackingReadModels1732000000400]);
  });
  afterAll(() => db.drop());

  it('keeps every stored point, NaN and the infinities included, and goes back', async () => {
    // 2,500 points of one key (three chunks of up to 1000) and a few of another run's key.
    await db.dataSource.query(
      `INSERT INTO run_metrics (run_id, key, step, timestamp, value, is_nan)
       SELECT 'r1', 'loss', s, 1000 + s, CASE WHEN s % 100 = 0 THEN 'NaN'::float8 ELSE s / 7.0 END, s % 100 = 0 FROM generate_series(0, 2499) s`,
    );
    await db.dataSource.query(
      `INSERT INTO run_metrics (run_id, key, step, timestamp, value, is_nan) VALUES
       ('r2', 'acc', 0, 5, 'Infinity', false), ('r2', 'acc', 0, 5, '-Infinity', false), ('r2', 'acc', 1, 4, 0.5, false)`,
    );
    const before = (await db.dataSource.query(`SELECT run_id, key, step, timestamp, value::text, is_nan FROM run_metrics ORDER BY 1, 2, 3, 4, 5`)) as unknown[];

    const qr = db.dataSource.createQueryRunner();
    await new MetricHistoryBatches1732000000800().up(qr);
    const rows = (await db.dataSource.query(`SELECT run_id, key, stream_position, cardinality(steps) AS n FROM run_metric_batches ORDER BY 1, 2, 3 DESC`)) as {
      run_id: string;
      stream_position: string;
      n: number;
    }[];
    expect(rows.map((r) => [r.run_id, Number(r.stream_position), r.n])).toEqual([
      ['r1', -1, 1000],
      ['r1', -2, 1000],
      ['r1', -3, 500],
      ['r2', -1, 3],
    ]);

    const loss = await metricHistory(db.dataSource, 'r1', 'loss', 0, null);
    expect(loss).toHaveLength(2500);
    expect(loss[0]).toEqual({ key: 'loss', step: '0', timestamp: '1000', value: NaN, is_nan: true });
    expect(loss[2499]).toEqual({ key: 'loss', step: '2499', timestamp: '3499', value: 2499 / 7, is_nan: false });
    expect((await metricHistory(db.dataSource, 'r2', 'acc', 0, null)).map((m) => m.value)).toEqual([0.5, -Infinity, Infinity]);
    expect(await sampledMetricHistory(db.dataSource, 'r1', 'loss', 3, { start: 10, end: 19 })).toHaveLength(3);

    await new MetricHistoryBatches1732000000800().down(qr);
    await qr.release();
    expect(await db.dataSource.query(`SELECT run_id, key, step, timestamp, value::text, is_nan FROM run_metrics ORDER BY 1, 2, 3, 4, 5`)).toEqual(before);
  });
});
