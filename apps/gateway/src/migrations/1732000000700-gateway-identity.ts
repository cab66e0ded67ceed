import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's local view of authz's identities (users, API keys, identity providers), built from
 * `custos.authz.events`, so a request is authenticated without calling authz. `gw_versions` holds a
 * counter per read model that the projection bumps in the same transaction; every replica polls it
 * to drop cached verifications and reload rules.
 */
export class GatewayIdentity1732000000700 implements MigrationInterface {
  name = 'GatewayIdentity1732000000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gw_users (
        user_id text PRIMARY KEY,
        username text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('user', 'service_account')),
        is_admin boolean NOT NULL,
        platform_roles text[] NOT NULL DEFAULT '{}',
        groups text[] NOT NULL DEFAULT '{}',
        password_hash text,
        deleted boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL
      )`);
    // Not unique: a username freed by a deletion may be taken by a user whose creation is consumed
    // first (different streams, different partitions). Lookups refuse an ambiguous name instead.
    await q.query(`CREATE INDEX gw_users_username ON gw_users (username) WHERE NOT deleted`);
    await q.query(`
      CREATE TABLE gw_api_keys (
        key_id text PRIMARY KEY,
        prefix text,
        key_hash text,
        owner_id text,
        scopes text[] NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        revoked boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX gw_api_keys_hash ON gw_api_keys (key_hash)`);
    await q.query(`
      CREATE TABLE gw_identity_providers (
        provider_id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('oidc', 'ldap')),
        enabled boolean NOT NULL,
        settings jsonb NOT NULL,
        group_role_map jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE TABLE gw_versions (name text PRIMARY KEY, version bigint NOT NULL)`);
    await q.query(`INSERT INTO gw_versions (name, version) VALUES ('identity', 0), ('ip_rules', 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gw_versions, gw_identity_providers, gw_api_keys, gw_users`);
  }
}
