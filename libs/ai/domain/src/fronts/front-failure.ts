import { UpstreamError } from '../upstream-error';

/**
 * Why the gateway itself refuses a call before (or instead of) asking a provider. Each front renders
 * these, and upstream errors, in its own dialect through the one table in `failure-map.ts`.
 */
export const GATEWAY_REFUSALS = [
  /** the body is not what the dialect accepts: wrong JSON type, missing field, number out of range */
  'invalid_request',
  /** the endpoint's unknown-parameter policy is `reject` and the caller sent parameters it does not name */
  'unknown_parameter',
  'unauthenticated',
  'permission_denied',
  /** no endpoint of that name (or none the caller may see: the two are not told apart) */
  'endpoint_not_found',
  /** e.g. a chat call on an embeddings endpoint */
  'wrong_task',
  /** stream=true to an endpoint whose provider cannot stream that task */
  'stream_unsupported',
  /** the body is over the configured limit */
  'body_too_large',
  /** the gateway's own limits (429) */
  'rate_limited',
] as const;
export type GatewayRefusal = (typeof GATEWAY_REFUSALS)[number];

export type FrontFailure =
  { source: 'gateway'; kind: GatewayRefusal; message: string; /** the request field at fault, when one is */ param?: string; retryAfterMs?: number } | { source: 'upstream'; error: UpstreamError };

/** What a parser or policy returns instead of throwing: the value, or a failure to render as a 4xx. */
export type FrontResult<T> = { ok: true; value: T } | { ok: false; failure: FrontFailure };

export function refusal(kind: GatewayRefusal, message: string, param?: string, retryAfterMs?: number): FrontFailure {
  return { source: 'gateway', kind, message, ...(param !== undefined ? { param } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

export function upstreamFailure(error: UpstreamError): FrontFailure {
  return { source: 'upstream', error };
}

export function ok<T>(value: T): FrontResult<T> {
  return { ok: true, value };
}

export function failed<T>(failure: FrontFailure): FrontResult<T> {
  return { ok: false, failure };
}

/** What a front answers with: status, headers to add, and a JSON body. */
export interface FrontReply<B = unknown> {
  status: number;
  headers: Record<string, string>;
  body: B;
}
