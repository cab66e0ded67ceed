import { TokenBuckets } from './token-bucket';

describe('token buckets for failed attempts', () => {
  it('allows a burst, then refuses until a token has refilled', () => {
    const b = new TokenBuckets(3, 1); // 3 failures, then one more per second
    for (let i = 0; i < 3; i++) {
      expect(b.retryAfterMs('ip', 0)).toBe(0);
      b.take('ip', 0);
    }
    expect(b.retryAfterMs('ip', 0)).toBe(1000);
    expect(b.retryAfterMs('ip', 400)).toBe(600);
    expect(b.retryAfterMs('ip', 1000)).toBe(0);
    expect(b.retryAfterMs('other', 0)).toBe(0);
  });

  it('forgets keys whose bucket is full again and stays within its key budget', () => {
    const b = new TokenBuckets(2, 1, 3);
    b.take('a', 0);
    b.take('b', 0);
    b.sweep(10_000);
    expect(b.size).toBe(0);
    for (const k of ['a', 'b', 'c', 'd']) b.take(k, 0);
    expect(b.size).toBe(3);
  });
});
