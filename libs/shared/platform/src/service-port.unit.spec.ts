import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { Actions } from '@custos/rbac';
import { baseServiceEnv, parseConfig } from './config';
import { INTERNAL_TOKEN_HEADER, InternalRequest, InternalTokenSecret, signInternalToken } from './internal-token';
import { createLogger } from './logger';
import { MetricsListener } from './metrics-listener';
import { PlatformModule } from './platform.module';
import { Policy } from './policy';
import { eventMetadata } from './request-context.middleware';
import { runtimeMode } from './service-runtime';

const secret = InternalTokenSecret.generate();
const root = { id: 'root', kind: 'user' as const, roles: ['admin' as const], groups: [] };

@Controller('api/things')
class ThingsController {
  @Get('list')
  @Policy(Actions.authenticated())
  list() {
    return { metadata: eventMetadata() };
  }

  @Get('flaky')
  @Policy(Actions.authenticated())
  flaky() {
    throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  }
}

/** A service port as bootstrap serves it: the platform's middleware, guard and error filter, no database. */
describe('a service port', () => {
  let app: INestApplication;
  const server = () => app.getHttpServer() as Server;
  const token = (target: Partial<InternalRequest> & { url: string }) =>
    signInternalToken(secret, root, { audience: 'registry', method: 'GET', correlationId: 'gw-id', clientCorrelationId: 'client-id', ...target });

  beforeAll(async () => {
    runtimeMode.passive = true;
    const config = parseConfig(baseServiceEnv, {
      HTTP_PORT: '1',
      DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none',
      KAFKA_BROKERS: '127.0.0.1:1',
      INTERNAL_TOKEN_KEY: secret.exportKeyFor('registry'),
    });
    @Module({ imports: [PlatformModule.forRoot({ service: 'registry', migrations: [], configSchema: baseServiceEnv }, config, createLogger('registry', 'silent'))], controllers: [ThingsController] })
    class TestServiceModule {}
    app = await NestFactory.create(TestServiceModule, { logger: false });
    await app.init();
  });

  afterAll(() => app.close());

  it('answers 401 for any path without a valid token, before routing; 404 only to a caller with one', async () => {
    for (const path of ['/nowhere', '/api/things/list', '/api/audit/events', '/metrics']) {
      const res = await request(server()).get(path);
      expect([path, res.status]).toEqual([path, 401]);
    }
    // In the caller's dialect, though raised before routing: MLflow's on MLflow paths.
    expect((await request(server()).get('/api/2.0/mlflow/experiments/search')).body).toEqual({ error_code: 'UNAUTHENTICATED', message: 'requests must come through the gateway' });
    const unknown = '/api/nowhere';
    expect(
      (
        await request(server())
          .get(unknown)
          .set(INTERNAL_TOKEN_HEADER, await token({ url: unknown }))
      ).status,
    ).toBe(404);
  });

  it('refuses a token for another service, another path, or one already used', async () => {
    const path = '/api/things/list';
    const forAudit = await token({ url: path, audience: 'audit' });
    expect((await request(server()).get(path).set(INTERNAL_TOKEN_HEADER, forAudit)).status).toBe(401);
    const forOther = await token({ url: '/api/things/other' });
    expect((await request(server()).get(path).set(INTERNAL_TOKEN_HEADER, forOther)).status).toBe(401);
    const good = await token({ url: path });
    expect((await request(server()).get(path).set(INTERNAL_TOKEN_HEADER, good)).status).toBe(200);
    const replay = await request(server()).get(path).set(INTERNAL_TOKEN_HEADER, good);
    expect(replay.status).toBe(401);
    expect((replay.body as { detail: string }).detail).toMatch(/already used/);
  });

  it("keeps probes open, and the gateway's request id as the correlation id, the client's apart", async () => {
    expect((await request(server()).get('/health/live')).status).toBe(200);
    const path = '/api/things/list';
    const res = await request(server())
      .get(path)
      .set(INTERNAL_TOKEN_HEADER, await token({ url: path }));
    expect((res.body as { metadata: unknown }).metadata).toMatchObject({ correlationId: 'gw-id', clientCorrelationId: 'client-id' });
  });

  it('marks every answer nosniff and no-store, errors and probes included', async () => {
    const path = '/api/things/list';
    const answers = [
      await request(server())
        .get(path)
        .set(INTERNAL_TOKEN_HEADER, await token({ url: path })),
      await request(server()).get('/nowhere'),
      await request(server()).get('/health/live'),
    ];
    for (const res of answers) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('answers a connection reset under a handler as 503 with Retry-After', async () => {
    const path = '/api/things/flaky';
    const res = await request(server())
      .get(path)
      .set(INTERNAL_TOKEN_HEADER, await token({ url: path }));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect((res.body as { title: string }).title).toBe('TEMPORARILY_UNAVAILABLE');
  });

  it('serves /metrics on its own listener only', async () => {
    const listener = app.get(MetricsListener);
    const { port } = (await listener.listen('127.0.0.1', 0)) as AddressInfo;
    const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/custos_http_request_duration_seconds/);
    expect((await fetch(`http://127.0.0.1:${port}/api/things/list`)).status).toBe(404);
    await listener.onApplicationShutdown();
  });
});
