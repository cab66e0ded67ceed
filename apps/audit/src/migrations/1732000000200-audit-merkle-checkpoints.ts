import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The RFC 6962 tree over the audit log (ADR 010) and its signed checkpoints.
 *
 * `audit_merkle_nodes` keeps the hash of every *perfect* subtree of height >= 1 (level k, index i
 * covers leaves [i·2^k, (i+1)·2^k)); such a subtree never changes once complete, so the table is
 * append-only like the log. Leaf hashes are not stored: they are recomputed from the entry's
 * stored canonical text, so a proof always reflects the text as it is now. About one row per entry.
 *
 * `audit_checkpoints` keeps every signed checkpoint, also append-only; the same document is in
 * object storage under retention lock.
 */
export class AuditMerkleCheckpoints1732000000200 implements MigrationInterface {
  name = 'AuditMerkleCheckpoints1732000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_merkle_nodes (
        level smallint NOT NULL CHECK (level BETWEEN 1 AND 62),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (level, idx)
      )`);
    // How many leaves the stored nodes cover; locked by the (single) tree builder.
    await q.query(`CREATE TABLE audit_merkle_head (id boolean PRIMARY KEY DEFAULT true CHECK (id), size bigint NOT NULL CHECK (size >= 0))`);
    await q.query(`INSERT INTO audit_merkle_head (size) VALUES (0)`);
    await q.query(`
      CREATE TABLE audit_checkpoints (
        size bigint PRIMARY KEY CHECK (size > 0),
        root bytea NOT NULL CHECK (octet_length(root) = 32),
        chain_head char(64) NOT NULL,
        origin text NOT NULL,
        signed_at text NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL,
        document text NOT NULL,
        bucket text NOT NULL,
        object_key text NOT NULL,
        object_version_id text,
        retain_until timestamptz,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    for (const t of ['audit_merkle_nodes', 'audit_checkpoints']) {
      await q.query(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION custos_refuse_change()`);
      await q.query(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_checkpoints, audit_merkle_head, audit_merkle_nodes`);
  }
}
