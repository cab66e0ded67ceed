import { Producer } from 'kafkajs';
import { encodeStoredEvent } from './kafka-codec';
import { EventStore } from './event-store';
import { OUTBOX_COLUMNS, OutboxRow } from './outbox-relay';
import { PRODUCE_REQUEST_BYTES, produceRequests } from './produce-requests';
import { rows, Sql } from './sql';

/** An inclusive range of a relay's sequence numbers. */
export interface SeqRange {
  from: number;
  to: number;
}

export class SeqRangeError extends Error {}

const PAGE = 500;

/**
 * The events a relay published as numbers `from..to`, in order, each with its number. The relay's
 * publishing order is fixed below its checkpoint (every transaction there had ended when it was
 * read), so walking that order from the start of the checkpoint step that holds `from` finds the
 * same events the relay numbered.
 */
export async function* publishedBySeq(sql: Sql, relay: string, range: SeqRange): AsyncGenerator<{ seq: number; row: OutboxRow }> {
  if (!Number.isSafeInteger(range.from) || !Number.isSafeInteger(range.to) || range.from < 1 || range.to < range.from) {
    throw new SeqRangeError(`invalid sequence range ${range.from}-${range.to}`);
  }
  const [head] = await rows<{ transaction_id: string; global_position: string; seq: string }>(sql, `SELECT transaction_id::text, global_position, seq FROM outbox_checkpoints WHERE relay = $1`, [
    relay,
  ]);
  if (!head || Number(head.seq) < range.to) {
    throw new SeqRangeError(`relay ${relay} has published up to sequence number ${head ? Number(head.seq) : 0}; ${range.to} does not exist yet`);
  }
  const [step] = await rows<{ first_seq: string; first_transaction_id: string; first_global_position: string }>(
    sql,
    `SELECT first_seq, first_transaction_id::text, first_global_position FROM outbox_published
     WHERE relay = $1 AND first_seq <= $2 ORDER BY first_seq DESC LIMIT 1`,
    [relay, range.from],
  );
  if (!step) throw new SeqRangeError(`relay ${relay} has no record of sequence number ${range.from}`);
  let seq = Number(step.first_seq);
  let after: { transactionId: string; globalPosition: string } | undefined;
  while (seq <= range.to) {
    const page = await rows<OutboxRow>(
      sql,
      `SELECT ${OUTBOX_COLUMNS}
       FROM events
       WHERE (transaction_id, global_position) ${after ? '>' : '>='} ($2::xid8, $3::bigint)
         AND (transaction_id, global_position) <= ($4::xid8, $5::bigint)
       ORDER BY events.transaction_id, events.global_position
       LIMIT $1`,
      [PAGE, after?.transactionId ?? step.first_transaction_id, after?.globalPosition ?? step.first_global_position, head.transaction_id, head.global_position],
    );
    if (page.length === 0) {
      const from = after ? `after ${after.transactionId}/${after.globalPosition}` : `from ${step.first_transaction_id}/${step.first_global_position}`;
      throw new SeqRangeError(`relay ${relay}: the store ended before sequence number ${seq} (read ${from} up to the checkpoint ${head.transaction_id}/${head.global_position})`);
    }
    for (const row of page) {
      if (seq >= range.from && seq <= range.to) yield { seq, row };
      seq++;
    }
    const last = page[page.length - 1];
    after = { transactionId: last.transaction_id, globalPosition: last.global_position };
  }
}

/**
 * Publishes numbers `from..to` again, to the relay's topic, each with its original number: fills
 * a consumer's gap (audit's completeness report names the ranges). Consumers skip what they
 * already hold by event id, so a range wider than the gap is harmless. Returns how many were sent.
 */
export async function republishBySeq(sql: Sql, store: EventStore, producer: Producer, relay: string, topic: string, range: SeqRange): Promise<number> {
  let pending: { seq: number; row: OutboxRow }[] = [];
  let sent = 0;
  const flush = async () => {
    const messages = pending.map((p) => encodeStoredEvent(p.row, store.source, p.seq));
    for (const request of produceRequests(messages, PRODUCE_REQUEST_BYTES)) {
      await producer.send({ topic, acks: -1, messages: request });
      sent += request.length;
    }
    pending = [];
  };
  for await (const one of publishedBySeq(sql, relay, range)) {
    pending.push(one);
    if (pending.length >= PAGE) await flush();
  }
  await flush();
  return sent;
}

/** Parses `A-B` or `A` (one number) as given on a command line. */
export function parseSeqRange(text: string): SeqRange {
  const m = /^(\d{1,15})(?:-(\d{1,15}))?$/.exec(text.trim());
  if (!m) throw new SeqRangeError(`expected a sequence range such as 17-42, got "${text}"`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to < from) throw new SeqRangeError(`invalid sequence range ${text}`);
  return { from, to };
}
