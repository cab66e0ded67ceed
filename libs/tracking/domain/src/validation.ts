import { TrackingError } from './errors';

/*
 * MLflow's input limits and validators (`mlflow/utils/validation.py`, `mlflow/store/tracking`),
 * with MLflow's messages, so a client that trips one sees the error it would from MLflow.
 * Lengths count Unicode code points, as Python's len() does.
 */

export const MAX_PARAMS_TAGS_PER_BATCH = 100;
export const MAX_METRICS_PER_BATCH = 1000;
export const MAX_DATASETS_PER_BATCH = 1000;
export const MAX_ENTITIES_PER_BATCH = 1000;
export const MAX_BATCH_LOG_REQUEST_SIZE = 1_000_000;
export const MAX_PARAM_VAL_LENGTH = 6000;
export const MAX_TAG_VAL_LENGTH = 8000;
export const MAX_ENTITY_KEY_LENGTH = 250;
export const MAX_EXPERIMENT_NAME_LENGTH = 500;
export const MAX_EXPERIMENT_TAG_KEY_LENGTH = 250;
export const MAX_EXPERIMENT_TAG_VAL_LENGTH = 5000;
/** MLflow's `runs.name` column is VARCHAR(250). */
export const MAX_RUN_NAME_LENGTH = 250;
export const MAX_DATASET_NAME_SIZE = 500;
export const MAX_DATASET_DIGEST_SIZE = 36;
export const MAX_DATASET_SCHEMA_SIZE = 1_048_575;
export const MAX_DATASET_SOURCE_SIZE = 65_535;
export const MAX_DATASET_PROFILE_SIZE = 16_777_215;
export const MAX_INPUT_TAG_KEY_SIZE = 255;
export const MAX_INPUT_TAG_VALUE_SIZE = 500;
/** A dataset's `source_type`, as the event schema bounds it. */
export const MAX_DATASET_SOURCE_TYPE_SIZE = 256;
/** A run's `user_id`, as the event schema bounds it. */
export const MAX_RUN_USER_ID_LENGTH = 256;
/** A logged model's id where a run names it (inputs, outputs), as the event schema bounds it. */
export const MAX_LOGGED_MODEL_ID_LENGTH = 256;
/** A metric's link to a logged model (`model_id`), as the metric series schema bounds it. */
export const MAX_METRIC_MODEL_ID_LENGTH = 64;
/** A logged model's `name` and `model_type`, as the event schema bounds them. */
export const MAX_LOGGED_MODEL_NAME_LENGTH = 500;
export const SEARCH_MAX_RESULTS_DEFAULT = 1000;
export const SEARCH_MAX_RESULTS_THRESHOLD = 50_000;
export const MAX_EXPERIMENTS_LISTED_PER_PAGE = 50_000;
export const GET_METRIC_HISTORY_MAX_RESULTS = 25_000;

export const DEFAULT_EXPERIMENT_ID = '0';
export const MLFLOW_RUN_NAME_TAG = 'mlflow.runName';

export interface MetricInput {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  /** MLflow 3: the logged model the metric is about, and the dataset it was computed on. */
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface DatasetInputData {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema: string | null;
  profile: string | null;
  tags: KeyValue[];
}

/**
 * MLflow truncates over-long param and run-tag values instead of rejecting them unless the server
 * sets MLFLOW_TRUNCATE_LONG_VALUES=false; the same switch, with the same default.
 */
export interface ValueLimitOptions {
  truncateLongValues?: boolean;
}

const VALID_NAME = /^[/\p{L}\p{N}_.\- :]*$/u;
const BAD_CHARACTER_MESSAGE = 'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const EXPERIMENT_ID = /^[a-zA-Z0-9][\w-]{0,63}$/;
const LOGGED_MODEL_NAME_BAD_CHARS = ['/', ':', '.', '%', '"', "'"];

export function invalidValueMessage(path: string, value: unknown, message?: string): string {
  const formatted = JSON.stringify(value) ?? 'null';
  return message ? `Invalid value ${formatted} for parameter '${path}' supplied: ${message}` : `Invalid value ${formatted} for parameter '${path}' supplied.`;
}

function exceedsMaximumLength(path: string, limit: number): string {
  return `'${path}' exceeds the maximum length of ${limit} characters`;
}

function joinPath(base: string, field: string): string {
  return base ? `${base}.${field}` : field;
}

export function codePointLength(s: string): number {
  // UTF-16 length is an upper bound; only count code points when it matters.
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function overLimit(value: string, limit: number): boolean {
  return value.length > limit && codePointLength(value) > limit;
}

/** Python's posixpath.normpath, which MLflow uses to refuse names that would alias other names as files. */
export function posixNormpath(path: string): string {
  if (path === '') return '.';
  const leading = path.startsWith('//') && !path.startsWith('///') ? 2 : path.startsWith('/') ? 1 : 0;
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (leading === 0 && out.length === 0) || out[out.length - 1] === '..') out.push(part);
    else if (out.length > 0) out.pop();
  }
  return '/'.repeat(leading) + out.join('/') || '.';
}

function pathNotUnique(name: string): boolean {
  const norm = posixNormpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

/** Metric, param and tag keys: MLflow's character set, and no name that normalises to another path. */
export function validateKeyName(name: string, path = 'key'): void {
  if (!VALID_NAME.test(name)) throw TrackingError.invalidParameter(invalidValueMessage(path, name, BAD_CHARACTER_MESSAGE));
  if (pathNotUnique(name)) {
    const reason = `Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${posixNormpath(name)}'`;
    throw TrackingError.invalidParameter(invalidValueMessage(path, name, reason));
  }
}

export function validateLengthLimit(path: string, limit: number, value: string): void {
  if (overLimit(value, limit)) throw TrackingError.invalidParameter(exceedsMaximumLength(path, limit));
}

function limitValue(path: string, limit: number, value: string, options: ValueLimitOptions): string {
  if (!overLimit(value, limit)) return value;
  if (options.truncateLongValues ?? true) return [...value].slice(0, limit).join('');
  throw TrackingError.invalidParameter(exceedsMaximumLength(path, limit));
}

/**
 * `validKeys` carries the names already accepted in this batch: a log-batch repeats the same few
 * names hundreds of times, and each is checked once.
 */
export function validateMetric(metric: MetricInput, path = '', validKeys?: Set<string>): void {
  const knownKey = validKeys?.has(metric.key) ?? false;
  if (!knownKey) validateKeyName(metric.key, joinPath(path, 'name'));
  if (typeof metric.value !== 'number') {
    throw TrackingError.invalidParameter(invalidValueMessage(joinPath(path, 'value'), metric.value, `(timestamp=${metric.timestamp}). Please specify value as a valid double (64-bit floating point)`));
  }
  if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
    throw TrackingError.invalidParameter(
      invalidValueMessage(joinPath(path, 'timestamp'), metric.timestamp, `metric '${metric.key}' (value=${metric.value}). Timestamp must be a nonnegative long (64-bit integer) `),
    );
  }
  if (!Number.isSafeInteger(metric.step)) {
    throw TrackingError.invalidParameter(invalidValueMessage(joinPath(path, 'step'), metric.step, `metric '${metric.key}' (value=${metric.value}). Step must be a valid long (64-bit integer).`));
  }
  if (knownKey) return;
  validateLengthLimit('Metric name', MAX_ENTITY_KEY_LENGTH, metric.key);
  validKeys?.add(metric.key);
}

/** Returns the value to store (truncated if MLflow would truncate it). */
export function validateParam(param: KeyValue, path = '', options: ValueLimitOptions = {}): string {
  validateKeyName(param.key, joinPath(path, 'key'));
  validateLengthLimit('Param key', MAX_ENTITY_KEY_LENGTH, param.key);
  return limitValue('Param value', MAX_PARAM_VAL_LENGTH, param.value, options);
}

/** Run (and logged-model) tags. Returns the value to store. */
export function validateTag(tag: KeyValue, path = '', options: ValueLimitOptions = {}): string {
  validateKeyName(tag.key, joinPath(path, 'key'));
  validateLengthLimit(joinPath(path, 'key'), MAX_ENTITY_KEY_LENGTH, tag.key);
  return limitValue(joinPath(path, 'value'), MAX_TAG_VAL_LENGTH, tag.value, options);
}

export function validateExperimentTag(tag: KeyValue): void {
  validateKeyName(tag.key);
  validateLengthLimit('key', MAX_EXPERIMENT_TAG_KEY_LENGTH, tag.key);
  validateLengthLimit('value', MAX_EXPERIMENT_TAG_VAL_LENGTH, tag.value);
}

function validateBatchLimit(entityName: string, limit: number, length: number): void {
  if (length > limit) {
    throw TrackingError.invalidParameter(
      `A batch logging request can contain at most ${limit} ${entityName}. Got ${length} ${entityName}. Please split up ${entityName} across multiple requests and try again.`,
    );
  }
}

export function validateBatchLogLimits(counts: { metrics: number; params: number; tags: number }): void {
  validateBatchLimit('metrics', MAX_METRICS_PER_BATCH, counts.metrics);
  validateBatchLimit('params', MAX_PARAMS_TAGS_PER_BATCH, counts.params);
  validateBatchLimit('tags', MAX_PARAMS_TAGS_PER_BATCH, counts.tags);
  validateBatchLimit('metrics, params, and tags', MAX_ENTITIES_PER_BATCH, counts.metrics + counts.params + counts.tags);
}

/** Guards the raw request body size before parsing, as MLflow does for log-batch. */
export function validateBatchLogRequestSize(bytes: number): void {
  if (bytes > MAX_BATCH_LOG_REQUEST_SIZE) {
    throw TrackingError.invalidParameter(`Batched logging API requests must be at most ${MAX_BATCH_LOG_REQUEST_SIZE} bytes, got a request of size ${bytes}.`);
  }
}

export function validateParamKeysUnique(params: readonly KeyValue[]): void {
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const p of params) {
    if (seen.has(p.key)) dupes.push(p.key);
    seen.add(p.key);
  }
  if (dupes.length > 0) {
    throw TrackingError.invalidParameter(`Duplicate parameter keys have been submitted: ${JSON.stringify(dupes)}. Please ensure the request contains only one param value per param key.`);
  }
}

export function validateRunId(runId: string, path = 'run_id'): void {
  if (!RUN_ID.test(runId)) throw TrackingError.invalidParameter(invalidValueMessage(path, runId));
}

export function validateExperimentId(experimentId: string): void {
  if (!EXPERIMENT_ID.test(experimentId)) throw TrackingError.invalidParameter(`Invalid experiment ID: '${experimentId}'`);
}

export function validateExperimentName(name: string): void {
  if (name === '') throw TrackingError.invalidParameter(`Invalid experiment name: '${name}'`);
  validateLengthLimit('name', MAX_EXPERIMENT_NAME_LENGTH, name);
}

export function validateExperimentArtifactLocation(location: string): void {
  if (location.startsWith('runs:')) {
    throw TrackingError.invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  }
}

export function validateRunName(name: string): void {
  validateLengthLimit('run_name', MAX_RUN_NAME_LENGTH, name);
}

export function validateLoggedModelName(name: string): void {
  if (name === '' || LOGGED_MODEL_NAME_BAD_CHARS.some((c) => name.includes(c))) {
    throw TrackingError.invalidParameter(
      `Invalid model name (${JSON.stringify(name)}) provided. Model name must be a non-empty string and cannot contain the following characters: ${LOGGED_MODEL_NAME_BAD_CHARS.join(' ')}`,
    );
  }
}

export function validateDatasetInputs(datasets: readonly DatasetInputData[]): void {
  validateBatchLimit('datasets', MAX_DATASETS_PER_BATCH, datasets.length);
  for (const d of datasets) {
    for (const field of ['name', 'digest', 'sourceType'] as const) {
      if (d[field] === '') throw TrackingError.invalidParameter(`Dataset ${field === 'sourceType' ? 'source_type' : field} cannot be empty`);
    }
    validateLengthLimit('name', MAX_DATASET_NAME_SIZE, d.name);
    validateLengthLimit('digest', MAX_DATASET_DIGEST_SIZE, d.digest);
    validateLengthLimit('source', MAX_DATASET_SOURCE_SIZE, d.source);
    if (d.schema !== null) validateLengthLimit('schema', MAX_DATASET_SCHEMA_SIZE, d.schema);
    if (d.profile !== null) validateLengthLimit('profile', MAX_DATASET_PROFILE_SIZE, d.profile);
    for (const t of d.tags) {
      if (t.key === '') throw TrackingError.invalidParameter('InputTag key cannot be empty');
      validateLengthLimit('key', MAX_INPUT_TAG_KEY_SIZE, t.key);
      validateLengthLimit('value', MAX_INPUT_TAG_VALUE_SIZE, t.value);
    }
  }
}

/**
 * MLflow's words for max_results out of range, as its server (SQL store) answers them; clients and
 * people match on these. MLflow's request schema checks search runs' ceiling before the store and
 * phrases it with the value as sent (JSON-quoted when it came as a string) and its Python type.
 */
const notPositive = (n: number) => `Invalid value ${n} for parameter 'max_results' supplied. It must be a positive integer`;
const overStoreLimit = (n: number, limit: number) => `Invalid value ${n} for parameter 'max_results' supplied. It must be at most ${limit}`;
const overSchemaLimit = (sent: unknown) =>
  `Invalid value ${JSON.stringify(sent)} for parameter 'max_results' supplied:  Hint: Value was of type '${typeof sent === 'string' ? 'str' : 'int'}'. See the API docs for more information about request parameters.`;

/** @param sent the value as the request carried it (a number in JSON, a string in a query) */
export function validateSearchRunsMaxResults(maxResults: number, sent: unknown = maxResults): void {
  if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD) throw TrackingError.invalidParameter(overSchemaLimit(sent));
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) throw TrackingError.invalidParameter(notPositive(maxResults));
}

export function validateSearchExperimentsMaxResults(maxResults: number): void {
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) throw TrackingError.invalidParameter(notPositive(maxResults));
  if (maxResults > MAX_EXPERIMENTS_LISTED_PER_PAGE) throw TrackingError.invalidParameter(overStoreLimit(maxResults, MAX_EXPERIMENTS_LISTED_PER_PAGE));
}

/** MLflow's store sets no ceiling here; Custos keeps search's ceiling and says it in MLflow's store words. */
export function validateSearchLoggedModelsMaxResults(maxResults: number): void {
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) throw TrackingError.invalidParameter(notPositive(maxResults));
  if (maxResults > SEARCH_MAX_RESULTS_THRESHOLD) throw TrackingError.invalidParameter(overStoreLimit(maxResults, SEARCH_MAX_RESULTS_THRESHOLD));
}
