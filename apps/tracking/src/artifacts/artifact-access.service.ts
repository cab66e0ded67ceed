import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rows } from '@custos/eventing';
import { Permission } from '@custos/rbac';
import { TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { ArtifactLocation } from './artifact-path';
import { notFoundMessage } from './artifact-errors';

/**
 * Artifact access is experiment access: uploads need EDIT, reads READ, deletes MANAGE. A caller
 * who may not read the experiment gets the same 404 as for an artifact that does not exist. The
 * run or logged model the path names must exist in that same experiment (deleted ones included,
 * as MLflow keeps serving their artifacts), so no path borrows another experiment's owner.
 */
@Injectable()
export class ArtifactAccess {
  constructor(
    private readonly ds: DataSource,
    private readonly experiments: ExperimentAccess,
  ) {}

  async require(loc: ArtifactLocation, permission: Permission): Promise<void> {
    const notFound = notFoundMessage(loc);
    await this.experiments.require(loc.experimentId, permission, notFound);
    const [owner] = loc.runId
      ? await rows<{ experiment_id: string }>(this.ds, `SELECT experiment_id FROM runs WHERE run_id = $1`, [loc.runId])
      : await rows<{ experiment_id: string }>(this.ds, `SELECT experiment_id FROM logged_models WHERE model_id = $1`, [loc.modelId]);
    if (!owner || owner.experiment_id !== loc.experimentId) throw TrackingError.notFound(notFound);
  }
}
