import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@custos/events';
import { EventHandlerService } from '@custos/platform';
import { canonicalJson, linkHash, toAuditEntry } from '@custos/audit-domain';

/**
 * Appends consumed events to the hash chain inside the consumer's exactly-once transaction. The
 * chain is serial by nature: the head row is locked once per batch, the links are computed in
 * memory and written with one statement.
 */
@Injectable()
export class AuditLogHandler implements EventHandlerService {
  handle(event: EventEnvelope, tx: EntityManager): Promise<void> {
    return this.handleBatch([event], tx);
  }

  async handleBatch(events: EventEnvelope[], tx: EntityManager): Promise<void> {
    const [head] = (await tx.query(`SELECT sequence, hash FROM audit_chain_head FOR UPDATE`)) as { sequence: string; hash: string }[];
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
    // One JSON parameter for the whole batch: strings (an 80 KB canonical text included) are
    // escaped natively, where the driver escaped array parameters character by character.
    await tx.query(
      `INSERT INTO audit_entries (sequence, event_id, source, type, stream_id, actor_type, actor_id, correlation_id, client_ip, occurred_at, canonical, prev_hash, hash)
       SELECT sequence, event_id, source, type, stream_id, actor_type, actor_id, correlation_id, client_ip, occurred_at, canonical, prev_hash, hash
       FROM json_to_recordset($1::json) AS r(sequence bigint, event_id uuid, source text, type text, stream_id text, actor_type text, actor_id text,
                                             correlation_id text, client_ip text, occurred_at timestamptz, canonical text, prev_hash text, hash text)`,
      [
        JSON.stringify(
          rows.map((r) => ({
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
            canonical: r.canonical,
            prev_hash: r.prevHash,
            hash: r.hash,
          })),
        ),
      ],
    );
    await tx.query(`UPDATE audit_chain_head SET sequence = $1, hash = $2`, [sequence, prev]);
  }
}
