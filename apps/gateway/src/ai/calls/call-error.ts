import { UpstreamError, UpstreamErrorKind } from '@custos/ai-domain';

/** What the caller is told, before each front words it in its dialect. */
export type CallErrorCode =
  | 'invalid_request'
  | 'unknown_parameter'
  | 'not_found'
  | 'permission_denied'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'unavailable';

/**
 * A refused or failed AI call, provider-neutral. `status` is the caller's HTTP status; `errorClass`
 * goes into the usage record (the UpstreamError kind, or the gateway's own refusal).
 */
export class CallError extends Error {
  constructor(
    readonly status: number,
    readonly code: CallErrorCode,
    message: string,
    readonly errorClass: string = code,
    /** the request parameter at fault, when one is (OpenAI's `param`) */
    readonly param?: string,
    /** seconds, for a 429 passed on */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

/** How a provider's failure reaches the caller: its own mistakes as 4xx, the provider's as 5xx (never the caller's 401). */
const UPSTREAM: Record<UpstreamErrorKind, { status: number; code: CallErrorCode }> = {
  auth: { status: 502, code: 'upstream_error' },
  not_found: { status: 502, code: 'upstream_error' },
  rate_limited: { status: 429, code: 'rate_limited' },
  bad_request: { status: 400, code: 'invalid_request' },
  context_length: { status: 400, code: 'invalid_request' },
  content_filter: { status: 400, code: 'invalid_request' },
  server: { status: 502, code: 'upstream_error' },
  timeout: { status: 504, code: 'upstream_timeout' },
  connection: { status: 502, code: 'upstream_error' },
  protocol: { status: 502, code: 'upstream_error' },
  blocked_address: { status: 502, code: 'upstream_error' },
};

const PREFIX: Partial<Record<UpstreamErrorKind, string>> = {
  auth: 'the provider refused the gateway’s credential for this endpoint (an operator must fix the stored secret)',
  not_found: 'the provider does not know the model configured for this endpoint',
};

export function callErrorOf(e: unknown): CallError {
  if (e instanceof CallError) return e;
  if (e instanceof UpstreamError) {
    const m = UPSTREAM[e.kind];
    const prefix = PREFIX[e.kind];
    const retryAfter = e.kind === 'rate_limited' && e.retryAfterMs !== undefined ? Math.ceil(e.retryAfterMs / 1000) : undefined;
    return new CallError(m.status, m.code, prefix ? `${prefix}: ${e.message}` : e.message, e.kind, undefined, retryAfter);
  }
  return new CallError(502, 'upstream_error', 'the call failed in the gateway', 'internal');
}
