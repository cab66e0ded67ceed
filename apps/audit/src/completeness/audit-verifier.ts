import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ApiError, SERVICE_CONFIG } from '@custos/platform';
import { addSeqs, ChainLink, completeness, CompletenessReport, EMPTY_COVERAGE, GENESIS_HASH, sameCoverage, SourceCoverage, verifyChain } from '@custos/audit-domain';
import { AuditConfig } from '../audit.config';
import { readCoverage } from './audit-coverage.store';

const PAGE = 5000;

interface EntryRow {
  sequence: string;
  canonical: string;
  prev_hash: string;
  hash: string;
  source: string;
  source_seq: string | null;
}

export type Integrity = { ok: true; checked: number; head: string; headSequence: number } | { ok: false; checked: number; brokenAt: number; reason: string };

/**
 * `ok` means nothing altered and nothing missing (decision 029). The whole check reads one
 * snapshot: the coverage table is compared with the numbers the chain itself records, so a
 * coverage row cannot claim an event the chain does not hold.
 */
export type Verification = Integrity & CompletenessReport & { coverageMatchesChain?: boolean };

@Injectable()
export class AuditVerifier {
  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<AuditConfig, 'AUDIT_GAP_GRACE_MS'>,
  ) {}

  /** Recomputes the chain from genesis (or from `from`, trusting its predecessor) up to the head. */
  verify(from = 1): Promise<Verification> {
    // Read-only, so it takes no transaction id and holds no relay back (decision 003).
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      const fromChain = new Map<string, SourceCoverage>();
      const integrity = await this.chain(tx, from, fromChain);
      const stored = await readCoverage(tx);
      const report = completeness(stored, Date.now(), this.config.AUDIT_GAP_GRACE_MS);
      // Only a walk from genesis sees every number the chain holds.
      const matches = from === 1 && integrity.ok ? coverageMatches(stored, fromChain) : undefined;
      return {
        ...integrity,
        ok: integrity.ok && report.complete && matches !== false,
        ...report,
        ...(matches !== undefined ? { coverageMatchesChain: matches } : {}),
      } as Verification;
    });
  }

  private async chain(tx: EntityManager, from: number, coverage: Map<string, SourceCoverage>): Promise<Integrity> {
    let prev = GENESIS_HASH;
    if (from > 1) {
      const [p] = (await tx.query(`SELECT hash FROM audit_entries WHERE sequence = $1`, [from - 1])) as { hash: string }[];
      if (!p) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', `no entry ${from - 1}`);
      prev = p.hash;
    }
    let seq = from;
    let checked = 0;
    for (;;) {
      const rows = (await tx.query(`SELECT sequence, canonical, prev_hash, hash, source, source_seq FROM audit_entries WHERE sequence >= $1 ORDER BY sequence LIMIT ${PAGE}`, [seq])) as EntryRow[];
      const links: ChainLink[] = rows.map((r) => ({ sequence: Number(r.sequence), canonical: r.canonical, prevHash: r.prev_hash, hash: r.hash }));
      const verdict = verifyChain(links, prev, seq);
      if (!verdict.ok) return { ...verdict, checked: checked + verdict.checked };
      collectSeqs(coverage, rows);
      checked += verdict.checked;
      if (rows.length < PAGE) return { ok: true, checked, head: verdict.head, headSequence: seq + links.length - 1 };
      prev = verdict.head;
      seq += links.length;
    }
  }
}

function collectSeqs(coverage: Map<string, SourceCoverage>, rows: EntryRow[]): void {
  const bySource = new Map<string, number[]>();
  for (const r of rows) {
    if (r.source_seq === null) continue;
    const seqs = bySource.get(r.source) ?? [];
    seqs.push(Number(r.source_seq));
    bySource.set(r.source, seqs);
  }
  for (const [source, seqs] of bySource) coverage.set(source, addSeqs(coverage.get(source) ?? EMPTY_COVERAGE, seqs, 0));
}

function coverageMatches(stored: Map<string, SourceCoverage>, fromChain: Map<string, SourceCoverage>): boolean {
  const sources = new Set([...stored.keys(), ...fromChain.keys()]);
  return [...sources].every((s) => sameCoverage(stored.get(s) ?? EMPTY_COVERAGE, fromChain.get(s) ?? EMPTY_COVERAGE));
}
