import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Response } from 'express';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Actions } from '@custos/rbac';
import { AdminApi, ApiError, Policy } from '@custos/platform';
import { OpenApiCollector } from './openapi-collector.service';

/** The schema of an OpenAPI 3 document, as far as this document needs to say. */
class OpenApiDocumentBody {
  @ApiProperty({ type: String, example: '3.0.0' })
  openapi!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  info!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  paths!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  components!: Record<string, unknown>;
}

/** Swagger UI's files, from the swagger-ui-dist that @nestjs/swagger brings; read once, at boot. */
const UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json', { paths: [dirname(require.resolve('@nestjs/swagger'))] }));
const UI_FILES: Record<string, { type: string; body: Buffer }> = Object.fromEntries(
  [
    ['swagger-ui.css', 'text/css'],
    ['swagger-ui-bundle.js', 'text/javascript'],
    ['swagger-ui-standalone-preset.js', 'text/javascript'],
    ['favicon-32x32.png', 'image/png'],
  ].map(([name, type]) => [name, { type, body: readFileSync(join(UI_DIR, name)) }]),
);
// Our own initializer instead of an inline script: the page then runs no script it did not load by path.
UI_FILES['custos-docs.js'] = {
  type: 'text/javascript',
  body: Buffer.from(
    `window.onload = function () {\n  window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true, presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });\n};\n`,
  ),
};
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Custos API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"><link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/swagger-ui-standalone-preset.js"></script><script src="/api/docs/custos-docs.js"></script>
</body>
</html>
`;

/**
 * The merged OpenAPI document and a Swagger UI page over it. Reached like every gateway route: IP
 * rules and authentication first (a browser gets the Basic challenge), then any signed-in caller.
 */
@Controller('api')
@Policy(Actions.authenticated())
export class ApiDocsController {
  constructor(private readonly collector: OpenApiCollector) {}

  @Get('openapi.json')
  @AdminApi({ summary: 'this document: every route of every service', response: OpenApiDocumentBody })
  document(@Res() res: Response): void {
    const json = this.collector.current();
    if (json === undefined) throw new ApiError(503, 'TEMPORARILY_UNAVAILABLE', 'the services’ documents are still being collected; retry shortly');
    res.status(200).type('application/json').send(json);
  }

  @Get('docs')
  @AdminApi({ summary: 'Swagger UI over /api/openapi.json', text: ['text/html'] })
  page(@Res() res: Response): void {
    res.status(200).type('text/html').send(PAGE);
  }

  @Get('docs/:file')
  @AdminApi({ summary: 'Swagger UI’s scripts, styles and icon', text: ['text/javascript', 'text/css', 'image/png'] })
  asset(@Param('file') file: string, @Res() res: Response): void {
    const found = Object.hasOwn(UI_FILES, file) ? UI_FILES[file] : undefined;
    if (!found) throw new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', 'no such file');
    res.status(200).type(found.type).send(found.body);
  }
}
