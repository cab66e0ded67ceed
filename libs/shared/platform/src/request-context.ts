import { AsyncLocalStorage } from 'node:async_hooks';
import { Principal } from '@custos/rbac';

/** What one request carries through the call stack: correlation for logs and events, and who asks. */
export interface RequestContext {
  correlationId: string;
  principal?: Principal;
  clientIp?: string;
  traceparent?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return requestContext.getStore();
}
