import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The AI gateway's configuration. `gw_ai_endpoints` and `gw_ai_secrets` are the read model of the
 * gateway's own `gateway.AiEndpoint*` / `gateway.AiSecret*` events (rebuildable by replay).
 * `gw_ai_secret_values` is not: it holds each credential sealed under its own data key and that
 * key wrapped by a master key, written by the command in the event's transaction, and is the only
 * copy (events never carry a value). `ai_config` in `gw_versions` wakes every replica's directory.
 */
export class GatewayAiConfig1732000000730 implements MigrationInterface {
  name = 'GatewayAiConfig1732000000730';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gw_ai_secrets (
        secret_id text PRIMARY KEY,
        name text NOT NULL CONSTRAINT gw_ai_secrets_name UNIQUE,
        provider text NOT NULL,
        hint text NOT NULL,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE gw_ai_secret_values (
        secret_id text PRIMARY KEY,
        key_id text NOT NULL,
        wrapped_key bytea NOT NULL,
        sealed bytea NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE gw_ai_endpoints (
        endpoint_id text PRIMARY KEY,
        name text NOT NULL CONSTRAINT gw_ai_endpoints_name UNIQUE,
        task text NOT NULL,
        targets jsonb NOT NULL,
        timeouts jsonb NOT NULL,
        unknown_params text NOT NULL,
        tags jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL
      )`);
    await q.query(`INSERT INTO gw_versions (name, version) VALUES ('ai_config', 0) ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM gw_versions WHERE name = 'ai_config'`);
    await q.query(`DROP TABLE gw_ai_endpoints, gw_ai_secret_values, gw_ai_secrets`);
  }
}
