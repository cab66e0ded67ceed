/**
 * MLflow's sample of one run's history for the UI's charts (`get-history-bulk-interval`), as its
 * SQL store computes it in the pinned version (3.17.2, `SqlAlchemyStore.get_metric_history_bulk_interval`,
 * what `mlflow server` runs by default): each run is sampled on its own, by row, not by step.
 * The run's points (within the requested step range, if any) in chart order — step, timestamp,
 * value with NaN as 0, NaN last — are split into `maxResults` buckets the way SQL's NTILE splits
 * them (the first `total % maxResults` buckets one row longer); the first point of each bucket is
 * kept, and the run's last point always ends the sample, replacing the final pick when the sample
 * is already full. Older MLflow servers sampled distinct steps shared by all runs instead (steps
 * 0..9 at five results gave 0,2,4,6,8,9; this rule gives 0,2,4,6,9).
 *
 * Tracking computes the same in SQL so a run with millions of points returns only its sample
 * (`sampledMetricHistory`); this function is the rule's statement, and that query is tested
 * against it.
 */
export function sampleChartPoints<T>(points: readonly T[], maxResults: number): T[] {
  const buckets = Math.max(1, Math.trunc(maxResults));
  const total = points.length;
  if (total <= buckets) return [...points];
  const size = Math.floor(total / buckets);
  const longer = total % buckets;
  const picked: T[] = [];
  for (let b = 0; b < buckets; b++) picked.push(points[b * size + Math.min(b, longer)]);
  // Every bucket has a row here, so the sample is full: the run's last point takes the final place
  // unless it already holds it (a bucket of one row at the end).
  picked[picked.length - 1] = points[total - 1];
  return picked;
}
