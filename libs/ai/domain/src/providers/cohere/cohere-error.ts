import { UpstreamReply } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { kindForStatus, upstreamError } from '../support/upstream-status';
import { parseObjectLoosely, str } from '../support/wire-json';

/**
 * `{message}` or `{id, message}` with the HTTP status. Cohere adds 498 (invalid token) and 402
 * (billing: out of credit, worth trying the next target like a quota 429).
 */
export function cohereError(reply: UpstreamReply): UpstreamError {
  const message = str(parseObjectLoosely(reply.body).message) ?? '';
  const kind = reply.status === 498 ? 'auth' : reply.status === 402 ? 'rate_limited' : kindForStatus(reply.status, message);
  return upstreamError('cohere', kind, reply.status, message, reply.headers);
}
