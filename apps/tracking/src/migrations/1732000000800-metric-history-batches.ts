import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Metric history as one row per key per logged batch (parallel step/timestamp/value arrays) instead
 * of one row per point: a 1000-point log-batch over 100 keys inserts 100 index entries, not 1000,
 * which was most of a log-batch's time in PostgreSQL. A key's history is still a range read on the
 * primary key (run_id, key, ...). A point logged twice is stored twice and read once (queries take
 * the distinct points), so a batch never needs a point-by-point conflict check. A row is keyed by
 * the position of its event in the run's stream, so a replay rebuilds the same rows. Existing
 * points move over in chunks of up to 1000 per key, at negative positions (no event has one).
 * See docs/decisions/018.
 */
export class MetricHistoryBatches1732000000800 implements MigrationInterface {
  name = 'MetricHistoryBatches1732000000800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE run_metric_batches (
        run_id text NOT NULL,
        key text NOT NULL,
        stream_position bigint NOT NULL,
        steps bigint[] NOT NULL,
        timestamps bigint[] NOT NULL,
        vals double precision[] NOT NULL,
        PRIMARY KEY (run_id, key, stream_position)
      )`);
    await q.query(`
      INSERT INTO run_metric_batches (run_id, key, stream_position, steps, timestamps, vals)
      SELECT run_id, key, -1 - (n - 1) / 1000, array_agg(step ORDER BY n), array_agg(timestamp ORDER BY n), array_agg(value ORDER BY n)
      FROM (SELECT run_id, key, step, timestamp, value, row_number() OVER (PARTITION BY run_id, key ORDER BY step, timestamp, value) AS n FROM run_metrics) m
      GROUP BY run_id, key, (n - 1) / 1000`);
    await q.query(`DROP TABLE run_metrics`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE run_metrics (
        run_id text NOT NULL, key text NOT NULL, step bigint NOT NULL, timestamp bigint NOT NULL, value double precision NOT NULL,
        is_nan boolean NOT NULL,
        PRIMARY KEY (run_id, key, step, timestamp, value)
      )`);
    await q.query(`
      INSERT INTO run_metrics (run_id, key, step, timestamp, value, is_nan)
      SELECT b.run_id, b.key, u.step, u.timestamp, u.value, u.value = 'NaN'::float8
      FROM run_metric_batches b, unnest(b.steps, b.timestamps, b.vals) AS u(step, timestamp, value)
      ON CONFLICT DO NOTHING`);
    await q.query(`DROP TABLE run_metric_batches`);
  }
}
