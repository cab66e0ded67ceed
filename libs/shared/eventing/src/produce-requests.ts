import { Message } from 'kafkajs';

/**
 * The largest record batch our topics accept (broker `message.max.bytes`, topic
 * `max.message.bytes`). It is above the services' 16 MB request-body limit, so any event one
 * request can produce fits; Kafka's 1 MiB default did not fit a full log-batch with long params.
 */
export const MAX_BATCH_BYTES = 20 * 1024 * 1024;

/** What one produce request carries, unless a single message alone is larger. */
export const PRODUCE_REQUEST_BYTES = 1024 * 1024;

/** A message's share of a record batch: its bytes plus a generous per-record overhead. */
export function messageBytes(m: Message): number {
  let n = 64 + byteLength(m.key) + byteLength(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    n += 8 + Buffer.byteLength(k);
    for (const one of Array.isArray(v) ? v : [v]) n += byteLength(one as string | Buffer | null | undefined);
  }
  return n;
}

/**
 * Splits messages, in order, into produce requests of at most `budget` bytes each. kafkajs puts a
 * request's messages for one partition into one record batch, and the broker refuses a batch
 * above its limit: a backlog sent as one request (after Kafka was away for a while) would be
 * refused on every retry and stall the relay for good.
 */
export function produceRequests(messages: readonly Message[], budget = PRODUCE_REQUEST_BYTES): Message[][] {
  const out: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (current.length > 0 && bytes + size > budget) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function byteLength(v: string | Buffer | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
