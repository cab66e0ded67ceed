import { AsyncLocalStorage } from 'node:async_hooks';
import { PolicyContext, Principal } from '@custos/rbac';

/** What one request carries through the call stack: correlation for logs and events, and who asks. */
export interface RequestContext {
  correlationId: string;
  /** The request's path and query as received (`originalUrl`): the platform pipe words its errors by it. */
  path?: string;
  /** The id the client sent, if any: recorded beside the correlation id, never as it (decision 026). */
  clientCorrelationId?: string;
  principal?: Principal;
  clientIp?: string;
  traceparent?: string;
  /** The caller's grants and the default permission, loaded once per request by services that decide access. */
  policy?: PolicyContext;
  /** Sets a header on this request's answer while it has not been sent (the access-propagation outcome). */
  setResponseHeader?: (name: string, value: string) => void;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return requestContext.getStore();
}
