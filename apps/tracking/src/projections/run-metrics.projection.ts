import { EntityManager } from 'typeorm';
import { EventData, RunDataLogged } from '@custos/events';
import { PG, pgCode, pgNumberArray, pgTextArray } from '@custos/eventing';
import { latestPerKey } from '@custos/tracking-domain';

type LoggedMetric = EventData<typeof RunDataLogged>['metrics'][number];

/*
 * Metric points arrive as one batch per event (a log-batch of 1000 points is one event), so each
 * table takes one statement per batch. Values travel as text ("NaN", "Infinity", "-Infinity" or a
 * JavaScript number's shortest form) and are cast to double precision, which holds all of them.
 *
 * MLflow's "latest" rule: the point with the greatest (step, timestamp, value) wins, where a NaN
 * compares as 0 (MLflow stores NaN as 0 with is_nan set) and, among equal points, the one logged
 * first stays. Within a batch `latestPerKey` applies it (in order, so a replay picks the same
 * point); against the stored row the statement below does.
 */
const COMPARABLE = (t: string) => `CASE WHEN ${t}.is_nan THEN 0 ELSE ${t}.value END`;

/** Points that name a logged model are that model's metrics too (MLflow 3). */
export async function projectLoggedModelMetrics(tx: EntityManager, runId: string, metrics: readonly LoggedMetric[]): Promise<void> {
  const linked = metrics.filter((m): m is LoggedMetric & { modelId: string } => typeof m.modelId === 'string' && m.modelId !== '');
  if (linked.length === 0) return;
  await tx.query(
    `INSERT INTO logged_model_metrics (model_id, key, step, timestamp, value, is_nan, run_id, dataset_name, dataset_digest)
     SELECT mid, k, st, ts, v::float8, v::float8 = 'NaN'::float8, $1, dn, dd
     FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[]) AS u(mid, k, v, ts, st, dn, dd)
     ON CONFLICT DO NOTHING`,
    [
      runId,
      linked.map((m) => m.modelId),
      linked.map((m) => m.key),
      linked.map((m) => String(m.value)),
      linked.map((m) => m.timestamp),
      linked.map((m) => m.step),
      linked.map((m) => m.datasetName ?? ''),
      linked.map((m) => m.datasetDigest ?? ''),
    ],
  );
}

/**
 * Both tables in one statement. History takes every point ($2–$5); the latest-value table only
 * each key's latest point of the batch ($6–$9, reduced by `latestPerKey`), which it keeps if it
 * beats the stored one. Points go as four array literals each (key, value, timestamp, step).
 */
const points = (first: number) => `
  SELECT k AS key, v AS value, t AS timestamp, s AS step, v = 'NaN'::float8 AS is_nan
  FROM unnest($${first}::text[], $${first + 1}::float8[], $${first + 2}::bigint[], $${first + 3}::bigint[]) AS u(k, v, t, s)`;
const metricsStatement = (skipDuplicates: boolean) => `
  WITH history AS (
    INSERT INTO run_metrics (run_id, key, step, timestamp, value, is_nan)
    SELECT $1, p.key, p.step, p.timestamp, p.value, p.is_nan FROM (${points(2)}) p${skipDuplicates ? ' ON CONFLICT DO NOTHING' : ''})
  INSERT INTO run_latest_metrics AS l (run_id, key, value, timestamp, step, is_nan)
  SELECT $1, p.key, p.value, p.timestamp, p.step, p.is_nan FROM (${points(6)}) p
  ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value, timestamp = EXCLUDED.timestamp, step = EXCLUDED.step, is_nan = EXCLUDED.is_nan
  WHERE (EXCLUDED.step, EXCLUDED.timestamp, ${COMPARABLE('EXCLUDED')}) > (l.step, l.timestamp, ${COMPARABLE('l')})`;
const PLAIN = metricsStatement(false);
const SKIPPING_DUPLICATES = metricsStatement(true);

export async function projectMetrics(tx: EntityManager, runId: string, metrics: readonly LoggedMetric[]): Promise<void> {
  if (metrics.length === 0) return;
  const columns = (ms: readonly LoggedMetric[]) => [
    pgTextArray(ms.map((m) => m.key)),
    pgNumberArray(ms.map((m) => m.value)),
    pgNumberArray(ms.map((m) => m.timestamp)),
    pgNumberArray(ms.map((m) => m.step)),
  ];
  const params = [runId, ...columns(metrics), ...columns(latestPerKey(metrics))];
  // A point logged again (same key, step, timestamp and value) is kept once. Batches almost never
  // repeat a point, so they are inserted plainly first: ON CONFLICT's speculative insertion doubles
  // the cost of every row. Only a batch that does repeat one is rolled back and inserted skipping
  // duplicates, as MLflow's store falls back when its bulk insert hits the key.
  await tx.query('SAVEPOINT custos_metrics');
  try {
    await tx.query(PLAIN, params);
    await tx.query('RELEASE SAVEPOINT custos_metrics');
  } catch (e) {
    if (pgCode(e) !== PG.uniqueViolation) throw e;
    await tx.query('ROLLBACK TO SAVEPOINT custos_metrics');
    await tx.query(SKIPPING_DUPLICATES, params);
  }
}
