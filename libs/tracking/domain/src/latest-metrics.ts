import { decodeMetricValue, EncodedMetricValue, MetricSeries } from '@custos/events';

export interface LatestPoint {
  key: string;
  value: EncodedMetricValue;
  timestamp: number;
  step: number;
}

/** MLflow compares a NaN as 0 (it stores NaN as 0 with `is_nan` set). */
function comparable(value: EncodedMetricValue): number {
  const v = decodeMetricValue(value);
  return Number.isNaN(v) ? 0 : v;
}

function newer(s: MetricSeries, i: number, b: LatestPoint): boolean {
  if (s.steps[i] !== b.step) return s.steps[i] > b.step;
  if (s.timestamps[i] !== b.timestamp) return s.timestamps[i] > b.timestamp;
  return comparable(s.values[i]) > comparable(b.value);
}

/**
 * MLflow's "latest value" of each key among a batch's points: the greatest (step, timestamp,
 * value) wins and, among equal points, the one logged first stays, so a replay picks the same
 * point. The read model then only compares these against what it holds, one row per key.
 */
export function latestPerKey(series: readonly MetricSeries[]): LatestPoint[] {
  const best = new Map<string, LatestPoint>();
  for (const s of series) {
    for (let i = 0; i < s.steps.length; i++) {
      const current = best.get(s.key);
      if (current === undefined || newer(s, i, current)) best.set(s.key, { key: s.key, value: s.values[i], timestamp: s.timestamps[i], step: s.steps[i] });
    }
  }
  return [...best.values()];
}

/** One key's points of a batch, as parallel columns in the order they were logged. */
export interface KeyedPoints {
  key: string;
  steps: number[];
  timestamps: number[];
  values: EncodedMetricValue[];
}

/**
 * A batch's series merged by key (keys in first-logged order; a key's linked and unlinked series
 * one after the other): the metric history stores one row per key per batch, so a 1000-point
 * log-batch over 100 keys is 100 rows. A key with one series is passed through without copying.
 */
export function pointsByKey(series: readonly MetricSeries[]): KeyedPoints[] {
  const byKey = new Map<string, KeyedPoints>();
  for (const s of series) {
    const g = byKey.get(s.key);
    if (g === undefined) {
      byKey.set(s.key, { key: s.key, steps: s.steps, timestamps: s.timestamps, values: s.values });
      continue;
    }
    // A second series of the key: its columns are copied rather than appended to the first series'.
    byKey.set(s.key, { key: s.key, steps: g.steps.concat(s.steps), timestamps: g.timestamps.concat(s.timestamps), values: g.values.concat(s.values) });
  }
  return [...byKey.values()];
}
