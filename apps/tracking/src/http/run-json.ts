import { RunRow } from '../access/run-access.service';
import { doubleJson } from './mlflow-values';

export interface MetricRow {
  key: string;
  value: number;
  timestamp: string;
  step: string;
  is_nan: boolean;
}

/** MLflow's RunInfo: int64 as numbers, status by name, run_uuid kept for older clients. */
export function runInfoJson(row: RunRow) {
  return {
    run_uuid: row.run_id,
    run_id: row.run_id,
    run_name: row.name ?? '',
    experiment_id: row.experiment_id,
    user_id: row.user_id ?? '',
    status: row.status,
    start_time: Number(row.start_time),
    ...(row.end_time !== null ? { end_time: Number(row.end_time) } : {}),
    artifact_uri: row.artifact_uri,
    lifecycle_stage: row.lifecycle_stage,
  };
}

export function metricJson(m: MetricRow, runId?: string) {
  return {
    key: m.key,
    value: doubleJson(m.is_nan ? NaN : m.value),
    timestamp: Number(m.timestamp),
    step: Number(m.step),
    ...(runId !== undefined ? { run_id: runId } : {}),
  };
}
