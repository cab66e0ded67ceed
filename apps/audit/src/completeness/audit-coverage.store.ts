import { Sql } from '@custos/eventing';
import { SourceCoverage } from '@custos/audit-domain';

/** `audit_chain_head.coverage`: each source's coverage by source name. */
export type StoredCoverage = Record<string, SourceCoverage>;

export function parseCoverage(stored: StoredCoverage | string): Map<string, SourceCoverage> {
  const o = typeof stored === 'string' ? (JSON.parse(stored) as StoredCoverage) : stored;
  return new Map(Object.entries(o).map(([source, c]) => [source, { watermark: Number(c.watermark), spans: c.spans }]));
}

export async function readCoverage(sql: Sql): Promise<Map<string, SourceCoverage>> {
  const [row] = (await sql.query(`SELECT coverage FROM audit_chain_head`)) as { coverage: StoredCoverage }[];
  return parseCoverage(row?.coverage ?? {});
}

/** The whole coverage after a batch, as the head row's JSON parameter. */
export function coverageParam(before: Map<string, SourceCoverage>, changed: Map<string, SourceCoverage>): string | null {
  if (changed.size === 0) return null;
  return JSON.stringify(Object.fromEntries(new Map([...before, ...changed])));
}
