import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { eventCatalog } from '@custos/events';
import { CommandExecutor, EVENTING_MIGRATIONS, EventStore, PG_SESSION_OPTIONS } from '@custos/eventing';
import { AccessPropagation } from './access-propagation';
import { BaseServiceConfig } from './config';
import { ErrorFilter } from './errors';
import { HealthController } from './health.controller';
import { JsonBodyGuard } from './json-body.guard';
import { InternalAuthGuard, POLICY_CONTEXT_LOADER } from './internal-auth.guard';
import { INTERNAL_TOKEN_KEY, InternalTokenMiddleware, InternalTokenVerifier } from './internal-token.verifier';
import { loadInternalTokenKey } from './internal-token';
import { Metrics } from './metrics';
import { MetricsListener } from './metrics-listener';
import { Readiness } from './readiness';
import { currentContext } from './request-context';
import { RequestContextMiddleware } from './request-context.middleware';
import { LOGGER, SERVICE_CONFIG, SERVICE_DEFINITION, ServiceDefinition } from './service-definition';
import { ServiceRuntime } from './service-runtime';
import { ServiceOpenApi } from './openapi/service-document';
import { platformValidationPipe } from './validation';

/**
 * The glue every service shares: its database (TypeORM, connected in the background), the event
 * store and command executor, the outbox relay and consumers, health, metrics, the internal-token
 * guard, the validation pipe and the error mapper. A service module imports this once and adds its own controllers.
 */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(def: ServiceDefinition, config: BaseServiceConfig, logger: Logger): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            type: 'postgres',
            url: config.DATABASE_URL,
            migrations: [...EVENTING_MIGRATIONS, ...def.migrations],
            migrationsTableName: 'schema_migrations',
            entities: [],
            synchronize: false,
            // Connected by ServiceRuntime with backoff, so the HTTP server (health) starts first.
            manualInitialization: true,
            extra: { max: 20, connectionTimeoutMillis: 3000, options: PG_SESSION_OPTIONS },
            logging: false,
          }),
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: SERVICE_DEFINITION, useValue: def },
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: INTERNAL_TOKEN_KEY, useValue: loadInternalTokenKey(config.INTERNAL_TOKEN_KEY) },
        { provide: EventStore, useValue: new EventStore(def.service, eventCatalog) },
        AccessPropagation,
        {
          provide: CommandExecutor,
          useFactory: (ds: DataSource, store: EventStore, propagation: AccessPropagation) => new CommandExecutor(ds, store, undefined, (events) => propagation.committed(currentContext(), events)),
          inject: [DataSource, EventStore, AccessPropagation],
        },
        InternalTokenVerifier,
        Readiness,
        Metrics,
        MetricsListener,
        ServiceRuntime,
        ServiceOpenApi,
        ...(def.policyContextLoader ? [{ provide: POLICY_CONTEXT_LOADER, useClass: def.policyContextLoader }] : []),
        { provide: APP_GUARD, useClass: InternalAuthGuard },
        // After the caller is known: a write's body is judged only on a route that exists.
        { provide: APP_GUARD, useClass: JsonBodyGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        // The one validation style (decision 040): controllers declare DTO classes and build no pipes.
        { provide: APP_PIPE, useFactory: platformValidationPipe },
      ],
      exports: [SERVICE_CONFIG, LOGGER, EventStore, CommandExecutor, Readiness, Metrics, ServiceRuntime, INTERNAL_TOKEN_KEY, InternalTokenVerifier, MetricsListener, ServiceOpenApi],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // In this order, before routing: the token is checked for every path (a 401, not a 404 that maps
    // routes), inside the request's context, on a response that already carries the safe headers.
    consumer.apply(RequestContextMiddleware, InternalTokenMiddleware).forRoutes('*');
  }
}
