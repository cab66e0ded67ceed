import { IncomingMessage, ServerResponse } from 'node:http';
import { NextFunction, Request, Response } from 'express';
import { ApiError, isMlflowPath } from './errors';
import { jsonDepthExceeds, MAX_JSON_DEPTH, unsafeJsonEscape, unsafePath, unsafeQuery, unsafeTextMessage } from './request-input';

/*
 * The one place a request's shape is checked before routing (decision 030), installed with the
 * JSON body parser by `installBodyParsers`. Raised errors go through the ErrorFilter, so MLflow
 * routes answer `{error_code, message}` and the others problem details.
 */

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function invalid(message: string): ApiError {
  return new ApiError(400, 'INVALID_PARAMETER_VALUE', message);
}

/** body-parser's `verify` hook: sees the raw bytes of every JSON body before it is parsed. */
export function verifyJsonText(_req: IncomingMessage, _res: ServerResponse, buf: Buffer, encoding: string): void {
  // RFC 8259: JSON between systems is UTF-8; the escape scan below reads UTF-8 bytes.
  if (encoding.toLowerCase().replace('-', '') !== 'utf8') throw new ApiError(415, 'BAD_REQUEST', 'JSON request bodies must be encoded as UTF-8.');
  const bad = unsafeJsonEscape(buf);
  if (bad) throw invalid(unsafeTextMessage(bad, 'request body'));
}

/** body-parser's own refusals (malformed JSON) in our words: its message quotes parser internals. */
export function jsonParseErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  const type = (err as { type?: unknown } | null)?.type;
  next(type === 'entity.parse.failed' ? invalid('Malformed JSON in the request body.') : err);
}

function hasContent(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Path and query of every request; for JSON routes (not the streamed-body ones) also the body: one
 * JSON object, no deeper than MAX_JSON_DEPTH. MLflow reads an absent body as an empty message, so
 * MLflow routes do too; elsewhere a write without a body is refused.
 */
export function requestInputGuard(isStreamed: (path: string) => boolean) {
  return (req: Request, _res: Response, next: NextFunction): void => next(inputError(req, isStreamed));
}

function inputError(req: Request, isStreamed: (path: string) => boolean): ApiError | undefined {
  const path = (req.url ?? '/').split('?')[0];
  const badPath = unsafePath(path);
  if (badPath) return invalid(badPath === 'malformed' ? 'Invalid request path: malformed percent-encoding.' : unsafeTextMessage(badPath, 'request path'));
  const badQuery = unsafeQuery(req.query);
  if (badQuery) return invalid(unsafeTextMessage(badQuery, 'query string'));
  if (isStreamed(path)) return undefined;
  const mlflow = isMlflowPath(path);
  if (req.body === undefined) {
    if (!BODY_METHODS.has(req.method)) return undefined;
    if (hasContent(req)) {
      return mlflow
        ? invalid("Bad Request. Content-Type must be one of ['application/json'].")
        : new ApiError(415, 'BAD_REQUEST', 'The request body must be JSON (Content-Type: application/json).');
    }
    if (!mlflow) return invalid('A JSON object request body is required.');
    req.body = {};
    return undefined;
  }
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) return invalid('The request body must be a JSON object.');
  if (jsonDepthExceeds(req.body)) return invalid(`The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.`);
  return undefined;
}
