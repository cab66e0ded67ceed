import { LoggedModelFinalStatus } from '@custos/events';
import { TrackingError } from '@custos/tracking-domain';
import { LoggedModelRow } from '../access/logged-model-access.service';

const WIRE_STATUS = { PENDING: 'LOGGED_MODEL_PENDING', READY: 'LOGGED_MODEL_READY', FAILED: 'LOGGED_MODEL_UPLOAD_FAILED' } as const;

/** MLflow's LoggedModel message: tags live in `info`, params in `data`; int64 as numbers, status by name. */
/** One point of MLflow's Metric message as a logged model carries it. */
export interface LoggedModelMetricJson {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
  run_id: string;
  model_id: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export function loggedModelJson(row: LoggedModelRow, tags: { key: string; value: string }[], params: { key: string; value: string }[], metrics: LoggedModelMetricJson[] = []) {
  return {
    info: {
      model_id: row.model_id,
      experiment_id: row.experiment_id,
      name: row.name,
      creation_timestamp_ms: Number(row.creation_timestamp_ms),
      last_updated_timestamp_ms: Number(row.last_updated_timestamp_ms),
      artifact_uri: row.artifact_location,
      status: WIRE_STATUS[row.status],
      ...(row.model_type !== null ? { model_type: row.model_type } : {}),
      ...(row.source_run_id !== null ? { source_run_id: row.source_run_id } : {}),
      tags,
    },
    data: { params, metrics },
  };
}

/** FinalizeLoggedModel's status, by enum name or number; only the two final states are accepted. */
export function parseFinalStatus(v: string | undefined): LoggedModelFinalStatus {
  switch (v?.toUpperCase()) {
    case 'LOGGED_MODEL_READY':
    case 'READY':
    case '2':
      return 'READY';
    case 'LOGGED_MODEL_UPLOAD_FAILED':
    case 'FAILED':
    case '3':
      return 'FAILED';
    case undefined:
    case '':
      throw TrackingError.invalidParameter(`Missing value for required parameter 'status'. See the API docs for more information about request parameters.`);
    default:
      throw TrackingError.invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter 'status' supplied: a logged model can be finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.`);
  }
}

/** Status values a search filter may compare with, normalised to what the read model stores. */
export function storedStatus(v: string): string {
  const upper = v.toUpperCase();
  if (upper === 'LOGGED_MODEL_UPLOAD_FAILED') return 'FAILED';
  return upper.startsWith('LOGGED_MODEL_') ? upper.slice('LOGGED_MODEL_'.length) : upper;
}
