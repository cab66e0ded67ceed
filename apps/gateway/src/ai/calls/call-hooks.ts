import { AiEndpoint, Usage } from '@custos/ai-domain';
import { Principal } from '@custos/rbac';
import { CanonicalRequest, FrontName } from './front-codec';

/** What a hook may know of a call; limits, budgets and guardrails (a later issue) plug in here. */
export interface CallContext {
  readonly correlationId: string;
  readonly principal: Principal;
  readonly clientIp: string;
  readonly endpoint: AiEndpoint;
  readonly front: FrontName;
  readonly request: CanonicalRequest;
}

export interface CallOutcome {
  readonly status: number;
  readonly usage?: Usage;
  readonly errorClass?: string;
  readonly latencyMs: number;
}

/**
 * Runs after the call is admitted (endpoint, permission, task and parameters checked) and before
 * any upstream attempt. Throwing a CallError refuses the call in the caller's dialect.
 */
export interface BeforeCallHook {
  beforeCall(ctx: CallContext): Promise<void> | void;
}

/** Runs once the call has ended, whatever the outcome (a budget counts what was spent). Must not throw. */
export interface AfterCallHook {
  afterCall(ctx: CallContext, outcome: CallOutcome): Promise<void> | void;
}

export const BEFORE_CALL_HOOKS = Symbol('BEFORE_CALL_HOOKS');
export const AFTER_CALL_HOOKS = Symbol('AFTER_CALL_HOOKS');
