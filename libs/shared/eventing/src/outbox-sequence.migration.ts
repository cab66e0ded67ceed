import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A dense, gap-free sequence per relay, so a consumer (audit) can prove it has every published
 * event: the global position is an identity and skips numbers on rolled-back transactions. The
 * relay numbers events in its publishing order, which is fixed once an event is below the oldest
 * in-flight transaction (decision 029).
 * - `outbox_checkpoints.seq`: the sequence number of the last event published (0: none yet; events
 *   published before this migration carry none).
 * - `outbox_published`: one row per checkpoint step, the first and last event of the step by
 *   position and by sequence number, so `republish` finds "event N" without a row per event.
 */
export class OutboxSequence1732000020000 implements MigrationInterface {
  name = 'OutboxSequence1732000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox_checkpoints ADD COLUMN seq bigint NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE outbox_published (
        relay text NOT NULL,
        first_seq bigint NOT NULL,
        last_seq bigint NOT NULL,
        first_transaction_id xid8 NOT NULL,
        first_global_position bigint NOT NULL,
        last_transaction_id xid8 NOT NULL,
        last_global_position bigint NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (relay, first_seq),
        CHECK (last_seq >= first_seq)
      )`);
    await q.query(`CREATE TRIGGER outbox_published_append_only BEFORE UPDATE OR DELETE ON outbox_published FOR EACH ROW EXECUTE FUNCTION custos_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox_published`);
    await q.query(`ALTER TABLE outbox_checkpoints DROP COLUMN seq`);
  }
}
