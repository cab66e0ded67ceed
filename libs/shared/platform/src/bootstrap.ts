import 'reflect-metadata';
import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { rebuildProjections, EventStore, Projection } from '@custos/eventing';
import { BaseServiceConfig, ConfigError, parseConfig } from './config';
import { createLogger, NestPinoLogger } from './logger';
import { ServiceDefinition } from './service-definition';
import { runtimeMode } from './service-runtime';

export type AppModuleFactory<C extends BaseServiceConfig> = (config: C, logger: Logger) => DynamicModule | Type<unknown>;

/**
 * Starts a service: config first (a bad value exits non-zero naming the variable), then Nest.
 * `main.js rebuild-projections` replays the store into the read models instead of serving.
 */
export async function bootstrapService<C extends BaseServiceConfig>(
  def: ServiceDefinition,
  appModule: AppModuleFactory<C>,
  argv = process.argv.slice(2),
  /** Runs before body parsing and routing are installed (the gateway mounts its streaming proxy here). */
  configure?: (app: NestExpressApplication) => void,
): Promise<void> {
  let config: C;
  try {
    config = parseConfig(def.configSchema, process.env) as C;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(JSON.stringify({ level: 'fatal', service: def.service, msg: e.message, variables: e.variables }) + '\n');
      process.exit(78);
    }
    throw e;
  }
  const logger = createLogger(def.service, config.LOG_LEVEL);
  if (argv[0] === 'rebuild-projections') return rebuild(def, appModule(config, logger), logger);

  const app = await NestFactory.create<NestExpressApplication>(appModule(config, logger), {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
  });
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  configure?.(app);
  app.useBodyParser('json', { limit: '16mb', type: ['application/json', 'application/*+json'] });
  const server = await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  server.keepAliveTimeout = 65_000;
  logger.info({ host: config.HTTP_HOST, port: config.HTTP_PORT }, `${def.service} listening`);
  // A hung dependency must not keep a stopping pod alive forever.
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => setTimeout(() => process.exit(0), config.SHUTDOWN_TIMEOUT_MS).unref());
  }
}

async function rebuild(def: ServiceDefinition, module: DynamicModule | Type<unknown>, logger: Logger): Promise<void> {
  // A rebuild talks to its database only: no relay, no consumers, no HTTP.
  runtimeMode.passive = true;
  const app = await NestFactory.createApplicationContext(module, { logger: new NestPinoLogger(logger) });
  const ds = app.get(DataSource);
  await ds.initialize();
  const projections: Projection[] = (def.projections ?? []).map((p) => app.get(p, { strict: false }));
  const started = Date.now();
  const count = await rebuildProjections(ds, app.get(EventStore), projections);
  logger.info({ events: count, projections: projections.map((p) => p.name), ms: Date.now() - started }, 'projections rebuilt');
  await ds.destroy();
  process.exit(0);
}
