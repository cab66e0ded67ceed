import { Client } from 'pg';
import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { rows } from './sql';
import { encodeStoredEvent, StoredEventText } from './kafka-codec';
import { EventStore } from './event-store';
import { PRODUCE_REQUEST_BYTES, produceRequests } from './produce-requests';

export interface RelayOptions {
  name: string;
  topic: string;
  databaseUrl: string;
  batchSize?: number;
  /** Bytes per produce request (a single larger event goes alone); see produce-requests.ts. */
  requestBytes?: number;
  /** Fallback poll when no NOTIFY arrives (e.g. a notification lost while reconnecting). */
  pollMs?: number;
  /** After each batch: how many events, and the sequence number of the last (decision 029). */
  onPublished?: (count: number, lastSeq: number) => void;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

export interface OutboxRow extends StoredEventText {
  transaction_id: string;
  global_position: string;
}

/**
 * The columns of an outbox read; data and metadata as the JSON text stored at append. The
 * transaction id is selected as text (it outgrows a JS number), so an ORDER BY must name the
 * table's column (`events.transaction_id`): a bare `transaction_id` is this text output column,
 * which sorts '1000' before '999'.
 */
export const OUTBOX_COLUMNS = `transaction_id::text, global_position, event_id, stream_id, stream_position, type, schema_version,
              data::text AS data, metadata::text AS metadata, metadata->>'correlationId' AS correlation_id, occurred_at`;

interface Checkpoint {
  transactionId: string;
  globalPosition: string;
  /** The sequence number of the last event published (decision 029). */
  seq: number;
}

/**
 * Publishes the events table to Kafka in (transaction id, global position) order, reading only
 * below the oldest transaction still in flight: a transaction that took its position early but
 * commits late is never skipped. One relay per database leads at a time (advisory lock), so
 * replicas can scale without publishing out of order. That order is fixed once read, so each event
 * is stamped with its number in it (`sourceSeq`, dense from 1): a republish after a crash before
 * the checkpoint gives the same events the same numbers (decision 029).
 */
export class OutboxRelay {
  private listener?: Client;
  private running = false;
  private leader = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly requestBytes: number;
  /**
   * Where publishing resumes, held in memory while this relay leads (it is the only writer of its
   * checkpoint row then) and re-read whenever leadership is taken. Passing it as parameters keeps
   * the outbox read an index range scan; joined from the table, PostgreSQL scanned the whole index.
   */
  private checkpoint?: Checkpoint;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly producer: Producer,
    private readonly opts: RelayOptions,
  ) {
    this.batchSize = opts.batchSize ?? 500;
    this.pollMs = opts.pollMs ?? 250;
    this.requestBytes = opts.requestBytes ?? PRODUCE_REQUEST_BYTES;
  }

  isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Publishes what is committed, then stops: graceful shutdown flushes the outbox. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.leader) {
      await this.publishAvailable().catch((e) => this.opts.log?.('warn', 'final relay flush failed', { err: String(e) }));
    }
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    this.leader = false;
  }

  /** Publishes every event visible now; returns how many. Exposed for tests and shutdown. */
  async publishAvailable(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishBatch();
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (this.running) {
      try {
        if (!this.leader) await this.tryLead();
        if (this.leader) {
          const n = await this.publishBatch();
          backoff = 200;
          if (n === this.batchSize) continue;
        }
        await this.idle(this.leader ? this.pollMs : 2000);
      } catch (e) {
        this.opts.log?.('warn', 'relay iteration failed; retrying', { err: String(e), backoffMs: backoff });
        await this.dropListener();
        await this.idle(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  private async tryLead(): Promise<void> {
    const client = new Client({ connectionString: this.opts.databaseUrl });
    client.on('error', () => void this.dropListener());
    await client.connect();
    const [{ locked }] = (await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [`custos-relay:${this.opts.name}`])).rows;
    if (!locked) {
      await client.end();
      return;
    }
    client.on('notification', () => this.wake?.());
    await client.query('LISTEN custos_events');
    this.listener = client;
    this.leader = true;
    this.opts.log?.('info', 'outbox relay leads', { relay: this.opts.name });
  }

  private async dropListener(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    this.leader = false;
    this.checkpoint = undefined;
    await l?.end().catch(() => undefined);
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private async loadCheckpoint(): Promise<Checkpoint> {
    const [cp] = await rows<{ transaction_id: string; global_position: string; seq: string }>(
      this.dataSource,
      `SELECT transaction_id::text, global_position, seq FROM outbox_checkpoints WHERE relay = $1`,
      [this.opts.name],
    );
    return cp ? { transactionId: cp.transaction_id, globalPosition: cp.global_position, seq: Number(cp.seq) } : { transactionId: '0', globalPosition: '0', seq: 0 };
  }

  private async publishBatch(): Promise<number> {
    const from = (this.checkpoint ??= await this.loadCheckpoint());
    // Data and metadata are read as the JSON text stored at append, where they were validated, and
    // published as is: no parse, re-validation or re-serialisation of a 1000-metric payload here.
    const batch = await rows<OutboxRow>(
      this.dataSource,
      `SELECT ${OUTBOX_COLUMNS}
       FROM events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY events.transaction_id, events.global_position
       LIMIT $3`,
      [from.transactionId, from.globalPosition, this.batchSize],
    );
    if (batch.length === 0) return 0;
    // Requests go one after another, each followed by its checkpoint, so a failure part-way
    // republishes only what was not acknowledged (consumers skip repeats by event id).
    const messages = batch.map((r, i) => encodeStoredEvent(r, this.store.source, from.seq + i + 1));
    let sent = 0;
    for (const request of produceRequests(messages, this.requestBytes)) {
      await this.producer.send({ topic: this.opts.topic, acks: -1, messages: request });
      await this.saveCheckpoint(batch[sent], from.seq + sent + 1, batch[sent + request.length - 1], from.seq + sent + request.length);
      sent += request.length;
    }
    this.opts.onPublished?.(batch.length, from.seq + batch.length);
    return batch.length;
  }

  /**
   * One statement: the checkpoint and the step's sequence range commit together, so the range table
   * never claims numbers the checkpoint does not. The checkpoint only moves forward: a relay that
   * lost its lock mid-send cannot set it back under the new leader.
   */
  private async saveCheckpoint(first: OutboxRow, firstSeq: number, last: OutboxRow, lastSeq: number): Promise<void> {
    await this.dataSource.query(
      `WITH cp AS (
         INSERT INTO outbox_checkpoints (relay, transaction_id, global_position, seq) VALUES ($1, $2::xid8, $3, $4)
         ON CONFLICT (relay) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, seq = EXCLUDED.seq, updated_at = now()
         WHERE (outbox_checkpoints.transaction_id, outbox_checkpoints.global_position) < (EXCLUDED.transaction_id, EXCLUDED.global_position)
         RETURNING relay)
       INSERT INTO outbox_published (relay, first_seq, last_seq, first_transaction_id, first_global_position, last_transaction_id, last_global_position)
       SELECT relay, $5, $4, $6::xid8, $7, $2::xid8, $3 FROM cp
       ON CONFLICT DO NOTHING`,
      [this.opts.name, last.transaction_id, last.global_position, lastSeq, firstSeq, first.transaction_id, first.global_position],
    );
    this.checkpoint = { transactionId: last.transaction_id, globalPosition: last.global_position, seq: lastSeq };
  }
}
