import { Injectable } from '@nestjs/common';

export type Check = () => boolean;
/** Something worth showing beside the checks that does not decide readiness (audit's gaps, a consumer group joined). */
export type Detail = () => unknown;

/** Named readiness checks; the service is ready only when every dependency it uses answers. */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, Check>();
  private readonly details = new Map<string, Detail>();

  register(name: string, check: Check): void {
    this.checks.set(name, check);
  }

  /** Reported beside the checks, for operators, without gating readiness. */
  describe(name: string, detail: Detail): void {
    this.details.set(name, detail);
  }

  report(): { ready: boolean; checks: Record<string, boolean>; details?: Record<string, unknown> } {
    const checks = Object.fromEntries([...this.checks].map(([n, c]) => [n, safe(c)]));
    const ready = this.checks.size > 0 && Object.values(checks).every(Boolean);
    if (this.details.size === 0) return { ready, checks };
    return { ready, checks, details: Object.fromEntries([...this.details].map(([n, d]) => [n, describeSafely(d)])) };
  }
}

/**
 * A consumer gates readiness only while a transient failure holds it back. Whether it has joined
 * its group is shown, not required: after a kill -9 the join waits out the dead member's session
 * while the service already serves (decision 028).
 */
export function registerConsumerReadiness(readiness: Readiness, name: string, consumer: { isHealthy(): boolean; isConnected(): boolean }): void {
  readiness.register(`consumer:${name}`, () => consumer.isHealthy());
  readiness.describe(`consumer:${name}:joined`, () => consumer.isConnected());
}

function safe(c: Check): boolean {
  try {
    return c();
  } catch {
    return false;
  }
}

function describeSafely(d: Detail): unknown {
  try {
    return d();
  } catch (e) {
    return { error: String(e) };
  }
}
