import { Client } from 'pg';
import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventMetadata } from '@custos/events';
import { rows } from './sql';
import { encodeEnvelope } from './kafka-codec';
import { EventStore } from './event-store';

export interface RelayOptions {
  name: string;
  topic: string;
  databaseUrl: string;
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (e.g. a notification lost while reconnecting). */
  pollMs?: number;
  onPublished?: (count: number) => void;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

interface OutboxRow {
  transaction_id: string;
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

/**
 * Publishes the events table to Kafka in (transaction id, global position) order, reading only
 * below the oldest transaction still in flight: a transaction that took its position early but
 * commits late is never skipped. One relay per database leads at a time (advisory lock), so
 * replicas can scale without publishing out of order.
 */
export class OutboxRelay {
  private listener?: Client;
  private running = false;
  private leader = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private readonly batchSize: number;
  private readonly pollMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly producer: Producer,
    private readonly opts: RelayOptions,
  ) {
    this.batchSize = opts.batchSize ?? 500;
    this.pollMs = opts.pollMs ?? 250;
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
    const [{ locked }] = (await client.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [`custos-relay:${this.opts.name}`])).rows;
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

  private async publishBatch(): Promise<number> {
    const batch = await rows<OutboxRow>(
      this.dataSource,
      `WITH cp AS (
         SELECT transaction_id, global_position FROM outbox_checkpoints WHERE relay = $1
         UNION ALL SELECT '0'::xid8, 0 LIMIT 1)
       SELECT e.transaction_id::text, e.global_position, e.event_id, e.stream_id, e.stream_position, e.type,
              e.schema_version, e.data, e.metadata, e.occurred_at
       FROM events e, cp
       WHERE (e.transaction_id, e.global_position) > (cp.transaction_id, cp.global_position)
         AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY e.transaction_id, e.global_position
       LIMIT $2`,
      [this.opts.name, this.batchSize],
    );
    if (batch.length === 0) return 0;
    await this.producer.send({
      topic: this.opts.topic,
      acks: -1,
      messages: batch.map((r) => encodeEnvelope(this.store.toEnvelope(r))),
    });
    const last = batch[batch.length - 1];
    await this.dataSource.query(
      `INSERT INTO outbox_checkpoints (relay, transaction_id, global_position) VALUES ($1, $2::xid8, $3)
       ON CONFLICT (relay) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, updated_at = now()`,
      [this.opts.name, last.transaction_id, last.global_position],
    );
    this.opts.onPublished?.(batch.length);
    return batch.length;
  }
}
