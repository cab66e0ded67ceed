import { EventEnvelope, EventMetadata, EventSchemaRegistry, NewEvent, uuidv7, Context } from '@custos/events';
import { pgCode, pgConstraint, PG, rows, Sql } from './sql';

export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
  ) {
    super(`stream ${streamId} moved past version ${expectedVersion}`);
  }
}

interface EventRow {
  global_position: string;
  event_id: string;
  stream_id: string;
  stream_position: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  occurred_at: Date;
}

export interface StoredEvent extends EventEnvelope {
  globalPosition: bigint;
}

/** A stream's folded state as saved after a command, valid for one `stateVersion` of its decider. */
export interface StreamSnapshot {
  stateVersion: number;
  state: unknown;
}

/** A stream as a command needs it: the usable snapshot, if any, and the events after it. */
export interface LoadedStream {
  snapshot?: { position: number; state: unknown };
  events: EventEnvelope[];
}

type LoadRow = Partial<EventRow> & { snap_position: number | null; snap_state: unknown };

/** A data-modifying CTE runs to completion whatever the outer query reads: one NOTIFY per append. */
const WAKE_RELAY = `SELECT pg_notify('custos_events', '') FROM (SELECT 1 FROM appended LIMIT 1) AS any_appended`;

/** Saves a stream's snapshot: parameters stream id, position, state version, state (JSON text). */
const SAVE_SNAPSHOT = (id: number, position: number, version: number, state: number) =>
  `INSERT INTO stream_snapshots (stream_id, stream_position, state_version, state) VALUES ($${id}, $${position}::int, $${version}::int, $${state}::jsonb)
   ON CONFLICT (stream_id) DO UPDATE SET stream_position = EXCLUDED.stream_position, state_version = EXCLUDED.state_version, state = EXCLUDED.state`;

/** Casts of an appended row's parameters, in column order. */
const APPEND_CASTS = ['::uuid', '::text', '::int', '::text', '::int', '::json', '::jsonb', '::timestamptz'];
/** PostgreSQL takes at most 65,535 parameters per statement. */
const APPEND_ROWS = Math.floor(65_535 / APPEND_CASTS.length);

/** `expectedVersion` is the position of the stream's last event; -1 means "the stream must not exist". */
export const NO_STREAM = -1;

/**
 * Append-only event store on the service's own database. Appends run inside the caller's
 * transaction so read models update atomically with the events (read-your-writes).
 */
export class EventStore {
  constructor(
    readonly source: Context,
    private readonly registry: EventSchemaRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * `snapshotOf`, when given, computes the stream's state after the new events (from the validated
   * envelopes) and is saved by the same statement as the events: one round trip fewer per command.
   */
  async append(tx: Sql, streamId: string, expectedVersion: number, events: NewEvent[], metadata: EventMetadata, snapshotOf?: (appended: EventEnvelope[]) => StreamSnapshot): Promise<EventEnvelope[]> {
    if (events.length === 0) return [];
    const occurredAt = this.now().toISOString();
    const envelopes: EventEnvelope[] = events.map((e, i) => {
      const { data, schemaVersion } = this.registry.validateNew(e);
      return {
        id: uuidv7(),
        type: e.type,
        schemaVersion,
        source: this.source,
        streamId,
        streamPosition: expectedVersion + 1 + i,
        occurredAt,
        data,
        metadata,
      };
    });
    try {
      // Each value is its own parameter, data and metadata as JSON text that PostgreSQL only has to
      // validate: unpacked from one JSON parameter with json_to_recordset, a log-batch's 75 KB of
      // data was re-serialised on the way in (2.4 of 3.4 ms). The statement also wakes the relay at
      // commit (NOTIFY is delivered then and collapses per transaction; harmless if nobody listens).
      const snapshot = snapshotOf?.(envelopes);
      for (let i = 0; i < envelopes.length; i += APPEND_ROWS) {
        const chunk = envelopes.slice(i, i + APPEND_ROWS);
        const values = chunk.map((_, r) => `(${APPEND_CASTS.map((cast, c) => `$${r * APPEND_CASTS.length + c + 1}${cast}`).join(', ')})`);
        const params: unknown[] = chunk.flatMap((e) => [e.id, e.streamId, e.streamPosition, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), e.occurredAt]);
        const last = i + APPEND_ROWS >= envelopes.length;
        let saveSnapshot = '';
        if (snapshot && last) {
          const n = params.length;
          saveSnapshot = `, snapshot AS (${SAVE_SNAPSHOT(n + 1, n + 2, n + 3, n + 4)})`;
          params.push(streamId, envelopes[envelopes.length - 1].streamPosition, snapshot.stateVersion, JSON.stringify(snapshot.state));
        }
        await tx.query(
          `WITH appended AS (
             INSERT INTO events (event_id, stream_id, stream_position, type, schema_version, data, metadata, occurred_at)
             VALUES ${values.join(', ')}
             RETURNING 1)${saveSnapshot}
           ${WAKE_RELAY}`,
          params,
        );
      }
    } catch (e) {
      if (pgCode(e) === PG.uniqueViolation && pgConstraint(e) === 'events_stream_position_unique') {
        throw new ConcurrencyError(streamId, expectedVersion);
      }
      throw e;
    }
    return envelopes;
  }

  /**
   * Appends at the stream's current end, for streams of facts that no decision depends on
   * (artifact reads, key re-wraps). Writers are serialised per stream by a transaction-scoped
   * advisory lock instead of optimistic concurrency, so concurrent facts never conflict.
   */
  async appendFacts(tx: Sql, streamId: string, events: NewEvent[], metadata: EventMetadata): Promise<EventEnvelope[]> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [streamId]);
    const [{ version }] = await rows<{ version: number }>(tx, `SELECT COALESCE(max(stream_position), -1)::int AS version FROM events WHERE stream_id = $1`, [streamId]);
    return this.append(tx, streamId, version, events, metadata);
  }

  /**
   * The stream's snapshot (when saved for `stateVersion`) and its events after it, in one
   * statement; `lock` takes the snapshot row FOR UPDATE (whatever its version), serialising a hot
   * stream's writers.
   */
  async loadStream(sql: Sql, streamId: string, stateVersion: number, lock: boolean): Promise<LoadedStream> {
    const found = await rows<LoadRow>(
      sql,
      `WITH snap AS (
         SELECT stream_position, state_version, state FROM stream_snapshots WHERE stream_id = $1${lock ? ' FOR UPDATE' : ''}),
       usable AS (SELECT stream_position, state FROM snap WHERE state_version = $2)
       SELECT s.stream_position AS snap_position, s.state AS snap_state,
              e.global_position, e.event_id, e.stream_id, e.stream_position, e.type, e.schema_version, e.data, e.metadata, e.occurred_at
       FROM (SELECT 1) AS one
       LEFT JOIN usable AS s ON true
       LEFT JOIN events AS e ON e.stream_id = $1 AND e.stream_position > COALESCE(s.stream_position, -1)
       ORDER BY e.stream_position`,
      [streamId, stateVersion],
    );
    const [first] = found;
    return {
      snapshot: first.snap_position === null ? undefined : { position: first.snap_position, state: first.snap_state },
      events: found.filter((r) => r.event_id != null).map((r) => this.toEnvelope(r as EventRow)),
    };
  }

  async readStream(sql: Sql, streamId: string, afterPosition = -1): Promise<EventEnvelope[]> {
    const found = await rows<EventRow>(
      sql,
      `SELECT global_position, event_id, stream_id, stream_position, type, schema_version, data, metadata, occurred_at
       FROM events WHERE stream_id = $1 AND stream_position > $2 ORDER BY stream_position`,
      [streamId, afterPosition],
    );
    return found.map((r) => this.toEnvelope(r));
  }

  /** Reads the whole store in global order, for projection rebuilds. */
  async readAll(sql: Sql, afterGlobalPosition: bigint, limit: number): Promise<StoredEvent[]> {
    const found = await rows<EventRow>(
      sql,
      `SELECT global_position, event_id, stream_id, stream_position, type, schema_version, data, metadata, occurred_at
       FROM events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [afterGlobalPosition.toString(), limit],
    );
    return found.map((r) => ({ ...this.toEnvelope(r), globalPosition: BigInt(r.global_position) }));
  }

  toEnvelope(r: EventRow): EventEnvelope {
    // Stored events go through the same validation and upcasting as consumed ones.
    return this.registry.parse({
      id: r.event_id,
      type: r.type,
      schemaVersion: r.schema_version,
      source: this.source,
      streamId: r.stream_id,
      streamPosition: r.stream_position,
      occurredAt: new Date(r.occurred_at).toISOString(),
      data: r.data,
      metadata: r.metadata,
    });
  }
}
