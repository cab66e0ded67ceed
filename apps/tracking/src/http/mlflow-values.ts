import { encodeMetricValue, EncodedMetricValue } from '@custos/events';
import { DatasetInputData, KeyValue, MetricInput, TrackingError } from '@custos/tracking-domain';

/*
 * Values inside MLflow request messages, read the way protobuf's JSON parser reads them: int64 as a
 * number or a decimal string, doubles as a number or a string ("NaN", "Infinity", "-Infinity" and
 * numeric strings, which is how the client sends non-finite metric values), unset optional fields
 * as their proto default. Anything else is INVALID_PARAMETER_VALUE, never a 5xx.
 */

const invalid = (path: string, v: unknown, expected: string) =>
  TrackingError.invalidParameter(`Invalid value ${JSON.stringify(v) ?? 'undefined'} for parameter '${path}' supplied: expected ${expected}.`);

function absent(v: unknown): boolean {
  return v === undefined || v === null;
}

export function asObject(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(path, v, 'an object');
  return v as Record<string, unknown>;
}

export function asString(v: unknown, path: string, fallback = ''): string {
  if (absent(v)) return fallback;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalid(path, v, 'a string');
}

export function asInt(v: unknown, path: string, fallback: number): number {
  if (absent(v) || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw invalid(path, v, 'an integer');
  return n;
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

export function asDouble(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity' || v === 'inf' || v === '+inf') return Infinity;
    if (v === '-Infinity' || v === '-inf') return -Infinity;
    if (NUMERIC.test(v)) return Number(v);
  }
  throw invalid(path, v, 'a valid double (64-bit floating point)');
}

export function asList(v: unknown, path: string): unknown[] {
  if (absent(v)) return [];
  if (Array.isArray(v)) return v;
  throw invalid(path, v, 'a list');
}

/** Lengths the event schema bounds are refused here as a 400, never left to fail the append. */
export function withinLength(s: string, path: string, max: number): string {
  if ([...s].length > max) throw TrackingError.invalidParameter(`'${path}' exceeds the maximum length of ${max} characters`);
  return s;
}

/** A required, bounded string (e.g. a model id): empty or over-long is a 400. */
export function boundedString(v: unknown, path: string, max: number): string {
  const s = asString(v, path);
  if (s === '') throw TrackingError.invalidParameter(`Missing value for required parameter '${path}'.`);
  return withinLength(s, path, max);
}

export function toKeyValues(v: unknown, path: string): KeyValue[] {
  return asList(v, path).map((item, i) => {
    const o = asObject(item, `${path}[${i}]`);
    return { key: asString(o.key, `${path}[${i}].key`), value: asString(o.value, `${path}[${i}].value`) };
  });
}

/** One metric of a log-batch (proto defaults for unset fields). */
export function toMetric(v: unknown, path: string): MetricInput {
  const o = asObject(v, path);
  return {
    key: asString(o.key, `${path}.key`),
    value: absent(o.value) ? 0 : asDouble(o.value, `${path}.value`),
    timestamp: asInt(o.timestamp, `${path}.timestamp`, 0),
    step: asInt(o.step, `${path}.step`, 0),
    ...metricLinks(o, path),
  };
}

/** MLflow 3's optional metric links (`model_id`, `dataset_name`, `dataset_digest`); unset or empty is none. */
export function metricLinks(o: Record<string, unknown>, path: string): Pick<MetricInput, 'modelId' | 'datasetName' | 'datasetDigest'> {
  const at = (name: string) => (path ? `${path}.${name}` : name);
  const opt = (name: string, max: number) => (absent(o[name]) || o[name] === '' ? undefined : withinLength(asString(o[name], at(name)), at(name), max));
  const modelId = opt('model_id', 64);
  const datasetName = opt('dataset_name', 500);
  const datasetDigest = opt('dataset_digest', 36);
  return { ...(modelId ? { modelId } : {}), ...(datasetName ? { datasetName } : {}), ...(datasetDigest ? { datasetDigest } : {}) };
}

export function toDatasetInputs(v: unknown): DatasetInputData[] {
  return asList(v, 'datasets').map((item, i) => {
    const path = `datasets[${i}]`;
    const o = asObject(item, path);
    const d = asObject(o.dataset ?? {}, `${path}.dataset`);
    return {
      name: asString(d.name, `${path}.dataset.name`),
      digest: asString(d.digest, `${path}.dataset.digest`),
      // Empty is refused by the domain's dataset validation; only the schema's bound is checked here.
      sourceType: withinLength(asString(d.source_type, `${path}.dataset.source_type`), `${path}.dataset.source_type`, 256),
      source: asString(d.source, `${path}.dataset.source`),
      schema: absent(d.schema) ? null : asString(d.schema, `${path}.dataset.schema`),
      profile: absent(d.profile) ? null : asString(d.profile, `${path}.dataset.profile`),
      tags: toKeyValues(o.tags, `${path}.tags`),
    };
  });
}

/**
 * A double as MLflow's server writes it: protobuf's JSON form, where NaN and ±Infinity are the
 * strings "NaN", "Infinity" and "-Infinity" (the client's parser refuses bare NaN tokens).
 */
export function doubleJson(value: number): EncodedMetricValue {
  return encodeMetricValue(value);
}
