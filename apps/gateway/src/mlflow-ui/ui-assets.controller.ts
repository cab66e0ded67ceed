import { Controller, Get, Inject, Req, Res, UseFilters } from '@nestjs/common';
import { Request, Response } from 'express';
import path from 'node:path';
import { Actions } from '@custos/rbac';
import { AdminApi, Policy, SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { UI_INDEX_CACHE_CONTROL, uiAssetFor } from '../domain/ui-assets';
import { ForbiddenAuditFilter } from '../proxy/forbidden.filter';

const STATIC_PREFIX = '/static-files/';

/**
 * MLflow's own web UI (the build the pinned `mlflow` wheel ships, fetched by scripts/mlflow-ui.sh):
 * `index.html` at `/` and the files it references under `/static-files/`, as MLflow's server lays
 * them out. Behind the same IP rules and authentication as every route, so a browser gets the Basic
 * challenge first. The folder is looked up per request: the gateway starts without it, and `/`
 * then says how to install it.
 */
@Controller()
@Policy(Actions.authenticated())
@UseFilters(ForbiddenAuditFilter)
export class UiAssetsController {
  private readonly root: string;

  constructor(@Inject(SERVICE_CONFIG) config: GatewayConfig) {
    this.root = config.MLFLOW_UI_DIR ? path.resolve(config.MLFLOW_UI_DIR) : '';
  }

  @Get()
  @AdminApi({ summary: "MLflow's web UI (the pinned release's build)", text: ['text/html'] })
  index(@Res() res: Response): void {
    this.send(res, 'index.html', UI_INDEX_CACHE_CONTROL);
  }

  @Get('static-files/*rest')
  @AdminApi({ summary: "the web UI's scripts, styles and images", text: ['text/javascript', 'text/css', 'image/*'], params: { rest: 'a file of the build' } })
  asset(@Req() req: Request, @Res() res: Response): void {
    const asset = uiAssetFor(req.path.slice(STATIC_PREFIX.length));
    if (!asset) return notFound(res, 'No such file in the MLflow web UI.');
    this.send(res, asset.file, asset.cacheControl);
  }

  private send(res: Response, file: string, cacheControl: string): void {
    if (!this.root) return notFound(res, UI_MISSING);
    // `send` checks the file stays under root and sets the type, length and validators.
    res.sendFile(file, { root: this.root, dotfiles: 'deny', cacheControl: false, headers: { 'Cache-Control': cacheControl } }, (err?: Error & { status?: number; statusCode?: number }) => {
      if (!err || res.headersSent) return;
      const status = err.status ?? err.statusCode ?? 500;
      if (status === 404) return notFound(res, file === 'index.html' ? UI_MISSING : 'No such file in the MLflow web UI.');
      res
        .status(status)
        .type('text/plain')
        .end(status === 500 ? 'internal error' : String(err.message));
    });
  }
}

const UI_MISSING =
  'The MLflow web UI is not installed on this gateway: `bash scripts/mlflow-ui.sh fetch` (run by `npm run up`) puts it where MLFLOW_UI_DIR points (scripts/stack.sh sets it). The MLflow API works without it.';

function notFound(res: Response, message: string): void {
  res.status(404).setHeader('Cache-Control', 'no-store');
  res.type('text/plain').end(message);
}
