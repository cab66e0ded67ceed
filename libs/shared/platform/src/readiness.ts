import { Injectable } from '@nestjs/common';

export type Check = () => boolean;

/** Named readiness checks; the service is ready only when every dependency it uses answers. */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, Check>();
  private readonly details = new Map<string, Check>();

  register(name: string, check: Check): void {
    this.checks.set(name, check);
  }

  /** Reported beside the checks, for operators, without gating readiness (e.g. a consumer group joined). */
  registerDetail(name: string, check: Check): void {
    this.details.set(name, check);
  }

  report(): { ready: boolean; checks: Record<string, boolean>; details: Record<string, boolean> } {
    const checks = Object.fromEntries([...this.checks].map(([n, c]) => [n, safe(c)]));
    const details = Object.fromEntries([...this.details].map(([n, c]) => [n, safe(c)]));
    return { ready: this.checks.size > 0 && Object.values(checks).every(Boolean), checks, details };
  }
}

/**
 * A consumer gates readiness only while a transient failure holds it back. Whether it has joined
 * its group is shown, not required: after a kill -9 the join waits out the dead member's session
 * while the service already serves (decision 028).
 */
export function registerConsumerReadiness(readiness: Readiness, name: string, consumer: { isHealthy(): boolean; isConnected(): boolean }): void {
  readiness.register(`consumer:${name}`, () => consumer.isHealthy());
  readiness.registerDetail(`consumer:${name}:joined`, () => consumer.isConnected());
}

function safe(c: Check): boolean {
  try {
    return c();
  } catch {
    return false;
  }
}
