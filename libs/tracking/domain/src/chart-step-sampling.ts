/**
 * Which steps the UI's sampled charts (`get-history-bulk-interval`) show, by MLflow's rule
 * (`mlflow/server/handlers.py`, get_metric_history_bulk_interval): the steps are sampled once over
 * the union of every requested run's steps, so all runs are drawn at the same x positions, and each
 * run's first and last step inside the range is added back so no line loses its ends. The stock UI
 * and its tests expect exactly these steps, so the quirks are kept on purpose:
 * - without a range the range is 0..(largest step), so negative steps are never sampled;
 * - bucket positions are computed relative to the range's first step but bounded by the number of
 *   steps in the range, so with a range that starts after the first logged step the tail buckets
 *   are dropped (only the range's last step and the runs' ends stand for them).
 */

export interface StepRange {
  start: number;
  end: number;
}

/** One run's smallest and largest logged step for the key. */
export interface RunStepBounds {
  min: number;
  max: number;
}

/** First index whose step is >= `step` (all steps ascending). */
function firstAtOrAbove(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid] < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose step is > `step` (all steps ascending). */
function firstAbove(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid] <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Evenly spaced picks among the steps in [start, end], plus the range's last step. */
function sampleWithinRange(allSteps: readonly number[], range: StepRange, maxResults: number): number[] {
  const from = firstAtOrAbove(allSteps, range.start);
  const to = firstAbove(allSteps, range.end);
  const count = to - from;
  if (count <= maxResults) return allSteps.slice(from, Math.max(from, to));
  const interval = count / maxResults;
  const picked: number[] = [];
  for (let i = 0; i < maxResults; i++) {
    const index = from + Math.trunc(i * interval);
    if (index < count) picked.push(allSteps[index]);
  }
  picked.push(allSteps[to - 1]);
  return picked;
}

/**
 * The sorted, distinct steps to return for every run.
 * @param allSteps the distinct steps of all requested runs, ascending
 * @param runBounds each run's own smallest and largest step (runs without points left out)
 * @param maxResults the request's max_results (1..2500, validated by the caller)
 * @param range the request's start_step..end_step, or null when neither was given
 */
export function sampleChartSteps(allSteps: readonly number[], runBounds: readonly RunStepBounds[], maxResults: number, range: StepRange | null): number[] {
  const effective = range ?? { start: 0, end: allSteps.length > 0 ? allSteps[allSteps.length - 1] : 0 };
  const chosen = new Set(sampleWithinRange(allSteps, effective, maxResults));
  for (const { min, max } of runBounds) {
    for (const end of [min, max]) if (effective.start <= end && end <= effective.end) chosen.add(end);
  }
  return [...chosen].sort((a, b) => a - b);
}
