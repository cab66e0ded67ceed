import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Metrics linked to a logged model (MLflow 3's `model_id` on a metric): every point, with the run
 * that logged it and the dataset it was computed on ('' when none, so the key stays NOT NULL).
 * Projected from `tracking.RunDataLogged` v2; the run's own metric tables still get the point too.
 */
export class LoggedModelMetrics1732000000700 implements MigrationInterface {
  name = 'LoggedModelMetrics1732000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE logged_model_metrics (
        model_id text NOT NULL,
        key text NOT NULL,
        step bigint NOT NULL,
        timestamp bigint NOT NULL,
        value double precision NOT NULL,
        is_nan boolean NOT NULL,
        run_id text NOT NULL,
        dataset_name text NOT NULL DEFAULT '',
        dataset_digest text NOT NULL DEFAULT '',
        PRIMARY KEY (model_id, key, step, timestamp, value, run_id, dataset_name, dataset_digest)
      )`);
    await q.query(`CREATE INDEX logged_model_metrics_key ON logged_model_metrics (key, value)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE logged_model_metrics`);
  }
}
