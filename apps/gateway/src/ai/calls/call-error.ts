import { UpstreamError } from '@custos/ai-domain';

/**
 * The gateway's own reasons to refuse a call, named as the fronts' failure table names them
 * (`GATEWAY_REFUSALS` in @custos/ai-domain's fronts), so each front renders them in its dialect.
 */
export type CallRefusal =
  'invalid_request' | 'unauthenticated' | 'unknown_parameter' | 'permission_denied' | 'endpoint_not_found' | 'wrong_task' | 'stream_unsupported' | 'body_too_large' | 'rate_limited';

/** A call the gateway refused before (or instead of) asking a provider. Hooks throw it too. */
export class CallError extends Error {
  constructor(
    readonly kind: CallRefusal,
    message: string,
    /** the request parameter at fault, when one is (OpenAI's `param`) */
    readonly param?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'CallError';
  }
}

/** The class a failure is recorded under in the usage record. */
export function errorClassOf(f: CallError | UpstreamError): string {
  return f instanceof CallError ? f.kind : `upstream_${f.kind}`;
}
