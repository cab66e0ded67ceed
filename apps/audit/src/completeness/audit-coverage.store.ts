import { Sql } from '@custos/eventing';
import { SeqSpan, SourceCoverage } from '@custos/audit-domain';

interface CoverageRow {
  source: string;
  watermark: number | string;
  spans: SeqSpan[];
}

/**
 * Every source's coverage as one JSON value, for a select list: the consumer reads it with the
 * chain head it locks, so coverage costs the batch no round trip of its own.
 */
export const COVERAGE_JSON = `(SELECT coalesce(json_agg(json_build_object('source', c.source, 'watermark', c.watermark, 'spans', c.spans)), '[]'::json) FROM audit_coverage c)`;

export function parseCoverage(rows: CoverageRow[] | string): Map<string, SourceCoverage> {
  const list = typeof rows === 'string' ? (JSON.parse(rows) as CoverageRow[]) : rows;
  return new Map(list.map((r) => [r.source, { watermark: Number(r.watermark), spans: r.spans }]));
}

export async function readCoverage(sql: Sql): Promise<Map<string, SourceCoverage>> {
  const [row] = (await sql.query(`SELECT ${COVERAGE_JSON} AS coverage`)) as { coverage: CoverageRow[] }[];
  return parseCoverage(row.coverage);
}

/** A statement that writes changed coverage, as a CTE to run with another statement; `$n` is one JSON parameter. */
export function upsertCoverageCte(param: number): string {
  return `INSERT INTO audit_coverage (source, watermark, spans)
          SELECT r.source, r.watermark, r.spans FROM json_to_recordset($${param}::json) AS r(source text, watermark bigint, spans jsonb)
          ON CONFLICT (source) DO UPDATE SET watermark = EXCLUDED.watermark, spans = EXCLUDED.spans, updated_at = now()`;
}

export function coverageParam(changed: Map<string, SourceCoverage>): string {
  return JSON.stringify([...changed].map(([source, c]) => ({ source, watermark: c.watermark, spans: c.spans })));
}
