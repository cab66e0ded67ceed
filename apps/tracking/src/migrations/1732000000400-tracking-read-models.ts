import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracking's read models, maintained inline with every append (read-your-writes) and rebuildable
 * by replay. The shapes are the ones `@custos/tracking-domain`'s search translator queries.
 */
export class TrackingReadModels1732000000400 implements MigrationInterface {
  name = 'TrackingReadModels1732000000400';

  async up(q: QueryRunner): Promise<void> {
    // Experiment ids are numeric strings as in MLflow; 0 is the Default experiment.
    await q.query(`CREATE SEQUENCE experiment_ids START 1`);
    await q.query(`
      CREATE TABLE experiments (
        experiment_id text PRIMARY KEY,
        name text NOT NULL,
        artifact_location text NOT NULL,
        lifecycle_stage text NOT NULL,
        creation_time bigint NOT NULL,
        last_update_time bigint NOT NULL,
        owner_id text NOT NULL,
        CONSTRAINT experiments_name_unique UNIQUE (name)
      )`);
    await q.query(`CREATE INDEX experiments_creation ON experiments (creation_time DESC, experiment_id)`);
    await q.query(`CREATE INDEX experiments_owner ON experiments (owner_id)`);
    await q.query(`CREATE TABLE experiment_tags (experiment_id text NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (experiment_id, key))`);
    await q.query(`
      CREATE TABLE runs (
        run_id text PRIMARY KEY,
        experiment_id text NOT NULL,
        name text,
        user_id text,
        status text NOT NULL,
        start_time bigint NOT NULL,
        end_time bigint,
        lifecycle_stage text NOT NULL,
        artifact_uri text NOT NULL,
        deleted_time bigint
      )`);
    await q.query(`CREATE INDEX runs_search ON runs (experiment_id, lifecycle_stage, start_time DESC, run_id)`);
    await q.query(`CREATE TABLE run_params (run_id text NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (run_id, key))`);
    await q.query(`CREATE INDEX run_params_kv ON run_params (key, value)`);
    await q.query(`CREATE TABLE run_tags (run_id text NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (run_id, key))`);
    await q.query(`CREATE INDEX run_tags_kv ON run_tags (key, value)`);
    await q.query(`
      CREATE TABLE run_latest_metrics (
        run_id text NOT NULL, key text NOT NULL, value double precision NOT NULL, timestamp bigint NOT NULL, step bigint NOT NULL,
        is_nan boolean NOT NULL, PRIMARY KEY (run_id, key)
      )`);
    await q.query(`CREATE INDEX run_latest_metrics_kv ON run_latest_metrics (key, value)`);
    // History of one key is an index range read; duplicates (same point logged twice) are ignored.
    await q.query(`
      CREATE TABLE run_metrics (
        run_id text NOT NULL, key text NOT NULL, step bigint NOT NULL, timestamp bigint NOT NULL, value double precision NOT NULL,
        is_nan boolean NOT NULL,
        PRIMARY KEY (run_id, key, step, timestamp, value)
      )`);
    await q.query(`
      CREATE TABLE run_inputs (
        run_id text NOT NULL, dataset_name text NOT NULL, dataset_digest text NOT NULL, dataset jsonb NOT NULL, tags jsonb NOT NULL,
        PRIMARY KEY (run_id, dataset_name, dataset_digest)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE run_inputs, run_metrics, run_latest_metrics, run_tags, run_params, runs, experiment_tags, experiments`);
    await q.query(`DROP SEQUENCE experiment_ids`);
  }
}
