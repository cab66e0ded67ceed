import { Controller, Get, Req } from '@nestjs/common';
import { Request } from 'express';
import { DataSource } from 'typeorm';
import { rows } from '@custos/eventing';
import { Actions } from '@custos/rbac';
import { Policy, MlflowApi } from '@custos/platform';
import { TrackingError } from '@custos/tracking-domain';
import { ExperimentAccess } from '../access/experiment-access.service';
import { MlflowRequest } from '../http/mlflow-request';
import { artifactPathFromQuery, proxiedRootOf } from './artifact-path';
import { ArtifactService } from './artifact.service';
import { fileInfo } from './mlflow-artifacts.controller';
import { ListRunArtifactsRequest, ListRunArtifactsResponse } from '../dtos/artifacts.dto';

/** `GET /api/2.0/mlflow/artifacts/list`: a run's artifacts, with paths relative to its root. */
@Controller(['api/2.0/mlflow/artifacts', 'ajax-api/2.0/mlflow/artifacts'])
export class RunArtifactsController {
  constructor(
    private readonly ds: DataSource,
    private readonly access: ExperimentAccess,
    private readonly artifacts: ArtifactService,
  ) {}

  @Get('list')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: ListRunArtifactsRequest, response: ListRunArtifactsResponse })
  async list(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const runId = r.runId();
    const path = r.optionalString('path') ?? '';
    const notFound = `Run with id=${runId} not found`;
    const [run] = await rows<{ experiment_id: string; artifact_uri: string }>(this.ds, `SELECT experiment_id, artifact_uri FROM runs WHERE run_id = $1`, [runId]);
    if (!run) throw TrackingError.notFound(notFound);
    await this.access.require(run.experiment_id, 'READ', notFound);
    const root = proxiedRootOf(run.artifact_uri);
    // Artifacts the client writes straight to its own store are not ours to list.
    if (root === undefined) return { root_uri: run.artifact_uri };
    const rootLoc = artifactPathFromQuery(root, { allowRoot: true });
    if (rootLoc.relative !== '' || rootLoc.experimentId !== run.experiment_id || rootLoc.runId !== runId) {
      throw TrackingError.invalidParameter(`Run ${runId} has an artifact location outside its own artifact root: ${run.artifact_uri}`);
    }
    const loc = path === '' ? rootLoc : artifactPathFromQuery(`${root}/${path}`, { allowRoot: true });
    const files = (await this.artifacts.list(loc)).map((c) => fileInfo(c, loc.relative ? `${loc.relative}/${c.name}` : c.name));
    return files.length > 0 ? { root_uri: run.artifact_uri, files } : { root_uri: run.artifact_uri };
  }
}
