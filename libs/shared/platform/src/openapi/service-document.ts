import { INestApplication, Injectable } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { NextFunction, Request, Response } from 'express';
import { InternalTokenVerifier } from '../internal-token.verifier';
import { setSafeResponseHeaders } from '../request-context.middleware';

/**
 * Where a service serves its own document to the gateway. Not routed by the gateway (only its
 * route table's prefixes are), and behind the internal token like every other path of a service.
 */
export const INTERNAL_OPENAPI_PATH = '/internal/openapi.json';

/**
 * A service's OpenAPI document, built once from its controllers' decorators before it listens.
 * Operation ids are prefixed with the service so the gateway's merge keeps them unique; a handler
 * served under both `/api/` and `/ajax-api/` gets one id per spelling.
 */
export function buildServiceDocument(app: INestApplication, service: string): OpenAPIObject {
  const config = new DocumentBuilder().setTitle(`custos ${service}`).setVersion('1').build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${service}.${controller}.${method.replace(/\[(\d+)\]$/, (_, i: string) => (i === '0' ? '' : `.${i}`))}`,
  });
}

/** Holds the document built at boot; serialized once, so serving it costs nothing per request. */
@Injectable()
export class ServiceOpenApi {
  private json: string | undefined;
  private doc: OpenAPIObject | undefined;

  set(doc: OpenAPIObject): void {
    this.doc = doc;
    this.json = JSON.stringify(doc);
  }

  document(): OpenAPIObject | undefined {
    return this.doc;
  }

  serialized(): string | undefined {
    return this.json;
  }
}

/**
 * Serves the document at INTERNAL_OPENAPI_PATH to a caller bearing the gateway's internal token for
 * this service. Mounted before Nest's router, so it is not one of the service's documented routes.
 */
export function internalOpenApiHandler(holder: ServiceOpenApi, verifier: InternalTokenVerifier) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // Every request passes here: a method and prefix comparison, nothing parsed.
    if (req.method !== 'GET' || !req.originalUrl.startsWith(INTERNAL_OPENAPI_PATH) || req.originalUrl.split('?')[0] !== INTERNAL_OPENAPI_PATH) return next();
    setSafeResponseHeaders(res);
    verifier.claimsOf(req).then(
      () => {
        const json = holder.serialized();
        if (json === undefined) res.status(503).setHeader('retry-after', '1').json({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'document not built yet' });
        else res.status(200).type('application/json').send(json);
      },
      (e: unknown) => next(e),
    );
  };
}
