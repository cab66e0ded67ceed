import { formatSse } from '../../sse';
import { classifyFailure, failureHeaders } from '../failure-map';
import { FrontFailure, FrontReply } from '../front-failure';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id?: string;
}

function body(f: FrontFailure, requestId?: string): FrontReply<AnthropicErrorBody> {
  const c = classifyFailure(f);
  return { status: c.status, headers: failureHeaders(c), body: { type: 'error', error: { type: c.anthropic.type, message: c.message }, ...(requestId ? { request_id: requestId } : {}) } };
}

/** A refusal or upstream failure as Anthropic's error body, with its status (and Retry-After on 429). */
export function renderAnthropicError(f: FrontFailure, requestId?: string): FrontReply<AnthropicErrorBody> {
  return body(f, requestId);
}

/** The same error after the stream has begun: an `event: error`, after which the stream ends. */
export function anthropicStreamError(f: FrontFailure, requestId?: string): string {
  return formatSse(JSON.stringify(body(f, requestId).body), 'error');
}
