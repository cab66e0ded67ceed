import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models for MLflow 3: a run's model inputs and outputs, and logged models with their tags and
 * params. Like the tables before them they are owned by TrackingProjection and rebuilt by replay.
 */
export class RunsAndLoggedModels1732000000500 implements MigrationInterface {
  name = 'RunsAndLoggedModels1732000000500';

  async up(q: QueryRunner): Promise<void> {
    // Linking the same model twice is one fact, as it is one row in the answer.
    await q.query(`CREATE TABLE run_model_inputs (run_id text NOT NULL, model_id text NOT NULL, PRIMARY KEY (run_id, model_id))`);
    await q.query(`CREATE TABLE run_model_outputs (run_id text NOT NULL, model_id text NOT NULL, step bigint NOT NULL, PRIMARY KEY (run_id, model_id, step))`);
    await q.query(`
      CREATE TABLE logged_models (
        model_id text PRIMARY KEY,
        experiment_id text NOT NULL,
        name text NOT NULL,
        artifact_location text NOT NULL,
        creation_timestamp_ms bigint NOT NULL,
        last_updated_timestamp_ms bigint NOT NULL,
        status text NOT NULL,
        lifecycle_stage text NOT NULL,
        model_type text,
        source_run_id text,
        creator_id text NOT NULL
      )`);
    await q.query(`CREATE INDEX logged_models_search ON logged_models (experiment_id, lifecycle_stage, creation_timestamp_ms DESC, model_id)`);
    await q.query(`CREATE TABLE logged_model_tags (model_id text NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (model_id, key))`);
    await q.query(`CREATE INDEX logged_model_tags_kv ON logged_model_tags (key, value)`);
    await q.query(`CREATE TABLE logged_model_params (model_id text NOT NULL, key text NOT NULL, value text NOT NULL, PRIMARY KEY (model_id, key))`);
    await q.query(`CREATE INDEX logged_model_params_kv ON logged_model_params (key, value)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE logged_model_params, logged_model_tags, logged_models, run_model_outputs, run_model_inputs`);
  }
}
