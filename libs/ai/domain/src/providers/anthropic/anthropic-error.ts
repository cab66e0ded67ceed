import { UpstreamReply } from '../../provider-adapter';
import { UpstreamError, UpstreamErrorKind } from '../../upstream-error';
import { kindForStatus, refineBadRequest, upstreamError } from '../support/upstream-status';
import { obj, parseObjectLoosely, str } from '../support/wire-json';

/** Anthropic's error types (the `error.type` of its error body, also sent as a stream `error` event). */
const KIND_BY_TYPE: Record<string, UpstreamErrorKind> = {
  invalid_request_error: 'bad_request',
  authentication_error: 'auth',
  permission_error: 'auth',
  not_found_error: 'not_found',
  request_too_large: 'bad_request',
  rate_limit_error: 'rate_limited',
  api_error: 'server',
  overloaded_error: 'server',
  timeout_error: 'timeout',
};

/** `{type:"error", error:{type, message}}` with the HTTP status; 529 is Anthropic's "overloaded". */
export function anthropicError(reply: UpstreamReply): UpstreamError {
  const e = obj(parseObjectLoosely(reply.body).error);
  const message = str(e.message) ?? '';
  const byType = KIND_BY_TYPE[str(e.type) ?? ''];
  const kind = byType ? refineBadRequest(byType, message) : kindForStatus(reply.status, message);
  return upstreamError('anthropic', kind, reply.status, message, reply.headers);
}

/** An `error` event inside a stream that had already begun. */
export function anthropicStreamError(data: Record<string, unknown>): UpstreamError {
  const e = obj(data.error);
  const message = str(e.message) ?? 'stream error';
  const kind = refineBadRequest(KIND_BY_TYPE[str(e.type) ?? ''] ?? 'protocol', message);
  return upstreamError('anthropic', kind, undefined, message);
}
