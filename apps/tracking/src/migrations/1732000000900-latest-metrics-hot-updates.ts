import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets a run's latest-value rows update in place (HOT): every log-batch rewrites each of its keys'
 * rows, and the (key, value) index made every such update a new heap tuple plus an entry in both
 * indexes. No query uses that index: search_runs always names its experiments and reaches a run's
 * metrics through the primary key (run_id, key). Free space left in each page (fillfactor 70) is
 * where the new versions go; pages written before this migration gain it as they are rewritten.
 * See docs/decisions/022.
 */
export class LatestMetricsHotUpdates1732000000900 implements MigrationInterface {
  name = 'LatestMetricsHotUpdates1732000000900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS run_latest_metrics_kv`);
    await q.query(`ALTER TABLE run_latest_metrics SET (fillfactor = 70)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE run_latest_metrics RESET (fillfactor)`);
    await q.query(`CREATE INDEX run_latest_metrics_kv ON run_latest_metrics (key, value)`);
  }
}
