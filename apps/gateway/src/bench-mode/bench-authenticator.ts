import { Inject, Injectable, OnApplicationBootstrap, Provider } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from 'pino';
import { Principal } from '@custos/rbac';
import { LOGGER, SERVICE_CONFIG } from '@custos/platform';
import { Authenticator, AuthResult } from '../auth/authenticator';
import { GatewayConfig } from '../gateway.config';

/**
 * Who every request is in bench mode. An admin, because admin short-circuits every resource
 * decision in the services (and their guard then reads no grants), so the baseline skips
 * authorization as well as authentication; the internal token is still signed and verified.
 */
export const BENCH_PRINCIPAL: Principal = { id: 'bench-unauthenticated', kind: 'user', roles: ['admin'], groups: [] };

/** Set on every answer of a bench-mode gateway, so nobody mistakes it for a real one. */
export const BENCH_MODE_HEADER = 'x-custos-bench-unauthenticated';

/** Stands in for the Authenticator: no credential is read, every caller is BENCH_PRINCIPAL. */
@Injectable()
export class BenchAuthenticator implements Pick<Authenticator, 'authenticate'>, OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.warn(
      { host: this.config.HTTP_HOST, port: this.config.HTTP_PORT, principal: BENCH_PRINCIPAL.id },
      '!!! GATEWAY_BENCH_UNAUTHENTICATED is set: AUTHENTICATION IS DISABLED on this gateway; every request acts as an admin. Benchmarks only, never in production !!!',
    );
  }

  authenticate(_req: IncomingMessage, res: ServerResponse): Promise<AuthResult> {
    res.setHeader(BENCH_MODE_HEADER, 'true');
    return Promise.resolve({ ok: true, principal: BENCH_PRINCIPAL, credentialKind: 'none' });
  }
}

/**
 * The one hook into the gateway module: nothing unless the validated config turned bench mode on,
 * else a module-local Authenticator that shadows the real one for the proxy.
 */
export function benchModeProviders(config: Pick<GatewayConfig, 'GATEWAY_BENCH_UNAUTHENTICATED'>): Provider[] {
  return config.GATEWAY_BENCH_UNAUTHENTICATED === true ? [{ provide: Authenticator, useClass: BenchAuthenticator }] : [];
}
