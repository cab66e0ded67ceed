import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@custos/events';
import { pgNumberArray, pgTextArray } from '@custos/eventing';
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
    // Array literals built in one pass, and the canonical texts as one JSON array (escaped natively):
    // the driver escaped a log-batch's 80 KB canonical text character by character.
    const text = (f: (r: (typeof rows)[number]) => string | null) => pgTextArray(rows.map(f));
    await tx.query(
      `INSERT INTO audit_entries (sequence, event_id, source, type, stream_id, actor_type, actor_id, correlation_id, client_ip, occurred_at, canonical, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[],
         ARRAY(SELECT c FROM json_array_elements_text($11::json) WITH ORDINALITY AS u(c, i) ORDER BY i), $12::text[], $13::text[])`,
      [
        pgNumberArray(rows.map((r) => r.sequence)),
        text((r) => r.entry.eventId),
        text((r) => r.entry.source),
        text((r) => r.entry.type),
        text((r) => r.entry.streamId),
        text((r) => r.entry.actorType),
        text((r) => r.entry.actorId),
        text((r) => r.entry.correlationId),
        text((r) => r.entry.clientIp ?? null),
        text((r) => r.entry.occurredAt),
        JSON.stringify(rows.map((r) => r.canonical)),
        text((r) => r.prevHash),
        text((r) => r.hash),
      ],
    );
    await tx.query(`UPDATE audit_chain_head SET sequence = $1, hash = $2`, [sequence, prev]);
  }
}
