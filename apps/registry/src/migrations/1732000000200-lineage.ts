import { MigrationInterface, QueryRunner } from 'typeorm';

/** What the registry knows of tracking, for lineage checks, built from tracking's events. */
export class Lineage1732000000200 implements MigrationInterface {
  name = 'Lineage1732000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE lineage_experiments (experiment_id text PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lineage_experiments`);
  }
}
