import { UpstreamError, UPSTREAM_ERROR_KINDS } from '../upstream-error';
import { classifyFailure } from './failure-map';
import { GATEWAY_REFUSALS, refusal, upstreamFailure } from './front-failure';
import { renderAnthropicError } from './anthropic/error';
import { renderMlflowError } from './mlflow/error';
import { renderOpenAiError } from './openai/error';

describe('one failure table for every dialect', () => {
  it.each([
    ['auth', 401, 502],
    ['auth', 403, 502],
    ['not_found', 404, 502],
    ['rate_limited', 429, 429],
    ['bad_request', 400, 400],
    ['context_length', 400, 400],
    ['content_filter', 400, 400],
    ['server', 500, 502],
    ['timeout', undefined, 504],
    ['connection', undefined, 502],
    ['protocol', 200, 502],
    ['blocked_address', undefined, 502],
  ] as const)("upstream %s (provider status %s) is the caller's %s in all three dialects", (kind, upstream, status) => {
    const f = upstreamFailure(new UpstreamError(kind, 'detail', upstream));
    expect(renderOpenAiError(f).status).toBe(status);
    expect(renderAnthropicError(f).status).toBe(status);
    expect(renderMlflowError(f).status).toBe(status);
  });

  it('never answers a provider credential failure with 401 or 403, and says whose credential failed', () => {
    const f = upstreamFailure(new UpstreamError('auth', 'invalid x-api-key', 401));
    const o = renderOpenAiError(f);
    expect(o.status).toBe(502);
    expect(o.body.error).toMatchObject({ type: 'api_error', code: 'upstream_auth_failed' });
    expect(o.body.error.message).toMatch(/provider refused the gateway's credential/);
    expect(renderAnthropicError(f).body.error.type).toBe('api_error');
    expect(renderMlflowError(f).body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
  });

  it('passes the provider Retry-After on as seconds, rounded up, and defaults it to 1 s on every 429', () => {
    const withHint = upstreamFailure(new UpstreamError('rate_limited', 'slow down', 429, 2_500));
    expect(renderOpenAiError(withHint)).toMatchObject({ status: 429, headers: { 'retry-after': '3' }, body: { error: { type: 'rate_limit_error' } } });
    expect(renderAnthropicError(withHint)).toMatchObject({ status: 429, headers: { 'retry-after': '3' }, body: { type: 'error', error: { type: 'rate_limit_error' } } });
    expect(renderMlflowError(withHint)).toMatchObject({ status: 429, headers: { 'retry-after': '3' }, body: { error_code: 'REQUEST_LIMIT_EXCEEDED' } });
    expect(renderOpenAiError(upstreamFailure(new UpstreamError('rate_limited', 'x', 429))).headers).toEqual({ 'retry-after': '1' });
    expect(renderOpenAiError(refusal('rate_limited', 'too many calls')).headers).toEqual({ 'retry-after': '1' });
    expect(renderOpenAiError(refusal('invalid_request', 'bad')).headers).toEqual({});
  });

  it('says the target address is not allowed when the SSRF check refused it', () => {
    const c = classifyFailure(upstreamFailure(new UpstreamError('blocked_address', '10.0.0.8 is private')));
    expect(c.status).toBe(502);
    expect(c.message).toMatch(/target address is not allowed/);
  });

  it('tells Anthropic callers an overloaded provider apart from a failed one', () => {
    expect(renderAnthropicError(upstreamFailure(new UpstreamError('server', 'Overloaded', 529))).body.error.type).toBe('overloaded_error');
    expect(renderAnthropicError(upstreamFailure(new UpstreamError('server', 'boom', 500))).body.error.type).toBe('api_error');
  });

  it("gives timeouts MLflow's DEADLINE_EXCEEDED and context overruns OpenAI's code", () => {
    expect(renderMlflowError(upstreamFailure(new UpstreamError('timeout', 'first byte')))).toMatchObject({ status: 504, body: { error_code: 'DEADLINE_EXCEEDED' } });
    expect(renderOpenAiError(upstreamFailure(new UpstreamError('context_length', 'too long', 400))).body.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });
  });

  it.each([
    ['invalid_request', 400, 'invalid_request_error', 'invalid_request_error', 'INVALID_PARAMETER_VALUE'],
    ['unknown_parameter', 400, 'invalid_request_error', 'invalid_request_error', 'INVALID_PARAMETER_VALUE'],
    ['unauthenticated', 401, 'authentication_error', 'authentication_error', 'UNAUTHENTICATED'],
    ['permission_denied', 403, 'permission_error', 'permission_error', 'PERMISSION_DENIED'],
    ['endpoint_not_found', 404, 'not_found_error', 'not_found_error', 'RESOURCE_DOES_NOT_EXIST'],
    ['wrong_task', 400, 'invalid_request_error', 'invalid_request_error', 'INVALID_PARAMETER_VALUE'],
    ['stream_unsupported', 400, 'invalid_request_error', 'invalid_request_error', 'INVALID_PARAMETER_VALUE'],
    ['body_too_large', 413, 'invalid_request_error', 'request_too_large', 'RESOURCE_LIMIT_EXCEEDED'],
    ['rate_limited', 429, 'rate_limit_error', 'rate_limit_error', 'REQUEST_LIMIT_EXCEEDED'],
  ] as const)('gateway refusal %s: %s, %s / %s / %s', (kind, status, openai, anthropic, mlflow) => {
    const f = refusal(kind, 'why', 'field');
    expect(renderOpenAiError(f)).toMatchObject({ status, body: { error: { message: 'why', type: openai, param: 'field' } } });
    expect(renderAnthropicError(f, 'req_1')).toMatchObject({ status, body: { type: 'error', error: { type: anthropic, message: 'why' }, request_id: 'req_1' } });
    expect(renderMlflowError(f)).toMatchObject({ status, body: { error_code: mlflow, message: 'why' } });
  });

  it("has a row for every refusal and every upstream kind, none of them a 5xx for the caller's own mistakes", () => {
    for (const k of GATEWAY_REFUSALS) expect(classifyFailure(refusal(k, 'm')).status).toBeLessThan(500);
    for (const k of UPSTREAM_ERROR_KINDS) expect(classifyFailure(upstreamFailure(new UpstreamError(k, 'm'))).status).toBeGreaterThanOrEqual(400);
  });
});
