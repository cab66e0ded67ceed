import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ServerResponse } from 'node:http';
import { Request, Response } from 'express';
import { isTransientFailure } from '@custos/eventing';

/**
 * An error with a stable machine-readable code. Domain libraries define their own error classes
 * with the same two fields (`errorCode`, `httpStatus`), and this one filter maps all of them.
 */
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorCode: string,
    message: string,
    /** Set when this answer refuses access (even one dressed as "not found"): why, for audit. */
    readonly denial?: string,
  ) {
    super(message);
  }
}

/**
 * How a service tells the gateway that an answer was an access denial, with the policy's reason:
 * the gateway records it as `gateway.RequestDenied` and strips the header before the client sees
 * it, so a refusal disguised as a 404 stays disguised while audit still sees it.
 */
export const DENIAL_HEADER = 'x-custos-denial';

/** The denial reason an error carries: its own, or any 403's message. */
export function denialOf(e: unknown, coded: { httpStatus: number; message: string }): string | undefined {
  const own = (e as { denial?: unknown } | null)?.denial;
  if (typeof own === 'string') return own;
  return coded.httpStatus === 403 ? coded.message : undefined;
}

/** What every 503 asks the client to wait before retrying (seconds, as the header carries it). */
export const RETRY_AFTER_SECONDS = '1';

export interface CodedError {
  errorCode: string;
  httpStatus: number;
  message: string;
}

/** Domain errors name their code `errorCode` or `code` (e.g. TrackingError); both map the same way. */
function asCoded(e: unknown): CodedError | undefined {
  const c = e as { errorCode?: unknown; code?: unknown; httpStatus?: unknown; message?: unknown } | null;
  if (!c || typeof c.httpStatus !== 'number' || typeof c.message !== 'string') return undefined;
  const code = typeof c.errorCode === 'string' ? c.errorCode : typeof c.code === 'string' ? c.code : undefined;
  return code ? { errorCode: code, httpStatus: c.httpStatus, message: c.message } : undefined;
}

const STATUS_CODES: Record<number, string> = {
  400: 'INVALID_PARAMETER_VALUE',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  405: 'BAD_REQUEST',
  409: 'RESOURCE_CONFLICT',
  413: 'RESOURCE_LIMIT_EXCEEDED',
  415: 'BAD_REQUEST',
  429: 'REQUEST_LIMIT_EXCEEDED',
  503: 'TEMPORARILY_UNAVAILABLE',
};

export function toCoded(e: unknown): CodedError {
  const coded = asCoded(e);
  if (coded) return coded;
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const body = e.getResponse();
    const msg =
      typeof body === 'string'
        ? body
        : Array.isArray((body as { message?: unknown }).message)
          ? (body as { message: string[] }).message.join('; ')
          : String((body as { message?: unknown }).message ?? e.message);
    return { httpStatus: status, errorCode: STATUS_CODES[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR'), message: msg };
  }
  // body-parser and friends attach a status to client errors (bad JSON, too large, bad encoding).
  const status = (e as { status?: unknown; statusCode?: unknown })?.status ?? (e as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { httpStatus: status, errorCode: STATUS_CODES[status] ?? 'BAD_REQUEST', message: (e as Error).message || 'bad request' };
  }
  const refused = fromDatabaseError(e);
  if (refused) return refused;
  // A dependency that is down is temporary: 503 lets the client retry instead of failing the job.
  if (isTransientFailure(e)) {
    return { httpStatus: 503, errorCode: 'TEMPORARILY_UNAVAILABLE', message: 'a dependency is unavailable; retry shortly' };
  }
  return { httpStatus: 500, errorCode: 'INTERNAL_ERROR', message: 'internal error' };
}

/**
 * PostgreSQL refusing a value the request carried (SQLSTATE class 22, data exception, e.g. 22P02
 * invalid text for a type, 22021 a NUL byte; class 23, integrity constraint) is the caller's 4xx.
 * The answer is generic: the driver's text names constraints, columns and types, which are ours.
 */
export function fromDatabaseError(e: unknown): CodedError | undefined {
  const err = e as { name?: unknown; code?: unknown; severity?: unknown } | null;
  if (!err || typeof err.code !== 'string' || !/^[0-9A-Z]{5}$/.test(err.code)) return undefined;
  // TypeORM wraps the driver's error; a raw node-postgres error carries a severity.
  if (err.name !== 'QueryFailedError' && typeof err.severity !== 'string') return undefined;
  if (err.code === '23505') return { httpStatus: 409, errorCode: 'RESOURCE_ALREADY_EXISTS', message: 'A resource with the same identity already exists.' };
  const sqlClass = err.code.slice(0, 2);
  if (sqlClass === '22' || sqlClass === '23') return { httpStatus: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: 'A value in the request is not valid for this field.' };
  return undefined;
}

/** MLflow routes answer `{error_code, message}`; everything else answers RFC 9457 problem details. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');
  /** Services mark denials for the gateway to record; the gateway's own routes record them directly. */
  protected readonly markDenials: boolean = true;

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const coded = toCoded(exception);
    if (coded.httpStatus >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const denial = denialOf(exception, coded);
    if (denial !== undefined && this.markDenials) res.setHeader(DENIAL_HEADER, encodeURIComponent(denial.slice(0, 512)));
    // originalUrl: an error raised in a middleware mounted on every path sees `req.path` cut to '/'.
    sendError(res, req.originalUrl ?? req.path, coded);
  }
}

/** The one error body: MLflow's `{error_code, message}` on MLflow routes, RFC 9457 problem details elsewhere. */
export function errorResponse(path: string, coded: CodedError): { status: number; contentType: string; body: Record<string, unknown> } {
  if (isMlflowPath(path.split('?')[0])) return { status: coded.httpStatus, contentType: 'application/json; charset=utf-8', body: { error_code: coded.errorCode, message: coded.message } };
  return {
    status: coded.httpStatus,
    contentType: 'application/problem+json; charset=utf-8',
    body: { type: `urn:custos:error:${coded.errorCode.toLowerCase()}`, title: coded.errorCode, status: coded.httpStatus, detail: coded.message },
  };
}

/**
 * Writes an error answer on any Node response: the services' filter and the gateway's proxy (which
 * answers before Nest routes) both end here, so every error of every service has the same shape.
 */
export function sendError(res: ServerResponse, path: string, coded: CodedError): void {
  const { status, contentType, body } = errorResponse(path, coded);
  if (status === 503 && !res.hasHeader('retry-after')) res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.end(JSON.stringify(body));
}

/** MLflow's routes: under `/api/` and `/ajax-api/`, and the UI's top-level `/get-artifact`. */
export function isMlflowPath(path: string): boolean {
  return /^\/(?:(ajax-)?api\/[23]\.0\/mlflow|get-artifact$)/.test(path);
}
