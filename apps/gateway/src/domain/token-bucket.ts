/**
 * Failed-attempt budgets: each key (a client address, a claimed account) holds up to `capacity`
 * tokens refilled at `refillPerSecond`; every failure takes one, and while a key has none left its
 * attempts are refused before any credential check. Time is passed in, so tests need no clock.
 *
 * Memory is bounded: a key whose bucket is full again is forgotten (it is the same as no entry),
 * and past `maxKeys` the oldest keys are dropped first.
 */
interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it has a token. */
  retryAfterMs(key: string, nowMs: number): number {
    const tokens = this.level(key, nowMs);
    if (tokens >= 1) return 0;
    return Math.ceil(((1 - tokens) / this.refillPerSecond) * 1000);
  }

  /** Records one failure for `key`. */
  take(key: string, nowMs: number): void {
    const tokens = Math.max(0, this.level(key, nowMs) - 1);
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, at: nowMs });
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Forgets keys whose buckets are full again. */
  sweep(nowMs: number): void {
    for (const key of [...this.buckets.keys()]) this.level(key, nowMs);
  }

  private level(key: string, nowMs: number): number {
    const b = this.buckets.get(key);
    if (!b) return this.capacity;
    const tokens = Math.min(this.capacity, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * this.refillPerSecond);
    if (tokens >= this.capacity) {
      this.buckets.delete(key);
      return this.capacity;
    }
    return tokens;
  }
}
