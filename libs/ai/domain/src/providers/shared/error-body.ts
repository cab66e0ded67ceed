import { retryAfterMs, UpstreamError, UpstreamErrorKind } from '../../upstream-error';
import { UpstreamReply } from '../../provider-adapter';
import { header, isObject, str, WireObject } from './wire-json';

/** The fields of an error body, read from whichever of the OpenAI-family shapes the server used. */
export interface ErrorFields {
  message?: string;
  type?: string;
  code?: string;
}

/**
 * OpenAI-family servers disagree on the error envelope: OpenAI and Azure `{error:{message,type,code}}`,
 * Ollama `{error:"..."}`, vLLM and Mistral `{object:"error",message,type,code}`, Mistral's edge
 * `{message,request_id}` and its validation layer `{detail:...}`. This reads them all.
 */
export function errorFields(body: unknown): ErrorFields {
  if (!isObject(body)) return {};
  const inner = body['error'];
  if (typeof inner === 'string') return { message: inner };
  const src: WireObject = isObject(inner) ? inner : body;
  const fields: ErrorFields = {
    message: messageText(src['message'] ?? src['detail'] ?? body['detail']),
    type: str(src['type']) ?? undefined,
    code: src['code'] === null || src['code'] === undefined ? undefined : String(src['code']),
  };
  // Azure puts the policy verdict one level down.
  const innerError = src['innererror'];
  if (isObject(innerError) && !fields.code) fields.code = str(innerError['code']);
  return fields;
}

function messageText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((d) => (isObject(d) && typeof d['msg'] === 'string' ? `${d['msg']}${Array.isArray(d['loc']) ? ` (${d['loc'].join('.')})` : ''}` : JSON.stringify(d))).join('; ');
  if (isObject(v)) return messageText(v['detail'] ?? v['message']) ?? JSON.stringify(v);
  return undefined;
}

/** Body text as an object when it is JSON; error bodies are sometimes HTML or plain text from a proxy. */
export function errorBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 200) };
  }
}

const CONTEXT_CODES = new Set(['context_length_exceeded', 'string_above_max_length', 'exceed_context_size_error']);
const CONTEXT_TEXT = /maximum context length|context[_ ]length|context window|too large for model|exceeds? the (available )?context|prompt is too long/i;
const FILTER_CODES = new Set(['content_filter', 'content_policy_violation', 'responsibleaipolicyviolation']);

/** Keys in provider messages are partly masked by the provider; mask the rest so none reaches a caller or a log. */
export function safeMessage(message: string | undefined, fallback: string): string {
  const m = (message ?? '').replace(/\b(sk|key|gsk|ak)[-_][A-Za-z0-9_*\-.]{4,}/g, '[redacted]').trim();
  return (m || fallback).slice(0, 500);
}

/** The kind for an error without an HTTP status (an error event inside a stream). */
export function kindFromFields(f: ErrorFields): UpstreamErrorKind | undefined {
  const code = (f.code ?? '').toLowerCase();
  const type = (f.type ?? '').toLowerCase();
  if (CONTEXT_CODES.has(code) || CONTEXT_CODES.has(type) || CONTEXT_TEXT.test(f.message ?? '')) return 'context_length';
  if (FILTER_CODES.has(code) || FILTER_CODES.has(type)) return 'content_filter';
  if (code === 'rate_limit_exceeded' || type === 'rate_limit_exceeded' || code === 'insufficient_quota' || type === 'insufficient_quota' || code === '429') return 'rate_limited';
  if (code === 'invalid_api_key' || type === 'authentication_error') return 'auth';
  // Mistral answers an unknown model with a 400 of type invalid_model.
  if (code === 'model_not_found' || code === 'deploymentnotfound' || type === 'invalid_model') return 'not_found';
  if (type === 'server_error' || type === 'internal_error' || type === 'api_error' || code === 'server_error') return 'server';
  return undefined;
}

/** Classify a non-2xx reply of an OpenAI-family server. `provider` names the upstream in messages. */
export function classifyOpenAiFamilyError(reply: UpstreamReply, provider: string): UpstreamError {
  const f = errorFields(errorBody(reply.body));
  const s = reply.status;
  const byFields = kindFromFields(f);
  let kind: UpstreamErrorKind;
  if (s === 401 || s === 403) kind = 'auth';
  else if (s === 404) kind = 'not_found';
  // 402 is DeepSeek's (and some resellers') "out of balance": like OpenAI's insufficient_quota, another target may still answer.
  else if (s === 429 || s === 402) kind = 'rate_limited';
  else if (s === 408) kind = 'timeout';
  else if (s >= 500) kind = 'server';
  else if (byFields === 'context_length' || byFields === 'content_filter' || byFields === 'not_found') kind = byFields;
  else kind = 'bad_request';

  // The provider's words about our credential stay out of the caller's answer: they are about our key, not their call.
  const message =
    kind === 'auth'
      ? `${provider} refused the gateway's credential for this endpoint (HTTP ${s})`
      : kind === 'not_found'
        ? `${provider} does not know the model or deployment: ${safeMessage(f.message, 'not found')}`
        : `${provider}: ${safeMessage(f.message, `HTTP ${s}`)}`;
  const retry = kind === 'rate_limited' || kind === 'server' ? retryAfter(reply.headers) : undefined;
  return new UpstreamError(kind, message, s, retry);
}

/** `retry-after-ms` (OpenAI, Azure) is more precise than `retry-after`; either may be absent. */
export function retryAfter(headers: Readonly<Record<string, string>>): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  return retryAfterMs(header(headers, 'retry-after'));
}

/** An error event inside a 200 stream: the class its fields say, else a protocol failure. */
export function streamErrorFrom(body: WireObject, provider: string): UpstreamError {
  const f = errorFields(body);
  return new UpstreamError(kindFromFields(f) ?? 'protocol', `${provider} stream failed: ${safeMessage(f.message, 'error event')}`);
}
