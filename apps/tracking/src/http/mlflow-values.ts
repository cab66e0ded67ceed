import { encodeMetricValue, EncodedMetricValue } from '@custos/events';
import { MlflowValues } from '@custos/platform';
import {
  DatasetInputData,
  KeyValue,
  MAX_DATASET_DIGEST_SIZE,
  MAX_DATASET_NAME_SIZE,
  MAX_DATASET_SOURCE_TYPE_SIZE,
  MAX_METRIC_MODEL_ID_LENGTH,
  MetricInput,
  TrackingError,
} from '@custos/tracking-domain';

/*
 * Values inside MLflow request messages (a log-batch's metrics, a dataset input, a tag list), read
 * through the platform's MlflowValues: protobuf's JSON types and MLflow's messages, the same rules
 * as the top-level fields. Anything else is INVALID_PARAMETER_VALUE, never a 5xx.
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

/** A required, bounded string (e.g. a model id): empty or over-long is a 400. */
export function boundedString(v: unknown, path: string, max: number): string {
  return withinLength(read.requiredString(v, path), path, max);
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

export function toDatasetInputs(v: unknown): DatasetInputData[] {
  return asList(v, 'datasets').map((item, i) => {
    const path = `datasets[${i}]`;
    const o = asObject(item, path);
    const d = asObject(o.dataset ?? {}, `${path}.dataset`);
    return {
      name: asString(d.name, `${path}.dataset.name`),
      digest: asString(d.digest, `${path}.dataset.digest`),
      // Empty is refused by the domain's dataset validation; only the schema's bound is checked here.
      sourceType: withinLength(asString(d.source_type, `${path}.dataset.source_type`), `${path}.dataset.source_type`, MAX_DATASET_SOURCE_TYPE_SIZE),
      source: asString(d.source, `${path}.dataset.source`),
      schema: read.absent(d.schema) ? null : asString(d.schema, `${path}.dataset.schema`),
      profile: read.absent(d.profile) ? null : asString(d.profile, `${path}.dataset.profile`),
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
