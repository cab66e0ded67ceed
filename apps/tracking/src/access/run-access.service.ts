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

  async require(runId: string, permission: Permission): Promise<{ run: RunRow; experiment: ExperimentRow }> {
    const [run] = (await this.ds.query(`SELECT * FROM runs WHERE run_id = $1`, [runId])) as RunRow[];
    if (!run) throw TrackingError.notFound(runNotFound(runId));
    const experiment = await this.experiments.require(run.experiment_id, permission, runNotFound(runId));
    return { run, experiment };
  }
}
