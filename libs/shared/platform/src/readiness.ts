import { Injectable } from '@nestjs/common';

export type Check = () => boolean;

/** Named readiness checks; the service is ready only when every dependency it uses answers. */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, Check>();

  register(name: string, check: Check): void {
    this.checks.set(name, check);
  }

  report(): { ready: boolean; checks: Record<string, boolean> } {
    const checks = Object.fromEntries([...this.checks].map(([n, c]) => [n, safe(c)]));
    return { ready: this.checks.size > 0 && Object.values(checks).every(Boolean), checks };
  }
}

function safe(c: Check): boolean {
  try {
    return c();
  } catch {
    return false;
  }
}
