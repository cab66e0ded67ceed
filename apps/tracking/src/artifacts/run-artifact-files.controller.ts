import { Controller, Get, Head, Inject, Post, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { Logger } from 'pino';
import { Actions } from '@custos/rbac';
import { BINARY, EmptyResponse, HEADERS_ONLY, LOGGER, MlflowApi, Policy } from '@custos/platform';
import { TrackingError } from '@custos/tracking-domain';
import { ArtifactAccess, OwnerRoot } from './artifact-access.service';
import { artifactPathBelow, ArtifactLocation, InvalidArtifactPath } from './artifact-path';
import { notFoundMessage } from './artifact-errors';
import { queryParam } from './artifact-query';
import { ArtifactService } from './artifact.service';
import { sendArtifact, sendArtifactHeaders } from './download-response';
import { UiUploadBody } from './ui-upload-body';
import { GetRunArtifactRequest, UploadRunArtifactRequest } from '../dtos/artifacts.dto';

/**
 * The routes MLflow's web UI reads and writes a run's files by (`get_artifact_handler`,
 * `upload_artifact_handler`): a run id and a path below the run's root in the query. They use the
 * proxy's store, encryption and access rules; only the addressing differs.
 */
@Controller()
export class RunArtifactFilesController {
  constructor(
    private readonly access: ArtifactAccess,
    private readonly artifacts: ArtifactService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Declared before GET, which Express would otherwise run for HEAD: decrypting and auditing a read no byte of which is sent. */
  @Head(['get-artifact', 'ajax-api/2.0/mlflow/get-artifact'])
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetRunArtifactRequest, response: HEADERS_ONLY })
  async headArtifact(@Req() req: Request, @Res() res: Response): Promise<void> {
    const loc = await this.runFile(req);
    sendArtifactHeaders(res, loc, await this.artifacts.stat(loc));
  }

  /** MLflow serves it at the top level; the `/ajax-api/` twin is the spelling every other UI route has. */
  @Get(['get-artifact', 'ajax-api/2.0/mlflow/get-artifact'])
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: GetRunArtifactRequest, response: BINARY })
  async getArtifact(@Req() req: Request, @Res() res: Response): Promise<void> {
    const loc = await this.runFile(req);
    const { record, plaintext } = await this.artifacts.openDownload(loc);
    await sendArtifact(res, loc, record, plaintext, this.logger);
  }

  /** The UI's upload: the file is the body, at most 10 MB, as in MLflow. */
  @Post('ajax-api/2.0/mlflow/upload-artifact')
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ query: UploadRunArtifactRequest, body: BINARY, response: EmptyResponse })
  async uploadArtifact(@Req() req: Request, @Res() res: Response): Promise<void> {
    const runId = queryParam(req, 'run_uuid') || queryParam(req, 'run_id');
    if (!runId) throw TrackingError.invalidParameter('Request must specify run_uuid.');
    const owner = await this.access.requireRun(runId, 'EDIT');
    const path = queryParam(req, 'path');
    if (!path) throw TrackingError.invalidParameter('Request must specify path.');
    const loc = below(owner, path, 'EDIT');
    const body = UiUploadBody.of(req);
    try {
      await this.artifacts.upload(loc, body);
    } catch (e) {
      // The aborted upload may report its own failure (a premature close) before the refusal.
      throw body.refusal ?? e;
    }
    // MLflow answers 200 with an empty body typed as JSON.
    res.status(200).type('application/json').end();
  }

  /** The file `get-artifact` names, once the caller may read its run. */
  private async runFile(req: Request): Promise<ArtifactLocation> {
    const runId = queryParam(req, 'run_id') || queryParam(req, 'run_uuid');
    if (!runId) throw TrackingError.invalidParameter('Request must specify run_id or run_uuid parameter');
    const owner = await this.access.requireRun(runId, 'READ');
    return below(owner, queryParam(req, 'path'), 'READ');
  }
}

/** A file below the run's root; a run whose artifacts are not proxied has none here. */
function below(owner: OwnerRoot, path: string | undefined, permission: 'READ' | 'EDIT'): ArtifactLocation {
  if (path === undefined || path === '') throw new InvalidArtifactPath('a path below the run artifact root is required');
  if (!owner.root) {
    if (permission === 'READ') throw TrackingError.notFound(notFoundMessage({ path }));
    throw TrackingError.invalidParameter(`The run's artifact location ${owner.artifactUri} is not served by this server`);
  }
  return artifactPathBelow(owner.root, path, { allowRoot: false });
}
