import { z } from 'zod/v4';
import { parseIp, unmapIp } from '../domain/ip-address';

/**
 * The bench-only switch that turns authentication off (decision 013): measured against the same
 * route with authentication on, it gives the added latency of authn + authz (bench/auth-latency.mjs).
 * One variable with one exact value, so no boolean-ish typo or copied default turns it on, and only
 * on a gateway bound to a loopback address with no trusted proxy in front of it.
 */
export const BENCH_UNAUTHENTICATED_PHRASE = 'i-understand-this-disables-auth';

/** Unset or empty: off. The exact phrase: on. Anything else is a config error. */
export const benchModeField = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return false;
    if (v === BENCH_UNAUTHENTICATED_PHRASE) return true;
    ctx.addIssue({ code: 'custom', message: `must be unset (production) or exactly "${BENCH_UNAUTHENTICATED_PHRASE}" (benchmarks only)` });
    return z.NEVER;
  });

/**
 * A literal loopback address only: `localhost` is refused because what it resolves to is up to the
 * machine's resolver, and `0.0.0.0`/`::` listen on every interface.
 */
export function isLoopbackLiteral(host: string): boolean {
  const parsed = parseIp(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
  if (!parsed) return false;
  const a = unmapIp(parsed);
  return a.family === 4 ? a.value >> 24n === 127n : a.value === 1n;
}

interface BenchModeInputs {
  GATEWAY_BENCH_UNAUTHENTICATED: boolean;
  HTTP_HOST: string;
  TRUSTED_PROXIES: string;
}

export function refuseBenchModeUnlessLoopback(c: BenchModeInputs, ctx: z.RefinementCtx): void {
  if (!c.GATEWAY_BENCH_UNAUTHENTICATED) return;
  if (!isLoopbackLiteral(c.HTTP_HOST)) {
    ctx.addIssue({
      code: 'custom',
      path: ['GATEWAY_BENCH_UNAUTHENTICATED'],
      message: `disables authentication and is refused unless HTTP_HOST is a loopback address such as 127.0.0.1 or ::1 (HTTP_HOST is "${c.HTTP_HOST}")`,
    });
  }
  if (c.TRUSTED_PROXIES.trim() !== '') {
    ctx.addIssue({
      code: 'custom',
      path: ['GATEWAY_BENCH_UNAUTHENTICATED'],
      message: 'disables authentication and is refused when TRUSTED_PROXIES is set: a proxy in front would expose it',
    });
  }
}
