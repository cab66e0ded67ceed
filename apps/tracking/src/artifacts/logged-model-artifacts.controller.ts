import { Controller, Get, Head, Inject, Param, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { Logger } from 'pino';
import { Actions } from '@custos/rbac';
import { BINARY, HEADERS_ONLY, LOGGER, MlflowApi, Policy } from '@custos/platform';
import { TrackingError } from '@custos/tracking-domain';
import { ArtifactAccess } from './artifact-access.service';
import { ArtifactLocation, artifactPathBelow } from './artifact-path';
import { notFoundMessage } from './artifact-errors';
import { queryParam } from './artifact-query';
import { ArtifactService } from './artifact.service';
import { sendArtifact, sendArtifactHeaders } from './download-response';
import { fileInfo } from './mlflow-artifacts.controller';
import { GetLoggedModelArtifactRequest, ListLoggedModelArtifactsRequest, ListRunArtifactsResponse } from '../dtos/artifacts.dto';

/**
 * A logged model's artifacts by model id, as MLflow's web UI reads them: the listing
 * (`ListLoggedModelArtifacts`, under both prefixes like every proto route) and one file
 * (`get_logged_model_artifact_handler`, the UI's `/ajax-api/` route only).
 */
@Controller()
export class LoggedModelArtifactsController {
  constructor(
    private readonly access: ArtifactAccess,
    private readonly artifacts: ArtifactService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(['api/2.0/mlflow/logged-models/:modelId/artifacts/directories', 'ajax-api/2.0/mlflow/logged-models/:modelId/artifacts/directories'])
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: ListLoggedModelArtifactsRequest, response: ListRunArtifactsResponse, params: { modelId: 'the logged model id' } })
  async list(@Param('modelId') modelId: string, @Req() req: Request) {
    const owner = await this.access.requireLoggedModel(modelId, 'READ');
    if (!owner.root) return { root_uri: owner.artifactUri };
    const loc = artifactPathBelow(owner.root, queryParam(req, 'artifact_directory_path'), { allowRoot: true });
    const files = (await this.artifacts.list(loc)).map((c) => fileInfo(c, loc.relative ? `${loc.relative}/${c.name}` : c.name));
    return files.length > 0 ? { root_uri: owner.artifactUri, files } : { root_uri: owner.artifactUri };
  }

  /** Declared before GET, which Express would otherwise run for HEAD: decrypting and auditing a read no byte of which is sent. */
  @Head('ajax-api/2.0/mlflow/logged-models/:modelId/artifacts/files')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetLoggedModelArtifactRequest, response: HEADERS_ONLY, params: { modelId: 'the logged model id' } })
  async fileHead(@Param('modelId') modelId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const loc = await this.modelFile(modelId, req);
    sendArtifactHeaders(res, loc, await this.artifacts.stat(loc));
  }

  @Get('ajax-api/2.0/mlflow/logged-models/:modelId/artifacts/files')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetLoggedModelArtifactRequest, response: BINARY, params: { modelId: 'the logged model id' } })
  async file(@Param('modelId') modelId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const loc = await this.modelFile(modelId, req);
    const { record, plaintext } = await this.artifacts.openDownload(loc);
    await sendArtifact(res, loc, record, plaintext, this.logger);
  }

  /** The file `artifacts/files` names, once the caller may read the model. */
  private async modelFile(modelId: string, req: Request): Promise<ArtifactLocation> {
    const path = queryParam(req, 'artifact_file_path');
    if (!path) throw new TrackingError('BAD_REQUEST', 'Request must include the "artifact_file_path" query parameter.');
    const owner = await this.access.requireLoggedModel(modelId, 'READ');
    if (!owner.root) throw TrackingError.notFound(notFoundMessage({ path }));
    return artifactPathBelow(owner.root, path, { allowRoot: false });
  }
}
