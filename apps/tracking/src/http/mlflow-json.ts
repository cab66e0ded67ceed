import { ViewType } from '@custos/tracking-domain';
import { TrackingError } from '@custos/tracking-domain';
import { ExperimentRow } from '../access/experiment-access.service';

/** MLflow's Experiment message as JSON (int64 as numbers, enums by name). */
export function experimentJson(row: ExperimentRow, tags: { key: string; value: string }[]) {
  return {
    experiment_id: row.experiment_id,
    name: row.name,
    artifact_location: row.artifact_location,
    lifecycle_stage: row.lifecycle_stage,
    last_update_time: Number(row.last_update_time),
    creation_time: Number(row.creation_time),
    tags,
  };
}

const VIEW_TYPES: Record<string, ViewType> = { ACTIVE_ONLY: 'ACTIVE_ONLY', DELETED_ONLY: 'DELETED_ONLY', ALL: 'ALL', '1': 'ACTIVE_ONLY', '2': 'DELETED_ONLY', '3': 'ALL' };

/** `view_type` / `run_view_type` arrive by name or by enum number. */
export function parseViewType(v: string | undefined): ViewType {
  if (v === undefined || v === '') return 'ACTIVE_ONLY';
  const t = VIEW_TYPES[v.toUpperCase()];
  if (!t) throw TrackingError.invalidParameter(`Invalid value ${v} for parameter 'view_type': must be one of ACTIVE_ONLY, DELETED_ONLY, ALL.`);
  return t;
}
