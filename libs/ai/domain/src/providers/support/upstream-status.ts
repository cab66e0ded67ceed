import { retryAfterMs, UpstreamError, UpstreamErrorKind } from '../../upstream-error';

// Phrases providers use when the prompt does not fit the model; a 400 with one of these is the
// caller's context-length problem rather than a generic bad request.
const CONTEXT_LENGTH = /prompt is too long|too many (input )?tokens|input is too long|context (length|window)|exceeds the maximum number of tokens|input token count.*exceeds|maximum context length/i;
const CONTENT_FILTER = /content (policy|filter|management)|safety (system|filter)|blocked by/i;
// Provider keys that an upstream message might echo back; never shown to the caller.
const KEY_SHAPES = /\b(sk-(ant-)?[A-Za-z0-9_-]{6,}|AIza[0-9A-Za-z_-]{10,}|(AKIA|ASIA)[0-9A-Z]{12,})/g;

export function safeMessage(message: string): string {
  const m = message.replace(KEY_SHAPES, '[redacted]');
  return m.length > 500 ? `${m.slice(0, 500)}…` : m;
}

/** The kind an HTTP status alone implies; 400s are refined by the message. */
export function kindForStatus(status: number, message: string): UpstreamErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  if (CONTEXT_LENGTH.test(message)) return 'context_length';
  if (CONTENT_FILTER.test(message)) return 'content_filter';
  return 'bad_request';
}

export function refineBadRequest(kind: UpstreamErrorKind, message: string): UpstreamErrorKind {
  if (kind !== 'bad_request') return kind;
  if (CONTEXT_LENGTH.test(message)) return 'context_length';
  if (CONTENT_FILTER.test(message)) return 'content_filter';
  return kind;
}

export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** One UpstreamError from a provider reply, with Retry-After honoured on 429 and 5xx. */
export function upstreamError(provider: string, kind: UpstreamErrorKind, status: number | undefined, message: string, headers: Readonly<Record<string, string>> = {}): UpstreamError {
  const text = safeMessage(message || (status ? `HTTP ${status}` : 'error'));
  return new UpstreamError(kind, `${provider}: ${text}`, status, retryAfterMs(headerValue(headers, 'retry-after')));
}
