/**
 * What went wrong with a provider, in provider-neutral terms. Adapters classify their provider's
 * error bodies into this; the call pipeline decides retries and fallback from it, and each front
 * renders it in its caller's dialect. `message` is safe to show to the caller (it never carries the
 * provider key or the request body).
 */
export const UPSTREAM_ERROR_KINDS = [
  /** the provider refused our credential (401/403): the caller's answer is a 502, never a 401 */
  'auth',
  /** the provider does not know the model or deployment (404) */
  'not_found',
  /** 429: rate limited or out of quota */
  'rate_limited',
  /** the provider refused the request as malformed (400/422): the caller's fault, passed on as a 400 */
  'bad_request',
  /** the prompt is too long for the model: a 400 to the caller */
  'context_length',
  /** content policy refusal: a 400 to the caller */
  'content_filter',
  /** the provider failed (5xx, overloaded 529) */
  'server',
  /** connect, first-byte, idle or total timeout */
  'timeout',
  /** could not connect (refused, reset, DNS, TLS) */
  'connection',
  /** the reply was not in the provider's format, or a stream broke or errored midway */
  'protocol',
  /** the address was refused by the SSRF check before any byte was sent */
  'blocked_address',
] as const;
export type UpstreamErrorKind = (typeof UPSTREAM_ERROR_KINDS)[number];

export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    /** the provider's HTTP status, when there was one */
    readonly upstreamStatus?: number,
    /** from the provider's Retry-After (or equivalent) */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  /** Worth another attempt (same or next target) when nothing has been sent to the caller yet. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'connection';
  }
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}
