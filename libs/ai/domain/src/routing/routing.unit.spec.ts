import { UpstreamError } from '../upstream-error';
import { attemptOrder } from './target-order';
import { backoffMs, nextStep, RetryPolicy } from './retry-policy';

const t = (name: string, order: number, weight: number) => ({ name, order, weight });
/** A fixed sequence of "random" numbers. */
const seq = (...xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length];
};

describe('attemptOrder', () => {
  it('tries lower fallback orders first, whatever the list order', () => {
    const order = attemptOrder([t('c', 2, 1), t('a', 0, 1), t('b', 1, 1)], () => 0);
    expect(order.map((x) => x.name)).toEqual(['a', 'b', 'c']);
  });

  it('picks among equal orders by weight, the others of that order following before the next order', () => {
    const targets = [t('a', 0, 1), t('b', 0, 3), t('z', 1, 1)];
    // total weight 4: r*4 < 1 picks a, otherwise b
    expect(attemptOrder(targets, seq(0.1, 0)).map((x) => x.name)).toEqual(['a', 'b', 'z']);
    expect(attemptOrder(targets, seq(0.5, 0)).map((x) => x.name)).toEqual(['b', 'a', 'z']);
  });

  it('shares load in proportion to weight', () => {
    const targets = [t('a', 0, 1), t('b', 0, 3)];
    let s = 7;
    // a small deterministic LCG stands in for Math.random
    const lcg = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const firsts = Array.from({ length: 4000 }, () => attemptOrder(targets, lcg)[0].name);
    const share = firsts.filter((n) => n === 'b').length / firsts.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
  });

  it('tries weight-0 targets only after the weighted ones of their order', () => {
    expect(attemptOrder([t('zero', 0, 0), t('one', 0, 1)], seq(0.99)).map((x) => x.name)).toEqual(['one', 'zero']);
  });
});

describe('retry decisions', () => {
  const policy: RetryPolicy = { retriesPerTarget: 2, baseDelayMs: 100, maxDelayMs: 1_000 };
  const err = (kind: UpstreamError['kind'], retryAfter?: number) => new UpstreamError(kind, kind, undefined, retryAfter);

  it('retries 429, 5xx, timeouts and connect errors on the same target before anything reached the caller', () => {
    for (const kind of ['rate_limited', 'server', 'timeout', 'connection'] as const) {
      expect(nextStep(policy, { error: err(kind), sentToCaller: false, retriesOnTarget: 0, moreTargets: true }, () => 0.5).kind).toBe('retry');
    }
  });

  it('never retries once a byte reached the caller', () => {
    expect(nextStep(policy, { error: err('server'), sentToCaller: true, retriesOnTarget: 0, moreTargets: true }, () => 0.5)).toEqual({ kind: 'fail' });
  });

  it('does not retry the caller’s own errors or a refused credential', () => {
    for (const kind of ['bad_request', 'auth', 'context_length', 'not_found', 'blocked_address', 'protocol'] as const) {
      expect(nextStep(policy, { error: err(kind), sentToCaller: false, retriesOnTarget: 0, moreTargets: true }, () => 0.5)).toEqual({ kind: 'fail' });
    }
  });

  it('moves to the next target when the retries are spent, and fails when none is left', () => {
    expect(nextStep(policy, { error: err('server'), sentToCaller: false, retriesOnTarget: 2, moreTargets: true }, () => 0.5)).toEqual({ kind: 'next_target' });
    expect(nextStep(policy, { error: err('server'), sentToCaller: false, retriesOnTarget: 2, moreTargets: false }, () => 0.5)).toEqual({ kind: 'fail' });
  });

  it('goes to the next target at once when Retry-After asks for longer than the policy waits', () => {
    expect(nextStep(policy, { error: err('rate_limited', 30_000), sentToCaller: false, retriesOnTarget: 0, moreTargets: true }, () => 0.5)).toEqual({ kind: 'next_target' });
  });

  it('backs off exponentially with jitter, honours a short Retry-After, and caps the wait', () => {
    expect(backoffMs(policy, 1, () => 0)).toBe(50);
    expect(backoffMs(policy, 1, () => 0.999)).toBe(100);
    expect(backoffMs(policy, 3, () => 0.999)).toBe(400);
    expect(backoffMs(policy, 10, () => 0.999)).toBe(1_000);
    expect(backoffMs(policy, 1, () => 0, 700)).toBe(700);
    expect(backoffMs(policy, 1, () => 0, 5_000)).toBe(1_000);
  });
});
