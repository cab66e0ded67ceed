import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per logged batch whose metrics are not yet in the history and latest-value tables,
 * written in the append's transaction and taken by the catch-up that projects them (decision 023).
 * Usually empty: rows live for the milliseconds between a log-batch's commit and its catch-up.
 */
export class RunMetricsPending1732000001100 implements MigrationInterface {
  name = 'RunMetricsPending1732000001100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE run_metrics_pending (run_id text NOT NULL, stream_position bigint NOT NULL, PRIMARY KEY (run_id, stream_position))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Nothing may be left behind unprojected: the inline projection of older code expects none.
    const [{ n }] = (await q.query(`SELECT count(*)::int AS n FROM run_metrics_pending`)) as { n: number }[];
    if (n > 0) throw new Error(`${n} metric batches are still pending; start the service once to catch them up before reverting`);
    await q.query(`DROP TABLE run_metrics_pending`);
  }
}
