import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actions } from '@custos/rbac';
import { AdminApi, Policy } from '@custos/platform';
import { AuditVerifier } from '../completeness/audit-verifier';
import { AuditEventsResponse, VerificationResponse } from '../dtos/audit.dto';
import { AuditEventsQuery, AuditVerifyQuery } from '../dtos/audit-events.query';

interface EntryRow {
  sequence: string;
  canonical: string;
  prev_hash: string;
  hash: string;
  recorded_at: Date;
}

/** The compliance team's read side: who did what, to which resource, when, from where. */
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly ds: DataSource,
    private readonly verifier: AuditVerifier,
  ) {}

  @Get('events')
  @Policy(Actions.audit())
  @AdminApi({ query: AuditEventsQuery, response: AuditEventsResponse })
  async search(@Query() q: AuditEventsQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.correlation_id) add('correlation_id = ?', q.correlation_id);
    if (q.actor_id) add('actor_id = ?', q.actor_id);
    if (q.type) add('type = ?', q.type);
    if (q.source) add('source = ?', q.source);
    if (q.stream_id) add('stream_id = ?', q.stream_id);
    if (q.since) add('occurred_at >= ?', q.since);
    if (q.until) add('occurred_at < ?', q.until);
    if (q.after !== undefined) add('sequence > ?', q.after);
    params.push(q.limit);
    const rows = (await this.ds.query(
      `SELECT sequence, canonical, prev_hash, hash, recorded_at FROM audit_entries
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY sequence LIMIT $${params.length}`,
      params,
    )) as EntryRow[];
    const entries = rows.map((r) => ({
      sequence: Number(r.sequence),
      recordedAt: new Date(r.recorded_at).toISOString(),
      hash: r.hash,
      prevHash: r.prev_hash,
      ...(JSON.parse(r.canonical) as Record<string, unknown>),
    }));
    return { entries, next_after: rows.length === q.limit ? entries[entries.length - 1].sequence : null };
  }

  /**
   * Recomputes the chain from genesis (or from `from`, trusting its predecessor) up to the head, and
   * reports per source the numbers missing from it: `ok` means nothing altered and nothing missing.
   */
  @Get('verify')
  @Policy(Actions.audit())
  @AdminApi({ query: AuditVerifyQuery, response: VerificationResponse })
  async verify(@Query() q: AuditVerifyQuery) {
    return this.verifier.verify(q.from);
  }
}
