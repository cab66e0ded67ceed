import { MigrationInterface, QueryRunner } from 'typeorm';
import { compressWithLz4 } from '@custos/eventing';

/**
 * Canonical texts are written once and read only by proofs and exports; a log-batch's is ~80 KB,
 * which pglz compressed at about a millisecond per entry on the audit insert's path.
 * Existing rows keep their compression; only new values use lz4.
 */
export class AuditCanonicalLz41732000000300 implements MigrationInterface {
  name = 'AuditCanonicalLz41732000000300';

  async up(q: QueryRunner): Promise<void> {
    await compressWithLz4(q, 'audit_entries', 'canonical');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_entries ALTER COLUMN canonical SET COMPRESSION pglz`);
  }
}
