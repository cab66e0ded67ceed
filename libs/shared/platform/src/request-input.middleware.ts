import { IncomingMessage, ServerResponse } from 'node:http';
import { NextFunction, Request, Response } from 'express';
import { ApiError } from './errors';
import { jsonDepthExceeds, MAX_JSON_DEPTH, unsafeJsonEscape, unsafePath, unsafeQuery, unsafeTextMessage } from './request-input';

/*
 * The one place a request's shape is checked before routing (decision 030), installed with the
 * JSON body parser by `installBodyParsers`. Raised errors go through the ErrorFilter, so MLflow
 * routes answer `{error_code, message}` and the others problem details.
 */

export function invalidInput(message: string): ApiError {
  return new ApiError(400, 'INVALID_PARAMETER_VALUE', message);
}

/** body-parser's `verify` hook: sees the raw bytes of every JSON body before it is parsed. */
export function verifyJsonText(_req: IncomingMessage, _res: ServerResponse, buf: Buffer, encoding: string): void {
  // RFC 8259: JSON between systems is UTF-8; the escape scan below reads UTF-8 bytes.
  if (encoding.toLowerCase().replace('-', '') !== 'utf8') throw new ApiError(415, 'BAD_REQUEST', 'JSON request bodies must be encoded as UTF-8.');
  const bad = unsafeJsonEscape(buf);
  if (bad) throw invalidInput(unsafeTextMessage(bad, 'request body'));
}

/** body-parser's own refusals (malformed JSON) in our words: its message quotes parser internals. */
export function jsonParseErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  const type = (err as { type?: unknown } | null)?.type;
  next(type === 'entity.parse.failed' ? invalidInput('Malformed JSON in the request body.') : err);
}

/**
 * Path and query of every request, and a parsed JSON body: one JSON object, no deeper than
 * MAX_JSON_DEPTH. Whether a route needed a body at all is the route's business, so a missing or
 * non-JSON body is judged after routing, by JsonBodyGuard: an unknown route stays a 404.
 */
export function requestInputGuard(isStreamed: (path: string) => boolean) {
  return (req: Request, _res: Response, next: NextFunction): void => next(inputError(req, isStreamed));
}

function inputError(req: Request, isStreamed: (path: string) => boolean): ApiError | undefined {
  const path = (req.url ?? '/').split('?')[0];
  const badPath = unsafePath(path);
  if (badPath) return invalidInput(badPath === 'malformed' ? 'Invalid request path: malformed percent-encoding.' : unsafeTextMessage(badPath, 'request path'));
  const badQuery = unsafeQuery(req.query);
  if (badQuery) return invalidInput(unsafeTextMessage(badQuery, 'query string'));
  if (isStreamed(path) || req.body === undefined) return undefined;
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) return invalidInput('The request body must be a JSON object.');
  if (jsonDepthExceeds(req.body)) return invalidInput(`The request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.`);
  return undefined;
}
