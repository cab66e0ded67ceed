import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Completeness (decision 029): each entry keeps its event's number in the source's publishing
 * order (`source_seq`, also inside the hashed entry), and `audit_coverage` holds per source the
 * numbers recorded so far (a watermark and the spans above it), written in the same transaction
 * as the entries. Entries of events published before numbering have none and are not counted.
 */
export class AuditCoverage1732000000400 implements MigrationInterface {
  name = 'AuditCoverage1732000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_entries ADD COLUMN source_seq bigint`);
    await q.query(`
      CREATE TABLE audit_coverage (
        source text PRIMARY KEY,
        watermark bigint NOT NULL,
        spans jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_coverage`);
    await q.query(`ALTER TABLE audit_entries DROP COLUMN source_seq`);
  }
}
