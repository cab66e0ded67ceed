import { UpstreamError } from '../upstream-error';
import { Random } from './target-order';

/** How hard one call tries: attempts per target and the backoff between them. */
export interface RetryPolicy {
  /** retries on the same target after its first attempt (0: go straight to the next target) */
  retriesPerTarget: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retriesPerTarget: 1, baseDelayMs: 100, maxDelayMs: 2_000 };

/**
 * The wait before retry number `retry` (1-based) on a target: exponential with full jitter, at
 * least what the provider's Retry-After asked for, and never more than `maxDelayMs` (a provider
 * asking for a longer wait is better served by the next target).
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: Random, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0));
}

export type NextStep = { kind: 'retry'; delayMs: number } | { kind: 'next_target' } | { kind: 'fail' };

export interface AttemptOutcome {
  error: UpstreamError;
  /** whether any byte of the reply had reached the caller (then nothing may be tried again) */
  sentToCaller: boolean;
  /** retries already made on this target */
  retriesOnTarget: number;
  /** whether another target is left to fall back to */
  moreTargets: boolean;
}

/**
 * What to do after a failed attempt. Only connect errors, timeouts, 429 and 5xx are worth another
 * try, and only before the caller has seen a byte: a stream already under way cannot be replayed.
 * A Retry-After longer than the policy's longest wait sends the call to the next target instead.
 */
export function nextStep(policy: RetryPolicy, o: AttemptOutcome, random: Random): NextStep {
  if (o.sentToCaller || !o.error.retryable) return { kind: 'fail' };
  const tooLong = o.error.retryAfterMs !== undefined && o.error.retryAfterMs > policy.maxDelayMs;
  if (o.retriesOnTarget < policy.retriesPerTarget && !tooLong) return { kind: 'retry', delayMs: backoffMs(policy, o.retriesOnTarget + 1, random, o.error.retryAfterMs) };
  return o.moreTargets ? { kind: 'next_target' } : { kind: 'fail' };
}
