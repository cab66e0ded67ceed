import { MigrationInterface, QueryRunner } from 'typeorm';
import { EventDataAsJson1732000010000 } from './event-data-json.migration';
import { OutboxSequence1732000020000 } from './outbox-sequence.migration';

/**
 * The tables every service's database holds for the event backbone:
 * - `events`: the append-only store and, by its global position and writing transaction id, the outbox;
 * - `outbox_checkpoints`: how far the relay has published;
 * - `processed_events`: the inbox that makes consumer effects exactly-once;
 * - `stream_snapshots`: the latest folded state per stream, written in the append transaction, so
 *   deciding on a long stream (a run with 100k metrics) does not replay it.
 */
export class EventingSchema1732000000000 implements MigrationInterface {
  name = 'EventingSchema1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id uuid NOT NULL,
        stream_id text NOT NULL,
        stream_position integer NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        CONSTRAINT events_event_id_unique UNIQUE (event_id),
        CONSTRAINT events_stream_position_unique UNIQUE (stream_id, stream_position)
      )`);
    await q.query(`CREATE INDEX events_outbox_order ON events (transaction_id, global_position)`);
    await q.query(`
      CREATE FUNCTION custos_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION custos_refuse_change()`);
    await q.query(`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION custos_refuse_change()`);
    await q.query(`
      CREATE TABLE outbox_checkpoints (
        relay text PRIMARY KEY,
        transaction_id xid8 NOT NULL,
        global_position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE processed_events (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await q.query(`
      CREATE TABLE stream_snapshots (
        stream_id text PRIMARY KEY,
        stream_position integer NOT NULL,
        state_version integer NOT NULL,
        state jsonb NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stream_snapshots, processed_events, outbox_checkpoints, events`);
    await q.query(`DROP FUNCTION custos_refuse_change`);
  }
}

/** The backbone's migrations, in order, for every service database (and test databases). */
export const EVENTING_MIGRATIONS = [EventingSchema1732000000000, EventDataAsJson1732000010000, OutboxSequence1732000020000];
