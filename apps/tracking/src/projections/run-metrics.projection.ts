import { EntityManager } from 'typeorm';
import { decodeMetricValue, MetricSeries, toMetricPoints } from '@custos/events';
import { pgBinaryArray, pgTextArray } from '@custos/eventing';
import { latestPerKey, pointsByKey } from '@custos/tracking-domain';

/*
 * Metric points arrive as one batch per event (a log-batch of 1000 points is one event, its points
 * grouped into series by key), so each table takes one statement per batch. Values travel as text
 * ("NaN", "Infinity", "-Infinity" or a JavaScript number's shortest form) and are cast to double
 * precision, which holds all of them.
 *
 * MLflow's "latest" rule: the point with the greatest (step, timestamp, value) wins, where a NaN
 * compares as 0 (MLflow stores NaN as 0 with is_nan set) and, among equal points, the one logged
 * first stays. Within a batch `latestPerKey` applies it (in order, so a replay picks the same
 * point); against the stored row the statement below does.
 */
const COMPARABLE = (t: string) => `CASE WHEN ${t}.is_nan THEN 0 ELSE ${t}.value END`;

/** Points that name a logged model are that model's metrics too (MLflow 3). */
export async function projectLoggedModelMetrics(tx: EntityManager, runId: string, metrics: readonly MetricSeries[]): Promise<void> {
  const linkedSeries = metrics.filter((s) => typeof s.modelId === 'string' && s.modelId !== '');
  if (linkedSeries.length === 0) return;
  const linked = toMetricPoints(linkedSeries);
  await tx.query(
    `INSERT INTO logged_model_metrics (model_id, key, step, timestamp, value, is_nan, run_id, dataset_name, dataset_digest)
     SELECT mid, k, st, ts, v::float8, v::float8 = 'NaN'::float8, $1, dn, dd
     FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[]) AS u(mid, k, v, ts, st, dn, dd)
     ON CONFLICT DO NOTHING`,
    [
      runId,
      linked.map((m) => m.modelId as string),
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
 * Both tables in one statement, for one or more batches of a run. History takes one row per key
 * per batch: $2/$3 give each row's stream position and key, $4–$6 hold every row's steps,
 * timestamps and values one row after the other, and $11/$12 give each row's first and last index
 * in them. Rows are keyed by the event's position in the run's stream; a point logged again is
 * stored again and read once (see metric-history.query.ts). An event is projected once (by one
 * catch-up, or after a rebuild's truncation), so the insert needs no conflict check: its
 * speculative insertion cost a millisecond per 100 rows. The latest-value table takes only each
 * key's latest point of the batches ($7–$10, reduced by `latestPerKey` over them in stream order),
 * which it keeps if it beats the stored one. The number columns travel as binary arrays: as text,
 * the server's parsing of a thousand doubles was most of the statement's time after its writes.
 */
const METRICS = `
  WITH history AS (
    INSERT INTO run_metric_batches (run_id, key, stream_position, steps, timestamps, vals)
    SELECT $1, k, p, ($4::bigint[])[f:l], ($5::bigint[])[f:l], ($6::float8[])[f:l]
    FROM unnest($2::bigint[], $3::text[], $11::bigint[], $12::bigint[]) AS u(p, k, f, l))
  INSERT INTO run_latest_metrics AS l (run_id, key, value, timestamp, step, is_nan)
  SELECT $1, k, v, t, s, v = 'NaN'::float8 FROM unnest($7::text[], $8::float8[], $9::bigint[], $10::bigint[]) AS u(k, v, t, s)
  ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value, timestamp = EXCLUDED.timestamp, step = EXCLUDED.step, is_nan = EXCLUDED.is_nan
  WHERE (EXCLUDED.step, EXCLUDED.timestamp, ${COMPARABLE('EXCLUDED')}) > (l.step, l.timestamp, ${COMPARABLE('l')})`;

/** One event's metric series and its position in the run's stream. */
export interface MetricBatch {
  position: number;
  metrics: readonly MetricSeries[];
}

/** Projects a run's batches, given in stream order, in one statement. */
export async function projectMetricBatches(tx: EntityManager, runId: string, batches: readonly MetricBatch[]): Promise<void> {
  const rows = batches.flatMap((b) => pointsByKey(b.metrics).map((g) => ({ position: b.position, ...g })));
  if (rows.length === 0) return;
  const latest = latestPerKey(batches.flatMap((b) => b.metrics));
  const firsts: number[] = [];
  const lasts: number[] = [];
  let end = 0;
  for (const r of rows) {
    firsts.push(end + 1);
    end += r.steps.length;
    lasts.push(end);
  }
  await tx.query(METRICS, [
    runId,
    pgBinaryArray(
      'int8',
      rows.map((r) => r.position),
    ),
    pgTextArray(rows.map((r) => r.key)),
    pgBinaryArray(
      'int8',
      rows.flatMap((r) => r.steps),
    ),
    pgBinaryArray(
      'int8',
      rows.flatMap((r) => r.timestamps),
    ),
    pgBinaryArray(
      'float8',
      rows.flatMap((r) => r.values.map(decodeMetricValue)),
    ),
    pgTextArray(latest.map((m) => m.key)),
    pgBinaryArray(
      'float8',
      latest.map((m) => decodeMetricValue(m.value)),
    ),
    pgBinaryArray(
      'int8',
      latest.map((m) => m.timestamp),
    ),
    pgBinaryArray(
      'int8',
      latest.map((m) => m.step),
    ),
    pgBinaryArray('int8', firsts),
    pgBinaryArray('int8', lasts),
  ]);
}

/** Projects one batch's series; `streamPosition` is its event's position in the run's stream. */
export function projectMetrics(tx: EntityManager, runId: string, streamPosition: number, metrics: readonly MetricSeries[]): Promise<void> {
  return projectMetricBatches(tx, runId, [{ position: streamPosition, metrics }]);
}

/** Written in the append's transaction instead: the event at `streamPosition` has metrics still to project (decision 023). */
export async function markMetricsPending(tx: EntityManager, runId: string, streamPosition: number): Promise<void> {
  await tx.query(`INSERT INTO run_metrics_pending (run_id, stream_position) VALUES ($1, $2)`, [runId, streamPosition]);
}
