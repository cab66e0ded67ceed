/**
 * Which enforcers each awaited event still waits for, and which reports came first. Pure and
 * synchronous: the Kafka side feeds `report`, writers `expect`. A report can arrive before the
 * writer asks (the relay and the consumer were faster than the rest of the request), so reports
 * of ids nobody waits for are kept for a while (the newest `recentLimit` ids).
 */
export class PropagationLedger {
  private readonly waiting = new Map<string, { missing: Set<string>; done: () => void }[]>();
  private readonly recent = new Map<string, Set<string>>();

  constructor(private readonly recentLimit = 10_000) {}

  /** Resolves once every one of `enforcers` has reported `eventId` (never rejects; see `forget`). */
  expect(eventId: string, enforcers: readonly string[]): Promise<void> {
    const seen = this.recent.get(eventId);
    const missing = new Set(enforcers.filter((e) => !seen?.has(e)));
    if (missing.size === 0) return Promise.resolve();
    return new Promise((done) => this.waiting.set(eventId, [...(this.waiting.get(eventId) ?? []), { missing, done }]));
  }

  /** Stops waiting for these events (the writer's bound passed); their promises stay pending and are dropped. */
  forget(eventIds: readonly string[]): void {
    for (const id of eventIds) this.waiting.delete(id);
  }

  report(enforcer: string, eventIds: readonly string[]): void {
    for (const id of eventIds) {
      this.remember(id, enforcer);
      const waiters = this.waiting.get(id);
      if (!waiters) continue;
      const still = waiters.filter((w) => {
        w.missing.delete(enforcer);
        if (w.missing.size > 0) return true;
        w.done();
        return false;
      });
      if (still.length > 0) this.waiting.set(id, still);
      else this.waiting.delete(id);
    }
  }

  get waitingFor(): number {
    return this.waiting.size;
  }

  private remember(id: string, enforcer: string): void {
    const seen = this.recent.get(id);
    if (seen) {
      seen.add(enforcer);
      return;
    }
    this.recent.set(id, new Set([enforcer]));
    if (this.recent.size > this.recentLimit) this.recent.delete(this.recent.keys().next().value as string);
  }
}
