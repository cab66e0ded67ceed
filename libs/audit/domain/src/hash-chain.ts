import { createHash } from 'node:crypto';

/** The chain starts from a fixed, published value so an empty log has a well-defined head. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainLink {
  sequence: number;
  prevHash: string;
  hash: string;
  /** The canonical JSON of the recorded entry, exactly as hashed. */
  canonical: string;
}

/** hash_n = SHA-256(hash_{n-1} ‖ 0x0a ‖ sequence ‖ 0x0a ‖ canonical entry). */
export function linkHash(prevHash: string, sequence: number, canonical: string): string {
  return createHash('sha256').update(`${prevHash}\n${sequence}\n${canonical}`).digest('hex');
}

export type ChainVerdict = { ok: true; checked: number; head: string } | { ok: false; checked: number; brokenAt: number; reason: string };

/** Verifies consecutive links starting after `expectedPrev` at `expectedSequence`. */
export function verifyChain(links: Iterable<ChainLink>, expectedPrev = GENESIS_HASH, expectedSequence = 1): ChainVerdict {
  let prev = expectedPrev;
  let seq = expectedSequence;
  let checked = 0;
  for (const l of links) {
    if (l.sequence !== seq) return { ok: false, checked, brokenAt: l.sequence, reason: `expected sequence ${seq}, found ${l.sequence}` };
    if (l.prevHash !== prev) return { ok: false, checked, brokenAt: l.sequence, reason: 'previous-hash link broken' };
    if (linkHash(l.prevHash, l.sequence, l.canonical) !== l.hash) return { ok: false, checked, brokenAt: l.sequence, reason: 'entry hash mismatch (content changed)' };
    prev = l.hash;
    seq++;
    checked++;
  }
  return { ok: true, checked, head: prev };
}
