import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Authz's read models, maintained inline with every append (read-your-writes) and rebuildable by
 * replay (`AuthzProjection`). No credential material is kept here: password hashes stay in the
 * event store (and the user stream's snapshot), key hashes only in the events.
 * `resource_owners` is not part of the projection: a consumer fills it from tracking and registry.
 */
export class AuthzReadModels1732000000310 implements MigrationInterface {
  name = 'AuthzReadModels1732000000310';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        user_id text PRIMARY KEY,
        username text NOT NULL,
        kind text NOT NULL,
        is_admin boolean NOT NULL,
        platform_roles text[] NOT NULL,
        groups text[] NOT NULL,
        has_password boolean NOT NULL,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT users_username_unique UNIQUE (username)
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        key_id text PRIMARY KEY,
        prefix text NOT NULL,
        owner_id text NOT NULL,
        name text NOT NULL,
        scopes text[] NOT NULL,
        expires_at timestamptz,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        revoked_at timestamptz,
        revoked_by text
      )`);
    await q.query(`CREATE INDEX api_keys_owner ON api_keys (owner_id, created_at)`);
    // Role ids are small integers, as MLflow's roles API expects; drawn before the append, kept in the event.
    await q.query(`CREATE SEQUENCE role_ids START 1`);
    await q.query(`
      CREATE TABLE roles (
        role_id text PRIMARY KEY,
        name text NOT NULL,
        description text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT roles_name_unique UNIQUE (name)
      )`);
    // `id` is derived from (role, type, pattern), so it is stable across redefinitions and replays.
    await q.query(`
      CREATE TABLE role_permissions (
        id bigint PRIMARY KEY,
        role_id text NOT NULL,
        position integer NOT NULL,
        resource_type text NOT NULL,
        resource_pattern text NOT NULL,
        permission text NOT NULL,
        CONSTRAINT role_permissions_unique UNIQUE (role_id, resource_type, resource_pattern)
      )`);
    await q.query(`
      CREATE TABLE role_assignments (
        id bigint NOT NULL UNIQUE,
        role_id text NOT NULL,
        subject_kind text NOT NULL,
        subject_id text NOT NULL,
        assigned_at timestamptz NOT NULL,
        PRIMARY KEY (role_id, subject_kind, subject_id)
      )`);
    await q.query(`CREATE INDEX role_assignments_subject ON role_assignments (subject_kind, subject_id)`);
    await q.query(`
      CREATE TABLE grants (
        subject_kind text NOT NULL,
        subject_id text NOT NULL,
        resource_type text NOT NULL,
        resource_pattern text NOT NULL,
        permission text NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (subject_kind, subject_id, resource_type, resource_pattern)
      )`);
    await q.query(`CREATE INDEX grants_resource ON grants (resource_type, resource_pattern)`);
    await q.query(`CREATE TABLE authz_settings (key text PRIMARY KEY, value jsonb NOT NULL, updated_at timestamptz NOT NULL)`);
    await q.query(`
      CREATE TABLE identity_providers (
        provider_id text PRIMARY KEY,
        kind text NOT NULL,
        enabled boolean NOT NULL,
        config jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE resource_owners (
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        owner_id text NOT NULL,
        PRIMARY KEY (resource_type, resource_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE resource_owners, identity_providers, authz_settings, grants, role_assignments, role_permissions, roles, api_keys, users`);
    await q.query(`DROP SEQUENCE role_ids`);
  }
}
