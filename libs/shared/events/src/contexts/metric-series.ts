import { z } from 'zod/v4';

/**
 * JSON has no NaN or ±Infinity, yet MLflow metrics may be any double. Such values travel as the
 * strings "NaN", "Infinity" and "-Infinity"; finite values stay numbers.
 */
export const NON_FINITE_METRIC_VALUES = ['NaN', 'Infinity', '-Infinity'] as const;
export const encodedMetricValue = z.union([z.number().finite(), z.enum(NON_FINITE_METRIC_VALUES)]);
export type EncodedMetricValue = z.infer<typeof encodedMetricValue>;

export function encodeMetricValue(value: number): EncodedMetricValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

export function decodeMetricValue(value: EncodedMetricValue): number {
  switch (value) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    default:
      return value;
  }
}

/** At most this many points in one event, over all its series (MLflow's log-batch limit). */
export const MAX_POINTS_PER_EVENT = 1000;

/*
 * The columns of a series are checked by one loop each rather than a schema per element: a
 * 1000-point batch is 3000 elements, and a per-element schema made validation the dearest step of
 * producing and of consuming the event. They accept exactly what the per-point schemas did.
 */
function column<T>(what: string, ok: (v: unknown) => boolean) {
  return z.custom<T[]>((v) => Array.isArray(v) && v.length <= MAX_POINTS_PER_EVENT && v.every(ok), { message: `expected an array of at most ${MAX_POINTS_PER_EVENT} ${what}` });
}
const isInteger = (v: unknown) => Number.isSafeInteger(v);
const isEpochMillis = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isEncodedValue = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || v === 'NaN' || v === 'Infinity' || v === '-Infinity';

/**
 * One key's points of one event, in the order they were logged, as parallel columns. Points linked
 * to a logged model or a dataset (MLflow 3) form their own series, one per (key, model, dataset).
 */
export const metricSeries = z
  .object({
    key: z.string().min(1).max(250),
    steps: column<number>('integers', isInteger),
    timestamps: column<number>('non-negative integers', isEpochMillis),
    values: column<EncodedMetricValue>('finite numbers, "NaN", "Infinity" or "-Infinity"', isEncodedValue),
    modelId: z.string().min(1).max(64).optional(),
    datasetName: z.string().min(1).max(500).optional(),
    datasetDigest: z.string().min(1).max(36).optional(),
  })
  .refine((s) => s.steps.length > 0 && s.timestamps.length === s.steps.length && s.values.length === s.steps.length, {
    message: 'steps, timestamps and values must be non-empty and of one length',
  });
export type MetricSeries = z.infer<typeof metricSeries>;

export const metricSeriesList = z
  .array(metricSeries)
  .max(MAX_POINTS_PER_EVENT)
  .refine((all) => pointCount(all) <= MAX_POINTS_PER_EVENT, { message: `at most ${MAX_POINTS_PER_EVENT} points in all` });

export function pointCount(series: readonly MetricSeries[]): number {
  let n = 0;
  for (const s of series) n += s.steps.length;
  return n;
}

/** A metric point as MLflow's API and the v1/v2 events carry it. */
export interface MetricPoint {
  key: string;
  value: EncodedMetricValue;
  timestamp: number;
  step: number;
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

/** The series a point belongs to: its key, and its model and dataset when it names them. */
export function seriesIdentity(p: Pick<MetricPoint, 'key' | 'modelId' | 'datasetName' | 'datasetDigest'>): string {
  // Metric keys are validated to letters, digits and `/_.- :`, never `[`, so a plain key cannot
  // collide with the JSON form that linked points (free text) take.
  return p.modelId || p.datasetName || p.datasetDigest ? JSON.stringify([p.key, p.modelId ?? null, p.datasetName ?? null, p.datasetDigest ?? null]) : p.key;
}

export function emptySeries(p: Pick<MetricPoint, 'key' | 'modelId' | 'datasetName' | 'datasetDigest'>): MetricSeries {
  const s: MetricSeries = { key: p.key, steps: [], timestamps: [], values: [] };
  if (p.modelId) s.modelId = p.modelId;
  if (p.datasetName) s.datasetName = p.datasetName;
  if (p.datasetDigest) s.datasetDigest = p.datasetDigest;
  return s;
}

/** Points as series: series in the order their first point came, points in logged order. */
export function toMetricSeries(points: readonly MetricPoint[]): MetricSeries[] {
  const byIdentity = new Map<string, MetricSeries>();
  for (const p of points) {
    const id = seriesIdentity(p);
    let s = byIdentity.get(id);
    if (s === undefined) byIdentity.set(id, (s = emptySeries(p)));
    s.steps.push(p.step);
    s.timestamps.push(p.timestamp);
    s.values.push(p.value);
  }
  return [...byIdentity.values()];
}

/** Series as points, series by series: the inverse of `toMetricSeries` up to the points' order. */
export function toMetricPoints(series: readonly MetricSeries[]): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const s of series) {
    for (let i = 0; i < s.steps.length; i++) {
      const p: MetricPoint = { key: s.key, value: s.values[i], timestamp: s.timestamps[i], step: s.steps[i] };
      if (s.modelId) p.modelId = s.modelId;
      if (s.datasetName) p.datasetName = s.datasetName;
      if (s.datasetDigest) p.datasetDigest = s.datasetDigest;
      points.push(p);
    }
  }
  return points;
}
