import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IncomingMessage, ServerResponse } from 'node:http';
import { DataSource } from 'typeorm';
import { eventCatalog, EventEnvelope, uuidv7 } from '@custos/events';
import { createLogger, LOGGER, parseConfig, Readiness, SERVICE_CONFIG } from '@custos/platform';
import { offlineServiceEnv } from '@custos/testing';
import { gatewayEnv, GatewayConfig } from '../src/gateway.config';
import { CredentialsModule } from '../src/auth/credentials.module';

/** Gateway config for in-process tests, with any variable overridden. */
export function testGatewayConfig(extra: Record<string, string> = {}): GatewayConfig {
  return parseConfig(gatewayEnv, offlineServiceEnv({ BOOTSTRAP_ADMIN_API_KEY: 'cus_bootstrap_for_tests_only_0123456789', ...extra }));
}

/**
 * The gateway's authentication wiring (CredentialsModule, as the service composes it) over a test
 * database, with the platform's pieces it needs provided directly: no HTTP, no Kafka.
 */
export async function credentialsContext(ds: DataSource, config: GatewayConfig, extra: DynamicModule[] = []): Promise<INestApplicationContext> {
  const platform: DynamicModule = {
    module: class TestPlatformModule {},
    global: true,
    providers: [{ provide: DataSource, useValue: ds }, { provide: SERVICE_CONFIG, useValue: config }, { provide: LOGGER, useValue: createLogger('gateway', 'silent') }, Readiness],
    exports: [DataSource, SERVICE_CONFIG, LOGGER, Readiness],
  };
  @Module({ imports: [platform, CredentialsModule, ...extra] })
  class TestAppModule {}
  const app = await NestFactory.createApplicationContext(TestAppModule, { logger: false });
  return app;
}

/** A stored-and-consumed-shaped envelope, validated by the catalog as the consumer would. */
export function envelope(type: string, data: unknown, streamId = `test-${uuidv7()}`): EventEnvelope {
  return eventCatalog.parse({
    id: uuidv7(),
    type,
    schemaVersion: eventCatalog.latestVersion(type),
    source: type.split('.')[0],
    streamId,
    streamPosition: 0,
    occurredAt: new Date().toISOString(),
    data,
    metadata: { correlationId: 'test', actor: { type: 'system', id: 'test' } },
  });
}

/** A request as the proxy hands it to the authenticator. */
export function request(authorization?: string): { req: IncomingMessage; res: ServerResponse } {
  return { req: { headers: authorization ? { authorization } : {} } as IncomingMessage, res: {} as ServerResponse };
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
