import { formatSse } from '../../sse';
import { classifyFailure, failureHeaders } from '../failure-map';
import { FrontFailure, FrontReply } from '../front-failure';

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

function body(f: FrontFailure): { status: number; headers: Record<string, string>; body: OpenAiErrorBody } {
  const c = classifyFailure(f);
  const param = f.source === 'gateway' ? (f.param ?? null) : null;
  return { status: c.status, headers: failureHeaders(c), body: { error: { message: c.message, type: c.openai.type, param, code: c.openai.code } } };
}

/** A refusal or upstream failure as OpenAI's error object, with its status (and Retry-After on 429). */
export function renderOpenAiError(f: FrontFailure): FrontReply<OpenAiErrorBody> {
  return body(f);
}

/**
 * The same error after the stream has begun: one `data:` event holding the error object, which the
 * OpenAI SDKs raise as an APIError. The writer ends the stream after it, without `[DONE]`.
 */
export function openAiStreamError(f: FrontFailure): string {
  return formatSse(JSON.stringify(body(f).body));
}
