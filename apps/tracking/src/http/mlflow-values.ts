import { encodeMetricValue, EncodedMetricValue } from '@custos/events';
import { MlflowValues } from '@custos/platform';
import { DatasetInputData, KeyValue, MAX_DATASET_DIGEST_SIZE, MAX_DATASET_NAME_SIZE, MAX_METRIC_MODEL_ID_LENGTH, MetricInput, TrackingError } from '@custos/tracking-domain';

/*
 * Values inside a log-batch (its metrics, params and tags), read through the platform's
 * MlflowValues on the hot path that keeps the reader (decision 041): protobuf's JSON types and
 * MLflow's messages, the same rules the DTOs' decorators apply. Anything else is
 * INVALID_PARAMETER_VALUE, never a 5xx. Also the small maps from validated DTOs to commands.
 */

const read = new MlflowValues((message) => TrackingError.invalidParameter(message));

export function asObject(v: unknown, path: string): Record<string, unknown> {
  return read.object(v, path);
}

export function asString(v: unknown, path: string, fallback = ''): string {
  return read.string(v, path) ?? fallback;
}

export function asInt(v: unknown, path: string, fallback: number): number {
  return read.int(v, path) ?? fallback;
}

export function asDouble(v: unknown, path: string): number {
  return read.requiredDouble(v, path);
}

export function asList(v: unknown, path: string): unknown[] {
  return read.list(v, path);
}

/** Lengths the event schema bounds are refused here as a 400, never left to fail the append. */
export function withinLength(s: string, path: string, max: number): string {
  if ([...s].length > max) throw TrackingError.invalidParameter(`'${path}' exceeds the maximum length of ${max} characters`);
  return s;
}

/** Params and tags: MLflow requires each key (`_assert_required` on `params[i].key`); an unset value is "". */
export function toKeyValues(v: unknown, path: string): KeyValue[] {
  return asList(v, path).map((item, i) => {
    const o = asObject(item, `${path}[${i}]`);
    return { key: read.requiredString(o.key, `${path}[${i}].key`), value: asString(o.value, `${path}[${i}].value`) };
  });
}

/** A DTO's validated params or tags (keys required by the DTO); an unset value is "". */
export function keyValuesOf(list: readonly { key: string; value?: string }[] | undefined): KeyValue[] {
  return (list ?? []).map((kv) => ({ key: kv.key, value: kv.value ?? '' }));
}

/** The run a validated request names: `run_id`, or the legacy `run_uuid` (the DTO requires one). */
export function runIdOf(dto: { run_id?: string; run_uuid?: string }): string {
  return dto.run_id || dto.run_uuid || '';
}

/** A log-inputs request's validated datasets; a dataset input without its dataset has an empty one. */
export function datasetInputsOf(
  inputs: readonly { dataset?: { name?: string; digest?: string; source_type?: string; source?: string; schema?: string; profile?: string }; tags?: { key: string; value?: string }[] }[] | undefined,
): DatasetInputData[] {
  return (inputs ?? []).map(({ dataset: d = {}, tags }) => ({
    name: d.name ?? '',
    digest: d.digest ?? '',
    sourceType: d.source_type ?? '',
    source: d.source ?? '',
    schema: d.schema ?? null,
    profile: d.profile ?? null,
    tags: keyValuesOf(tags),
  }));
}

/** One metric of a log-batch: key, value and timestamp are required, as MLflow's LogBatch checks them. */
export function toMetric(v: unknown, path: string): MetricInput {
  const o = asObject(v, path);
  return {
    key: read.requiredString(o.key, `${path}.key`),
    value: read.requiredDouble(o.value, `${path}.value`),
    timestamp: read.requiredInt(o.timestamp, `${path}.timestamp`),
    step: asInt(o.step, `${path}.step`, 0),
    ...metricLinks(o, path),
  };
}

/** MLflow 3's optional metric links (`model_id`, `dataset_name`, `dataset_digest`); unset or empty is none. */
export function metricLinks(o: Record<string, unknown>, path: string): Pick<MetricInput, 'modelId' | 'datasetName' | 'datasetDigest'> {
  const at = (name: string) => (path ? `${path}.${name}` : name);
  const opt = (name: string, max: number) => (read.absent(o[name]) || o[name] === '' ? undefined : withinLength(asString(o[name], at(name)), at(name), max));
  const modelId = opt('model_id', MAX_METRIC_MODEL_ID_LENGTH);
  const datasetName = opt('dataset_name', MAX_DATASET_NAME_SIZE);
  const datasetDigest = opt('dataset_digest', MAX_DATASET_DIGEST_SIZE);
  return { ...(modelId ? { modelId } : {}), ...(datasetName ? { datasetName } : {}), ...(datasetDigest ? { datasetDigest } : {}) };
}

/**
 * A double as MLflow's server writes it: protobuf's JSON form, where NaN and ±Infinity are the
 * strings "NaN", "Infinity" and "-Infinity" (the client's parser refuses bare NaN tokens).
 */
export function doubleJson(value: number): EncodedMetricValue {
  return encodeMetricValue(value);
}
