import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Permission } from '@custos/rbac';
import { TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess } from './experiment-access.service';

export interface LoggedModelRow {
  model_id: string;
  experiment_id: string;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: string;
  last_updated_timestamp_ms: string;
  status: 'PENDING' | 'READY' | 'FAILED';
  lifecycle_stage: string;
  model_type: string | null;
  source_run_id: string | null;
  creator_id: string;
}

export const loggedModelNotFound = (modelId: string) => `Logged model with ID '${modelId}' not found.`;

/**
 * Logged models are checked through their experiment, like runs. A deleted model is "not found"
 * unless the caller asks for deleted ones (MLflow's `allow_deleted`); writes to a deleted model are
 * refused by the decider with the same message.
 */
@Injectable()
export class LoggedModelAccess {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentAccess,
  ) {}

  async require(modelId: string, permission: Permission, allowDeleted = true): Promise<LoggedModelRow> {
    const [model] = (await this.ds.query(`SELECT * FROM logged_models WHERE model_id = $1`, [modelId])) as LoggedModelRow[];
    if (!model || (!allowDeleted && model.lifecycle_stage === 'deleted')) throw TrackingError.notFound(loggedModelNotFound(modelId));
    await this.experiments.require(model.experiment_id, permission, loggedModelNotFound(modelId));
    return model;
  }

  /**
   * Every logged model a run's data links to (inputs, outputs, metrics' `model_id`) must exist and
   * allow `permission`, as MLflow's auth plugin requires: otherwise a caller could attach data to a
   * model of an experiment it may not touch. A model the caller may not read answers exactly as
   * one that does not exist, so model ids cannot be probed from one's own run. A deleted model
   * takes no new data, as MLflow (which looks linked models up without `allow_deleted`).
   */
  async requireAll(modelIds: readonly string[], permission: Permission): Promise<void> {
    for (const modelId of new Set(modelIds)) await this.require(modelId, permission, false);
  }
}
