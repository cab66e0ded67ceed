import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Completeness (decision 029): each entry keeps its event's number in the source's publishing
 * order (`source_seq`, also inside the hashed entry), and the chain head holds per source the
 * numbers recorded so far (a watermark and the spans above it). On the head row, because every
 * batch locks and rewrites that row anyway: a concurrent batch that waited for the lock reads the
 * row as committed, where a separate table read in the same statement would be read as of before
 * the wait. Entries of events published before numbering have none and are not counted.
 */
export class AuditCoverage1732000000400 implements MigrationInterface {
  name = 'AuditCoverage1732000000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_entries ADD COLUMN source_seq bigint`);
    await q.query(`ALTER TABLE audit_chain_head ADD COLUMN coverage jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_chain_head DROP COLUMN coverage`);
    await q.query(`ALTER TABLE audit_entries DROP COLUMN source_seq`);
  }
}
