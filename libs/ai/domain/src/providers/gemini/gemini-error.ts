import { UpstreamReply } from '../../provider-adapter';
import { retryAfterMs, UpstreamError, UpstreamErrorKind } from '../../upstream-error';
import { headerValue, kindForStatus, refineBadRequest, upstreamError } from '../support/upstream-status';
import { arr, JsonObject, obj, parseObjectLoosely, str } from '../support/wire-json';

/** google.rpc status names, for replies (and stream error events) whose HTTP status says little. */
const KIND_BY_STATUS: Record<string, UpstreamErrorKind> = {
  INVALID_ARGUMENT: 'bad_request',
  FAILED_PRECONDITION: 'bad_request',
  OUT_OF_RANGE: 'bad_request',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limited',
  INTERNAL: 'server',
  UNAVAILABLE: 'server',
  UNKNOWN: 'server',
  DEADLINE_EXCEEDED: 'timeout',
};

/** A bad key is a 400 INVALID_ARGUMENT at Gemini, told apart only by its message or reason. */
const BAD_KEY = /api key not valid|API_KEY_INVALID|api key expired/i;

/** The RetryInfo detail's delay ("37s") when a 429 carries one and no Retry-After header. */
function retryInfoMs(error: JsonObject): number | undefined {
  for (const d of arr(error.details)) {
    const delay = str(obj(d).retryDelay);
    if (delay && /^\d+(\.\d+)?s$/.test(delay)) return Math.round(Number(delay.slice(0, -1)) * 1000);
  }
  return undefined;
}

function classify(error: JsonObject, httpStatus: number | undefined): UpstreamErrorKind {
  const message = str(error.message) ?? '';
  const details = JSON.stringify(error.details ?? '');
  if (BAD_KEY.test(message) || BAD_KEY.test(details)) return 'auth';
  const byStatus = KIND_BY_STATUS[str(error.status) ?? ''];
  if (byStatus) return refineBadRequest(byStatus, message);
  return httpStatus ? kindForStatus(httpStatus, message) : 'protocol';
}

/** `{error:{code, message, status, details}}` (sometimes wrapped in a one-element array). */
export function geminiError(reply: UpstreamReply): UpstreamError {
  const parsed = parseObjectLoosely(reply.body.trim().startsWith('[') ? reply.body.trim().slice(1, -1) : reply.body);
  const error = obj(parsed.error);
  const e = upstreamError('gemini', classify(error, reply.status), reply.status, str(error.message) ?? '', reply.headers);
  const retry = e.retryAfterMs ?? retryAfterMs(headerValue(reply.headers, 'retry-after')) ?? retryInfoMs(error);
  return retry === e.retryAfterMs ? e : new UpstreamError(e.kind, e.message, e.upstreamStatus, retry);
}

/** An `{error:{...}}` event inside a stream that had begun. */
export function geminiStreamError(data: JsonObject): UpstreamError {
  const error = obj(data.error);
  return upstreamError('gemini', classify(error, undefined), undefined, str(error.message) ?? 'stream error');
}
