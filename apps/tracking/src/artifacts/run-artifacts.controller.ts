import { Controller, Get, Req } from '@nestjs/common';
import { Request } from 'express';
import { Actions } from '@custos/rbac';
import { Policy } from '@custos/platform';
import { MlflowRequest } from '../http/mlflow-request';
import { ArtifactAccess } from './artifact-access.service';
import { artifactPathBelow } from './artifact-path';
import { ArtifactService } from './artifact.service';
import { fileInfo } from './mlflow-artifacts.controller';

/** `GET /api/2.0/mlflow/artifacts/list`: a run's artifacts, with paths relative to its root. */
@Controller(['api/2.0/mlflow/artifacts', 'ajax-api/2.0/mlflow/artifacts'])
export class RunArtifactsController {
  constructor(
    private readonly access: ArtifactAccess,
    private readonly artifacts: ArtifactService,
  ) {}

  @Get('list')
  @Policy(Actions.onExperiment('READ'))
  async list(@Req() req: Request) {
    const r = new MlflowRequest(req);
    const owner = await this.access.requireRun(r.runId(), 'READ');
    // Artifacts the client writes straight to its own store are not ours to list.
    if (!owner.root) return { root_uri: owner.artifactUri };
    const loc = artifactPathBelow(owner.root, r.optionalString('path'), { allowRoot: true });
    const files = (await this.artifacts.list(loc)).map((c) => fileInfo(c, loc.relative ? `${loc.relative}/${c.name}` : c.name));
    return files.length > 0 ? { root_uri: owner.artifactUri, files } : { root_uri: owner.artifactUri };
  }
}
