import { NestFactory } from '@nestjs/core';
import { ServerResponse } from 'node:http';
import { createLogger, parseConfig, runtimeMode } from '@custos/platform';
import { offlineServiceEnv } from '@custos/testing';
import { Authenticator } from '../auth/authenticator';
import { GatewayModule } from '../app.module';
import { gatewayEnv } from '../gateway.config';
import { ProxyService } from '../proxy/proxy.service';
import { BENCH_MODE_HEADER, BENCH_PRINCIPAL, BenchAuthenticator } from './bench-authenticator';
import { BENCH_UNAUTHENTICATED_PHRASE } from './bench-mode.config';

/** The authenticator the proxy was given, as Nest wired the module for this environment. */
async function proxyAuthenticator(extra: Record<string, string>): Promise<unknown> {
  runtimeMode.passive = true;
  const config = parseConfig(gatewayEnv, offlineServiceEnv(extra));
  const app = await NestFactory.create(GatewayModule.forRoot(config, createLogger('gateway', 'silent')), { logger: false, abortOnError: false });
  try {
    return (app.get(ProxyService) as unknown as { authenticator: unknown }).authenticator;
  } finally {
    await app.close();
  }
}

describe('bench mode wiring', () => {
  it('leaves the real Authenticator in place when the switch is off', async () => {
    const a = await proxyAuthenticator({});
    expect(a).toBeInstanceOf(Authenticator);
    expect(a).not.toBeInstanceOf(BenchAuthenticator);
  });

  it('gives the proxy the bench authenticator when the switch is on', async () => {
    expect(await proxyAuthenticator({ GATEWAY_BENCH_UNAUTHENTICATED: BENCH_UNAUTHENTICATED_PHRASE, HTTP_HOST: '127.0.0.1' })).toBeInstanceOf(BenchAuthenticator);
  });

  it('answers every request as the bench admin and marks the response', async () => {
    const headers: Record<string, string> = {};
    const res = { setHeader: (k: string, v: string) => (headers[k] = v) } as unknown as ServerResponse;
    const config = parseConfig(gatewayEnv, offlineServiceEnv({ GATEWAY_BENCH_UNAUTHENTICATED: BENCH_UNAUTHENTICATED_PHRASE }));
    const result = await new BenchAuthenticator(config, createLogger('gateway', 'silent')).authenticate({} as never, res);
    expect(result).toEqual({ ok: true, principal: BENCH_PRINCIPAL, credentialKind: 'none' });
    expect(BENCH_PRINCIPAL.roles).toEqual(['admin']);
    expect(headers).toEqual({ [BENCH_MODE_HEADER]: 'true' });
  });
});
