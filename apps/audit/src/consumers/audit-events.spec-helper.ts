import { EventEnvelope, uuidv7 } from '@custos/events';
import { ChainLink } from '@custos/audit-domain';
import { Sql } from '@custos/eventing';

let n = 0;

/** A distinct tracking event for feeding the audit log (non-ASCII name, client IP set). */
export function auditTestEvent(): EventEnvelope {
  n++;
  return {
    id: uuidv7(),
    type: 'tracking.ExperimentCreated',
    schemaVersion: 2,
    source: 'tracking',
    streamId: `experiment-${n}`,
    streamPosition: 0,
    occurredAt: new Date(Date.UTC(2026, 10, 22, 0, 0, n % 60)).toISOString(),
    data: { experimentId: String(n), name: `exp ${n} ✓`, artifactLocation: `mlflow-artifacts:/${n}`, tags: [] },
    metadata: { correlationId: uuidv7(), actor: { type: 'user', id: 'alice' }, clientIp: '10.0.0.7' },
  };
}

/** The stored chain in sequence order, each link with the event id of its row. */
export async function storedChain(sql: Sql): Promise<(ChainLink & { eventId: string })[]> {
  const rows = (await sql.query(`SELECT sequence::int, event_id, canonical, prev_hash, hash FROM audit_entries ORDER BY sequence`)) as {
    sequence: number;
    event_id: string;
    canonical: string;
    prev_hash: string;
    hash: string;
  }[];
  return rows.map((r) => ({ sequence: r.sequence, eventId: r.event_id, canonical: r.canonical, prevHash: r.prev_hash, hash: r.hash }));
}

/** The event id each link's canonical text records (it must be its own row's). */
export function recordedEventId(link: ChainLink): string {
  return (JSON.parse(link.canonical) as { eventId: string }).eventId;
}
