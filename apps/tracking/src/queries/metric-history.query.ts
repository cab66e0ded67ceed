import { Sql } from '@custos/eventing';
import { MetricRow } from '../http/run-json';

// MLflow orders history by (timestamp, step, value) with a NaN standing as 0 (how MLflow stores it).
const HISTORY_ORDER = `timestamp, step, CASE WHEN is_nan THEN 0 ELSE value END, is_nan`;
const STEP_ORDER = `step, timestamp, CASE WHEN is_nan THEN 0 ELSE value END, is_nan`;

/**
 * The distinct points of the batches `where` selects (a range read on the primary key): history
 * rows hold one key's points of one logged batch, and a point logged twice is one point, as in
 * MLflow's store.
 */
const points = (where: string) => `(
  SELECT DISTINCT b.run_id, b.key, u.step, u.timestamp, u.value, u.value = 'NaN'::float8 AS is_nan
  FROM run_metric_batches b, unnest(b.steps, b.timestamps, b.vals) AS u(step, timestamp, value)
  WHERE ${where}) p`;

/** One key's history, one page at a time. */
export async function metricHistory(sql: Sql, runId: string, key: string, offset: number, limit: number | null): Promise<MetricRow[]> {
  const page = limit === null ? '' : `LIMIT ${Number(limit)}`;
  return (await sql.query(`SELECT key, value, timestamp, step, is_nan FROM ${points('b.run_id = $1 AND b.key = $2')} ORDER BY ${HISTORY_ORDER} ${page} OFFSET $3`, [
    runId,
    key,
    offset,
  ])) as MetricRow[];
}

/** Histories of several runs for the UI's charts, ordered by run, then as history is. */
export async function metricHistoryBulk(sql: Sql, runIds: readonly string[], key: string, limit: number): Promise<(MetricRow & { run_id: string })[]> {
  return (await sql.query(`SELECT run_id, key, value, timestamp, step, is_nan FROM ${points('b.run_id = ANY($1::text[]) AND b.key = $2')} ORDER BY run_id, ${HISTORY_ORDER} LIMIT $3`, [
    [...runIds],
    key,
    limit,
  ])) as (MetricRow & { run_id: string })[];
}

/**
 * MLflow's sampled history (`get_metric_history_bulk_interval`), the rule `sampleChartPoints` states
 * (tracking-domain): the rows of one run, optionally within [startStep, endStep], split into
 * `maxResults` NTILE buckets in step order; the first row of each bucket is kept, and the overall
 * last row always ends the sample (replacing the final pick when the sample is already full). Done
 * in SQL so a run with millions of points returns only the sample; metric-history.int.spec.ts checks
 * it against the pure rule.
 */
export async function sampledMetricHistory(sql: Sql, runId: string, key: string, maxResults: number, steps: { start: number; end: number } | null): Promise<MetricRow[]> {
  const rows = (await sql.query(
    `WITH b AS (
       SELECT key, value, timestamp, step, is_nan,
              ntile($3::int) OVER w AS bucket, row_number() OVER w AS pos, count(*) OVER () AS total
       FROM ${points('b.run_id = $1 AND b.key = $2')}
       WHERE $4::bigint IS NULL OR step BETWEEN $4 AND $5
       WINDOW w AS (ORDER BY ${STEP_ORDER})
     ), r AS (SELECT b.*, row_number() OVER (PARTITION BY bucket ORDER BY pos) AS rn FROM b)
     SELECT key, value, timestamp, step, is_nan, rn = 1 AS first_of_bucket FROM r WHERE rn = 1 OR pos = total ORDER BY pos`,
    [runId, key, maxResults, steps?.start ?? null, steps?.end ?? null],
  )) as (MetricRow & { first_of_bucket: boolean })[];
  const picked = rows.filter((row) => row.first_of_bucket);
  const last = rows[rows.length - 1];
  if (last && !last.first_of_bucket) {
    if (picked.length >= maxResults) picked[picked.length - 1] = last;
    else picked.push(last);
  }
  return picked.map(({ key: k, value, timestamp, step, is_nan }) => ({ key: k, value, timestamp, step, is_nan }));
}
