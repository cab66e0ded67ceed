import { ServerResponse } from 'node:http';
import { CallError, CallRefusal } from '../calls/call-error';
import { FrontCodec } from '../calls/front-codec';
import { FrontCodecs } from '../calls/front-codecs';

/** The edge's refusals an AI caller's SDK reads as its own error types (MLflow routes already get `{error_code, message}`). */
const KIND_BY_STATUS: Record<number, CallRefusal> = { 401: 'unauthenticated', 403: 'permission_denied', 429: 'rate_limited' };

function frontOf(fronts: FrontCodecs, path: string): FrontCodec | undefined {
  if (path === '/v1/messages') return fronts.anthropic;
  if (path.startsWith('/v1/')) return fronts.openai;
  return undefined;
}

/**
 * Writes an edge refusal (IP rule, authentication, failure budget) on an AI route in the caller's
 * dialect, so the OpenAI and Anthropic SDKs raise their authentication and permission errors; true
 * when it did. Headers already set (WWW-Authenticate, Retry-After) are kept.
 */
export function writeAiEdgeRefusal(fronts: FrontCodecs | undefined, res: ServerResponse, path: string, status: number, message: string, requestId: string): boolean {
  const front = fronts && frontOf(fronts, path);
  const kind = KIND_BY_STATUS[status];
  if (!front || !kind) return false;
  const reply = front.error(new CallError(kind, message), requestId);
  for (const [k, v] of Object.entries(reply.headers)) if (!res.hasHeader(k)) res.setHeader(k, v);
  res.statusCode = reply.status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(reply.body));
  return true;
}
