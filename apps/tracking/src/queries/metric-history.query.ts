import { Sql } from '@custos/eventing';
import { RunStepBounds } from '@custos/tracking-domain';
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
  return (await sql.query(
    `SELECT key, value, timestamp, step, is_nan FROM ${points('b.run_id = $1 AND b.key = $2')} ORDER BY ${HISTORY_ORDER} ${page} OFFSET $3`,
    [runId, key, offset],
  )) as MetricRow[];
}

/** Histories of several runs for the UI's charts, ordered by run, then as history is. */
export async function metricHistoryBulk(sql: Sql, runIds: readonly string[], key: string, limit: number): Promise<(MetricRow & { run_id: string })[]> {
  return (await sql.query(
    `SELECT run_id, key, value, timestamp, step, is_nan FROM ${points('b.run_id = ANY($1::text[]) AND b.key = $2')} ORDER BY run_id, ${HISTORY_ORDER} LIMIT $3`,
    [[...runIds], key, limit],
  )) as (MetricRow & { run_id: string })[];
}

/** What the UI chart's step sample is computed from: the runs' distinct steps and each run's ends. */
export async function chartStepSource(sql: Sql, runIds: readonly string[], key: string): Promise<{ allSteps: number[]; runBounds: RunStepBounds[] }> {
  const where = 'b.run_id = ANY($1::text[]) AND b.key = $2';
  const [steps, bounds] = await Promise.all([
    sql.query(`SELECT DISTINCT u.step FROM run_metric_batches b, unnest(b.steps) AS u(step) WHERE ${where} ORDER BY u.step`, [[...runIds], key]) as Promise<{ step: string }[]>,
    sql.query(`SELECT min(u.step) AS min, max(u.step) AS max FROM run_metric_batches b, unnest(b.steps) AS u(step) WHERE ${where} GROUP BY b.run_id`, [
      [...runIds],
      key,
    ]) as Promise<{ min: string; max: string }[]>,
  ]);
  return { allSteps: steps.map((s) => Number(s.step)), runBounds: bounds.map((b) => ({ min: Number(b.min), max: Number(b.max) })) };
}

/** One run's points at the given steps, in step order (MLflow's get_metric_history_bulk_interval_from_steps). */
export async function metricHistoryAtSteps(sql: Sql, runId: string, key: string, steps: readonly number[], limit: number): Promise<MetricRow[]> {
  if (steps.length === 0) return [];
  return (await sql.query(
    `SELECT key, value, timestamp, step, is_nan FROM ${points('b.run_id = $1 AND b.key = $2')} WHERE step = ANY($3::bigint[]) ORDER BY ${STEP_ORDER} LIMIT $4`,
    [runId, key, steps.map(String), limit],
  )) as MetricRow[];
}
