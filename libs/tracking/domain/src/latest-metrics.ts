import { decodeMetricValue, EncodedMetricValue } from '@custos/events';

interface Point {
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

function newer(a: Point, b: Point): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return comparable(a.value) > comparable(b.value);
}

/**
 * MLflow's "latest value" of each key among a batch's points: the greatest (step, timestamp,
 * value) wins and, among equal points, the one logged first stays, so a replay picks the same
 * point. The read model then only compares these against what it holds, one row per key.
 */
export function latestPerKey<P extends Point>(points: readonly P[]): P[] {
  const best = new Map<string, P>();
  for (const p of points) {
    const current = best.get(p.key);
    if (current === undefined || newer(p, current)) best.set(p.key, p);
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
 * A batch's points grouped by key (keys in first-logged order, points in logged order): the metric
 * history stores one row per key per batch, so a 1000-point log-batch over 100 keys is 100 rows.
 */
export function pointsByKey(points: readonly Point[]): KeyedPoints[] {
  const byKey = new Map<string, KeyedPoints>();
  for (const p of points) {
    let g = byKey.get(p.key);
    if (g === undefined) byKey.set(p.key, (g = { key: p.key, steps: [], timestamps: [], values: [] }));
    g.steps.push(p.step);
    g.timestamps.push(p.timestamp);
    g.values.push(p.value);
  }
  return [...byKey.values()];
}
