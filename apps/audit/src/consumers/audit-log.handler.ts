import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope } from '@custos/events';
import { EventHandlerService } from '@custos/platform';
import { canonicalJson, linkHash, toAuditEntry } from '@custos/audit-domain';

/** Appends every consumed event to the hash chain; runs inside the consumer's exactly-once transaction. */
@Injectable()
export class AuditLogHandler implements EventHandlerService {
  async handle(event: EventEnvelope, tx: EntityManager): Promise<void> {
    const [head] = (await tx.query(`SELECT sequence, hash FROM audit_chain_head FOR UPDATE`)) as { sequence: string; hash: string }[];
    const entry = toAuditEntry(event);
    const canonical = canonicalJson(entry);
    const sequence = Number(head.sequence) + 1;
    const hash = linkHash(head.hash, sequence, canonical);
    await tx.query(
      `INSERT INTO audit_entries (sequence, event_id, source, type, stream_id, actor_type, actor_id, correlation_id, client_ip, occurred_at, canonical, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [sequence, entry.eventId, entry.source, entry.type, entry.streamId, entry.actorType, entry.actorId, entry.correlationId, entry.clientIp ?? null, entry.occurredAt, canonical, head.hash, hash],
    );
    await tx.query(`UPDATE audit_chain_head SET sequence = $1, hash = $2`, [sequence, hash]);
  }
}
