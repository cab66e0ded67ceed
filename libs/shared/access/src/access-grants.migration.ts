import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A service's local copy of authz's grants, roles and default permission, built from
 * `custos.authz.events`, so every service decides access without calling authz.
 */
export class AccessGrants1732000001000 implements MigrationInterface {
  name = 'AccessGrants1732000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_grants (
        subject_kind text NOT NULL, subject_id text NOT NULL, resource_type text NOT NULL, resource_pattern text NOT NULL,
        permission text NOT NULL,
        PRIMARY KEY (subject_kind, subject_id, resource_type, resource_pattern)
      )`);
    await q.query(`CREATE TABLE access_roles (role_id text PRIMARY KEY, name text NOT NULL, grants jsonb NOT NULL)`);
    await q.query(`
      CREATE TABLE access_role_assignments (
        role_id text NOT NULL, subject_kind text NOT NULL, subject_id text NOT NULL, PRIMARY KEY (role_id, subject_kind, subject_id)
      )`);
    await q.query(`CREATE INDEX access_role_assignments_subject ON access_role_assignments (subject_kind, subject_id)`);
    await q.query(`CREATE TABLE access_settings (key text PRIMARY KEY, value text NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_settings, access_role_assignments, access_roles, access_grants`);
  }
}
