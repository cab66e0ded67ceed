import { Controller, Delete, Get, Head, Inject, Post, Put, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { Logger } from 'pino';
import { Actions, Permission } from '@custos/rbac';
import { LOGGER, Policy, MlflowApi, BINARY, HEADERS_ONLY, MlflowErrorBody } from '@custos/platform';
import { ArtifactAccess } from './artifact-access.service';
import { MULTIPART_DOWNLOAD_UNSUPPORTED, MULTIPART_UPLOAD_UNSUPPORTED } from './artifact-errors';
import { artifactPathFromQuery, artifactPathFromUrl, ArtifactLocation, experimentIdOfQueryPath, experimentIdOfUrlPath, InvalidArtifactPath, ParseOptions } from './artifact-path';
import { ArtifactService } from './artifact.service';
import { ChildEntry } from './artifact-records';
import { sendArtifact, sendArtifactHeaders } from './download-response';
import { ListProxiedArtifactsRequest, ListProxiedArtifactsResponse, MultipartUploadRequest } from '../dtos/artifacts.dto';

/** Request bodies on these paths are artifact bytes: never parsed, streamed to the handler. */
export const ARTIFACT_STREAMED_BODY_PATHS = [/^\/(ajax-)?api\/2\.0\/mlflow-artifacts\/artifacts\//, /^\/ajax-api\/2\.0\/mlflow\/upload-artifact$/];

const ROUTE_PREFIX = /^\/(?:ajax-)?api\/2\.0\/mlflow-artifacts\/(?:artifacts|presigned|mpu\/(?:create|complete|abort))\//;

/**
 * The artifact path exactly as the client encoded it. Express decodes route parameters, which
 * would turn `%2F` into a separator and `%2e%2e` into `..` before anyone could refuse them, so the
 * path is taken from the raw URL and decoded once, segment by segment, by the validator, after the
 * caller's access to the experiment it names is settled.
 */
function locateFromUrl(access: ArtifactAccess, req: Request, permission: Permission, opts: ParseOptions): Promise<ArtifactLocation> {
  const raw = req.originalUrl.split('?')[0];
  const prefix = ROUTE_PREFIX.exec(raw);
  if (!prefix) throw new InvalidArtifactPath('not an artifact route');
  const rawPath = raw.slice(prefix[0].length);
  return access.locate(experimentIdOfUrlPath(rawPath), displayPath(rawPath), permission, () => artifactPathFromUrl(rawPath, opts));
}

/** The path as a message may quote it (decoded when it decodes). */
function displayPath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
}

function contentLength(req: Request): number | undefined {
  const v = req.headers['content-length'];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function fileInfo(c: ChildEntry, path = c.name) {
  return c.is_dir ? { path, is_dir: true } : { path, is_dir: false, file_size: Number(c.size) };
}

const ARTIFACT_PATH = { path: "<experiment id>/<run id>/artifacts/<relative path>, or a logged model's artifact path" };

/**
 * MLflow's artifact proxy (`mlflow_artifacts.proto`). The client reaches it for every
 * `mlflow-artifacts:` URI; bytes are encrypted here before object storage sees them.
 */
@Controller(['api/2.0/mlflow-artifacts', 'ajax-api/2.0/mlflow-artifacts'])
export class MlflowArtifactsController {
  constructor(
    private readonly access: ArtifactAccess,
    private readonly artifacts: ArtifactService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Put('artifacts/*path')
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ params: ARTIFACT_PATH, body: BINARY })
  async upload(@Req() req: Request) {
    const loc = await locateFromUrl(this.access, req, 'EDIT', { allowRoot: false });
    await this.artifacts.upload(loc, req, contentLength(req));
    return {};
  }

  /** Declared before GET, which Express would otherwise run for HEAD: decrypting and auditing a read no byte of which is sent. */
  @Head('artifacts/*path')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ params: ARTIFACT_PATH, response: HEADERS_ONLY })
  async head(@Req() req: Request, @Res() res: Response): Promise<void> {
    const loc = await locateFromUrl(this.access, req, 'READ', { allowRoot: false });
    sendArtifactHeaders(res, loc, await this.artifacts.stat(loc));
  }

  @Get('artifacts/*path')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ params: ARTIFACT_PATH, response: BINARY })
  async download(@Req() req: Request, @Res() res: Response): Promise<void> {
    const loc = await locateFromUrl(this.access, req, 'READ', { allowRoot: false });
    const { record, plaintext } = await this.artifacts.openDownload(loc);
    await sendArtifact(res, loc, record, plaintext, this.logger);
  }

  @Get('artifacts')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ query: ListProxiedArtifactsRequest, response: ListProxiedArtifactsResponse })
  async list(@Req() req: Request) {
    const path = req.query.path;
    const loc = await this.access.locate(experimentIdOfQueryPath(path), typeof path === 'string' ? path : '', 'READ', () => artifactPathFromQuery(path, { allowRoot: true }));
    const files = (await this.artifacts.list(loc)).map((c) => fileInfo(c));
    // MLflow omits an empty repeated field.
    return files.length > 0 ? { files } : {};
  }

  @Delete('artifacts/*path')
  @Policy(Actions.onExperiment('MANAGE'))
  @MlflowApi({ params: ARTIFACT_PATH })
  async delete(@Req() req: Request) {
    const loc = await locateFromUrl(this.access, req, 'MANAGE', { allowRoot: true });
    await this.artifacts.delete(loc);
    return {};
  }

  /*
   * Multipart uploads and presigned downloads hand the client URLs straight into object storage,
   * which would bypass encryption. They answer MLflow's own "not supported" error, on which the
   * client falls back to the proxied PUT / GET (and it only tries them when told to).
   */

  @Post('mpu/create/*path')
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ params: ARTIFACT_PATH, body: MultipartUploadRequest, status: 501, response: MlflowErrorBody, summary: 'not supported: bytes are encrypted by the server' })
  createMultipart(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.unsupported(req, res, 'EDIT', MULTIPART_UPLOAD_UNSUPPORTED);
  }

  @Post('mpu/complete/*path')
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ params: ARTIFACT_PATH, body: MultipartUploadRequest, status: 501, response: MlflowErrorBody, summary: 'not supported: bytes are encrypted by the server' })
  completeMultipart(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.unsupported(req, res, 'EDIT', MULTIPART_UPLOAD_UNSUPPORTED);
  }

  @Post('mpu/abort/*path')
  @Policy(Actions.onExperiment('EDIT'))
  @MlflowApi({ params: ARTIFACT_PATH, body: MultipartUploadRequest, status: 501, response: MlflowErrorBody, summary: 'not supported: bytes are encrypted by the server' })
  abortMultipart(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.unsupported(req, res, 'EDIT', MULTIPART_UPLOAD_UNSUPPORTED);
  }

  @Get('presigned/*path')
  @Policy(Actions.onExperiment('READ'))
  @MlflowApi({ params: ARTIFACT_PATH, status: 501, response: MlflowErrorBody, summary: 'not supported: bytes are encrypted by the server' })
  presigned(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.unsupported(req, res, 'READ', MULTIPART_DOWNLOAD_UNSUPPORTED);
  }

  /** Answered, not thrown: an expected 501 is not a server fault worth an error log. */
  private async unsupported(req: Request, res: Response, permission: 'READ' | 'EDIT', message: string) {
    await locateFromUrl(this.access, req, permission, { allowRoot: true });
    res.status(501);
    return { error_code: 'NOT_IMPLEMENTED', message: `${message}: artifacts are encrypted by the tracking server, so bytes cannot go to object storage directly` };
  }
}
