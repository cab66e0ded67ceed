import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Permission } from '@custos/rbac';
import { TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess, ExperimentRow } from './experiment-access.service';

export interface RunRow {
  run_id: string;
  experiment_id: string;
  name: string | null;
  user_id: string | null;
  status: string;
  start_time: string;
  end_time: string | null;
  lifecycle_stage: string;
  artifact_uri: string;
  deleted_time: string | null;
}

export const runNotFound = (runId: string) => `Run with id=${runId} not found`;

/** Experiment columns as PostgreSQL's driver returns them from the table (bigints as text). */
const RUN_WITH_EXPERIMENT = `
  SELECT r.*, CASE WHEN e.experiment_id IS NOT NULL THEN json_build_object(
           'experiment_id', e.experiment_id, 'name', e.name, 'artifact_location', e.artifact_location,
           'lifecycle_stage', e.lifecycle_stage, 'creation_time', e.creation_time::text,
           'last_update_time', e.last_update_time::text, 'owner_id', e.owner_id) END AS experiment
  FROM runs r LEFT JOIN experiments e ON e.experiment_id = r.experiment_id
  WHERE r.run_id = $1`;

/**
 * Object-level checks for a run go through its experiment. A missing run and a run the caller may
 * not read answer the same 404, with MLflow's message, so run ids cannot be probed.
 */
@Injectable()
export class RunAccess {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentAccess,
  ) {}

  /** The run and its experiment are read by one statement: every write to a run starts here. */
  async require(runId: string, permission: Permission): Promise<{ run: RunRow; experiment: ExperimentRow }> {
    const [found] = (await this.ds.query(RUN_WITH_EXPERIMENT, [runId])) as (RunRow & { experiment: ExperimentRow | null })[];
    if (!found) throw TrackingError.notFound(runNotFound(runId));
    const { experiment: experimentRow, ...run } = found;
    const experiment = this.experiments.check(experimentRow ?? undefined, permission, runNotFound(runId));
    return { run, experiment };
  }
}
