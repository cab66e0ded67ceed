import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: one row per event of every topic, in one hash chain. The database itself refuses
 * UPDATE, DELETE and TRUNCATE, so even a bug in this service cannot rewrite history.
 */
export class AuditLog1732000000100 implements MigrationInterface {
  name = 'AuditLog1732000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_entries (
        sequence bigint PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        source text NOT NULL,
        type text NOT NULL,
        stream_id text NOT NULL,
        actor_type text NOT NULL,
        actor_id text NOT NULL,
        correlation_id text NOT NULL,
        client_ip text,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        canonical text NOT NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL
      )`);
    for (const col of ['correlation_id', 'actor_id', 'type', 'occurred_at']) {
      await q.query(`CREATE INDEX audit_entries_${col} ON audit_entries (${col}, sequence)`);
    }
    await q.query(`CREATE INDEX audit_entries_stream ON audit_entries (source, stream_id, sequence)`);
    await q.query(`CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION custos_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change()`);
    // The chain head is a single row, locked by each append: the chain is serial by nature.
    await q.query(`CREATE TABLE audit_chain_head (id boolean PRIMARY KEY DEFAULT true CHECK (id), sequence bigint NOT NULL, hash char(64) NOT NULL)`);
    await q.query(`INSERT INTO audit_chain_head (sequence, hash) VALUES (0, repeat('0', 64))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_chain_head, audit_entries`);
  }
}
