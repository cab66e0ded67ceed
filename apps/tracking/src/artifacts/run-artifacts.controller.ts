import { Controller, Get, Query } from '@nestjs/common';
import { Actions } from '@custos/rbac';
import { Policy, MlflowApi } from '@custos/platform';
import { runIdOf } from '../http/mlflow-values';
import { ListRunArtifactsRequest, ListRunArtifactsResponse } from '../dtos/artifacts.dto';
import { RunArtifactListing } from './run-artifact-listing';

/** `GET /api/2.0/mlflow/artifacts/list`: a run's artifacts, with paths relative to its root. */
@Controller(['api/2.0/mlflow/artifacts', 'ajax-api/2.0/mlflow/artifacts'])
export class RunArtifactsController {
  constructor(private readonly listing: RunArtifactListing) {}

  @Get('list')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: ListRunArtifactsRequest, response: ListRunArtifactsResponse })
  list(@Query() q: ListRunArtifactsRequest) {
    return this.listing.list(runIdOf(q), q.path);
  }
}
