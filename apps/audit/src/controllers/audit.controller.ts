import { Controller, Get, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Actions } from '@custos/rbac';
import { AdminApi, ApiError, Policy } from '@custos/platform';
import { AuditVerifier } from '../completeness/audit-verifier';
import { AuditEventsResponse, SearchAuditEventsQuery, VerificationResponse, VerifyQuery } from '../dtos/audit.dto';

const searchQuery = z.object({
  correlation_id: z.string().max(128).optional(),
  actor_id: z.string().max(256).optional(),
  type: z.string().max(128).optional(),
  source: z.string().max(32).optional(),
  stream_id: z.string().max(512).optional(),
  since: z.string().datetime({ offset: true }).optional(),
  until: z.string().datetime({ offset: true }).optional(),
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

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
  @AdminApi({ query: SearchAuditEventsQuery, response: AuditEventsResponse })
  async search(@Query() raw: Record<string, string>) {
    const parsed = searchQuery.safeParse(raw);
    if (!parsed.success) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const q = parsed.data;
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
    const entries = rows.map((r) => ({ sequence: Number(r.sequence), recordedAt: new Date(r.recorded_at).toISOString(), hash: r.hash, prevHash: r.prev_hash, ...(JSON.parse(r.canonical) as Record<string, unknown>) }));
    return { entries, next_after: rows.length === q.limit ? entries[entries.length - 1].sequence : null };
  }

  /**
   * Recomputes the chain from genesis (or from `from`, trusting its predecessor) up to the head, and
   * reports per source the numbers missing from it: `ok` means nothing altered and nothing missing.
   */
  @Get('verify')
  @Policy(Actions.audit())
  @AdminApi({ query: VerifyQuery, response: VerificationResponse })
  async verify(@Query('from') fromRaw?: string) {
    const from = fromRaw === undefined ? 1 : Number(fromRaw);
    if (!Number.isInteger(from) || from < 1) throw new ApiError(400, 'INVALID_PARAMETER_VALUE', 'from must be a positive integer');
    return this.verifier.verify(from);
  }
}
