import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { IncomingMessage } from 'node:http';
import { Request } from 'express';
import { ApiError, isMlflowPath } from './errors';
import { invalidInput } from './request-input.middleware';
import { SERVICE_DEFINITION, ServiceDefinition } from './service-definition';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function hasContent(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * A write to a JSON route (any route but the streamed-body ones) carries a JSON object (decision
 * 030). Judged once the route is known, so an unknown route is still a 404 whatever it was sent.
 * MLflow reads an absent body as an empty message, so on MLflow routes it is one and the handler's
 * required-field messages follow; elsewhere it is refused.
 */
export function jsonBodyError(req: Request, isStreamed: (path: string) => boolean): ApiError | undefined {
  if (req.body !== undefined || !BODY_METHODS.has(req.method)) return undefined;
  const path = (req.originalUrl ?? req.url ?? '/').split('?')[0];
  if (isStreamed(path)) return undefined;
  const mlflow = isMlflowPath(path);
  if (hasContent(req)) {
    return mlflow
      ? invalidInput("Bad Request. Content-Type must be one of ['application/json'].")
      : new ApiError(415, 'BAD_REQUEST', 'The request body must be JSON (Content-Type: application/json).');
  }
  if (!mlflow) return invalidInput('A JSON object request body is required.');
  req.body = {};
  return undefined;
}

@Injectable()
export class JsonBodyGuard implements CanActivate {
  private readonly streamed: RegExp[];

  constructor(@Inject(SERVICE_DEFINITION) def: Pick<ServiceDefinition, 'streamedBodyPaths'>) {
    this.streamed = def.streamedBodyPaths ?? [];
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const error = jsonBodyError(ctx.switchToHttp().getRequest<Request>(), (path) => this.streamed.some((re) => re.test(path)));
    if (error) throw error;
    return true;
  }
}
