import { UpstreamErrorKind } from '../upstream-error';
import { FrontFailure, GatewayRefusal } from './front-failure';

/**
 * How one failure reads in every dialect. One row per gateway refusal and per upstream error kind,
 * so the three fronts cannot drift apart on status codes.
 */
export interface FailureClass {
  status: number;
  openai: { type: string; code: string | null };
  anthropic: { type: string };
  mlflow: { errorCode: string };
  message: string;
  /** set on every 429 (a default of 1 s when nobody said) */
  retryAfterSeconds?: number;
}

type Row = Omit<FailureClass, 'message' | 'retryAfterSeconds'>;

const INVALID: Row = { status: 400, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'invalid_request_error' }, mlflow: { errorCode: 'INVALID_PARAMETER_VALUE' } };
/** The provider failed us, not the caller: a 502, whatever the provider said. */
const BAD_GATEWAY: Row = { status: 502, openai: { type: 'api_error', code: null }, anthropic: { type: 'api_error' }, mlflow: { errorCode: 'TEMPORARILY_UNAVAILABLE' } };
const RATE_LIMITED: Row = { status: 429, openai: { type: 'rate_limit_error', code: 'rate_limit_exceeded' }, anthropic: { type: 'rate_limit_error' }, mlflow: { errorCode: 'REQUEST_LIMIT_EXCEEDED' } };

const REFUSALS: Record<GatewayRefusal, Row> = {
  invalid_request: INVALID,
  unknown_parameter: { ...INVALID, openai: { type: 'invalid_request_error', code: 'unknown_parameter' } },
  unauthenticated: { status: 401, openai: { type: 'authentication_error', code: 'invalid_api_key' }, anthropic: { type: 'authentication_error' }, mlflow: { errorCode: 'UNAUTHENTICATED' } },
  permission_denied: { status: 403, openai: { type: 'permission_error', code: null }, anthropic: { type: 'permission_error' }, mlflow: { errorCode: 'PERMISSION_DENIED' } },
  endpoint_not_found: { status: 404, openai: { type: 'not_found_error', code: 'model_not_found' }, anthropic: { type: 'not_found_error' }, mlflow: { errorCode: 'RESOURCE_DOES_NOT_EXIST' } },
  wrong_task: { ...INVALID, openai: { type: 'invalid_request_error', code: 'wrong_task' } },
  stream_unsupported: { ...INVALID, openai: { type: 'invalid_request_error', code: 'stream_unsupported' } },
  body_too_large: { status: 413, openai: { type: 'invalid_request_error', code: 'request_too_large' }, anthropic: { type: 'request_too_large' }, mlflow: { errorCode: 'RESOURCE_LIMIT_EXCEEDED' } },
  rate_limited: RATE_LIMITED,
};

const UPSTREAM: Record<UpstreamErrorKind, Row & { say: string }> = {
  auth: {
    ...BAD_GATEWAY,
    openai: { type: 'api_error', code: 'upstream_auth_failed' },
    say: "The provider refused the gateway's credential for this endpoint; the endpoint's owner must check its provider secret.",
  },
  not_found: {
    ...BAD_GATEWAY,
    openai: { type: 'api_error', code: 'upstream_model_not_found' },
    say: "The provider does not know this endpoint's model or deployment; the endpoint's owner must check its target.",
  },
  rate_limited: { ...RATE_LIMITED, say: 'The provider is rate limiting this endpoint; retry later.' },
  bad_request: { ...INVALID, say: 'The provider refused the request as invalid.' },
  context_length: { ...INVALID, openai: { type: 'invalid_request_error', code: 'context_length_exceeded' }, say: "The request is longer than the model's context window." },
  content_filter: { ...INVALID, openai: { type: 'invalid_request_error', code: 'content_filter' }, say: 'The provider refused the request under its content policy.' },
  server: { ...BAD_GATEWAY, say: 'The provider failed to answer.' },
  timeout: {
    status: 504,
    openai: { type: 'api_error', code: 'upstream_timeout' },
    anthropic: { type: 'api_error' },
    mlflow: { errorCode: 'DEADLINE_EXCEEDED' },
    say: 'The provider did not answer in time.',
  },
  connection: { ...BAD_GATEWAY, say: 'The gateway could not reach the provider.' },
  protocol: { ...BAD_GATEWAY, say: 'The provider answered in a form the gateway could not read.' },
  blocked_address: {
    ...BAD_GATEWAY,
    openai: { type: 'api_error', code: 'upstream_address_blocked' },
    say: "The endpoint's target address is not allowed: it resolves to a network range the gateway refuses to call.",
  },
};

function retrySeconds(ms: number | undefined): number {
  return ms === undefined ? 1 : Math.max(1, Math.ceil(ms / 1000));
}

export function classifyFailure(f: FrontFailure): FailureClass {
  if (f.source === 'gateway') {
    const row = REFUSALS[f.kind];
    return { ...row, message: f.message, ...(row.status === 429 ? { retryAfterSeconds: retrySeconds(f.retryAfterMs) } : {}) };
  }
  const e = f.error;
  const { say, ...row } = UPSTREAM[e.kind];
  // An overloaded provider (Anthropic's 529, anyone's 503) is worth telling Anthropic callers apart.
  const anthropic = e.kind === 'server' && (e.upstreamStatus === 529 || e.upstreamStatus === 503) ? { type: 'overloaded_error' } : row.anthropic;
  // The adapter's message is safe to show (no key, no body); the status tells the caller whose fault it was.
  const detail = e.message && e.message !== say ? `${e.upstreamStatus !== undefined ? `provider status ${e.upstreamStatus}: ` : ''}${e.message}` : '';
  const message = detail ? `${say.replace(/\.$/, '')} (${detail}).` : say;
  return { ...row, anthropic, message, ...(row.status === 429 ? { retryAfterSeconds: retrySeconds(e.retryAfterMs) } : {}) };
}

/** Headers every error reply of this class carries. */
export function failureHeaders(c: FailureClass): Record<string, string> {
  return c.retryAfterSeconds !== undefined ? { 'retry-after': String(c.retryAfterSeconds) } : {};
}
