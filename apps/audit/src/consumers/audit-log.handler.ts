import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@custos/events';
import { ALL_EVENTS, consumedBy } from '@custos/eventing';
import { AuditEntry, canonicalJson, linkHash, recordSourceSeqs, toAuditEntry } from '@custos/audit-domain';
import { coverageParam, parseCoverage, StoredCoverage } from '../completeness/audit-coverage.store';

const INSERT_ROWS = 1000;

interface AuditRow {
  sequence: number;
  entry: AuditEntry;
  canonical: string;
  prevHash: string;
  hash: string;
}

/**
 * Appends consumed events to the hash chain inside the consumer's exactly-once transaction. The
 * chain is serial by nature: the head row is locked once per batch, the links are computed in
 * memory and written with one statement per thousand entries. Each source's coverage (which of
 * its numbered events are recorded, decision 029) lives on the head row, read and written with it.
 */
@Controller()
export class AuditLogHandler {
  /** Every event of every topic, catalogued or not: an unknown type is dead-lettered, never skipped. */
  @EventPattern(ALL_EVENTS, consumedBy('audit-log', { batch: true }))
  async handleBatch(@Payload() events: EventEnvelope[], @Ctx() tx: EntityManager): Promise<void> {
    const [head] = (await tx.query(`SELECT sequence, hash, coverage FROM audit_chain_head FOR UPDATE`)) as { sequence: string; hash: string; coverage: StoredCoverage }[];
    let sequence = Number(head.sequence);
    let prev = head.hash;
    const rows = events.map((event) => {
      const entry = toAuditEntry(event);
      const canonical = canonicalJson(entry);
      sequence += 1;
      const hash = linkHash(prev, sequence, canonical);
      const row = { sequence, entry, canonical, prevHash: prev, hash };
      prev = hash;
      return row;
    });
    // A catching-up consumer may hand over tens of thousands of events; PostgreSQL takes at most
    // 65,535 parameters per statement.
    for (let i = 0; i < rows.length; i += INSERT_ROWS) await this.insert(tx, rows.slice(i, i + INSERT_ROWS));
    const coverage = parseCoverage(head.coverage);
    const changed = recordSourceSeqs(coverage, events, Date.now());
    await tx.query(`UPDATE audit_chain_head SET sequence = $1, hash = $2, coverage = coalesce($3::jsonb, coverage)`, [sequence, prev, coverageParam(coverage, changed)]);
  }

  /**
   * The row fields travel as one JSON parameter, each canonical text (80 KB for a log-batch, and
   * itself JSON, so full of quotes) as its own text parameter: escaped into JSON it cost an escape
   * here and an unescape in PostgreSQL; as an array the driver escaped it char by char.
   */
  private async insert(tx: EntityManager, rows: AuditRow[]): Promise<void> {
    const canonicals = rows.map((_, i) => `$${i + 2}::text`).join(', ');
    await tx.query(
      `INSERT INTO audit_entries (sequence, event_id, source, type, stream_id, actor_type, actor_id, correlation_id, client_ip, occurred_at, canonical, prev_hash, hash, source_seq)
       SELECT r.sequence, r.event_id, r.source, r.type, r.stream_id, r.actor_type, r.actor_id, r.correlation_id, r.client_ip, r.occurred_at, c.canonical, r.prev_hash, r.hash, r.source_seq
       FROM json_to_recordset($1::json) AS r(sequence bigint, event_id uuid, source text, type text, stream_id text, actor_type text, actor_id text,
                                             correlation_id text, client_ip text, occurred_at timestamptz, prev_hash text, hash text, source_seq bigint, i bigint)
       JOIN unnest(ARRAY[${canonicals}]) WITH ORDINALITY AS c(canonical, n) ON c.n = r.i`,
      [
        JSON.stringify(
          rows.map((r, i) => ({
            i: i + 1,
            sequence: r.sequence,
            event_id: r.entry.eventId,
            source: r.entry.source,
            type: r.entry.type,
            stream_id: r.entry.streamId,
            actor_type: r.entry.actorType,
            actor_id: r.entry.actorId,
            correlation_id: r.entry.correlationId,
            client_ip: r.entry.clientIp ?? null,
            occurred_at: r.entry.occurredAt,
            prev_hash: r.prevHash,
            hash: r.hash,
            source_seq: r.entry.sourceSeq ?? null,
          })),
        ),
        ...rows.map((r) => r.canonical),
      ],
    );
  }
}
