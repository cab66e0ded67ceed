import 'reflect-metadata';
import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { IncomingMessage, Server } from 'node:http';
import { Request } from 'express';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { connectEventTransport, rebuildProjections, EventStore, Projection } from '@custos/eventing';
import { BaseServiceConfig, ConfigError, parseConfig } from './config';
import { fixHeapGrowth } from './heap-growth';
import { useMlflowReasonPhrases } from './reason-phrases';
import { jsonParseErrors, requestInputGuard, verifyJsonText } from './request-input.middleware';
import { republish } from './republish';
import { createLogger, NestPinoLogger } from './logger';
import { MetricsListener, metricsPortOf } from './metrics-listener';
import { REDRIVE_COMMAND, runRedriveCommand } from './redrive-command';
import { ServiceCommand, ServiceDefinition } from './service-definition';
import { runtimeMode, ServiceRuntime } from './service-runtime';
import { InternalTokenVerifier } from './internal-token.verifier';
import { buildServiceDocument, internalOpenApiHandler, ServiceOpenApi } from './openapi/service-document';

export type AppModuleFactory<C extends BaseServiceConfig> = (config: C, logger: Logger) => DynamicModule | Type<unknown>;

/**
 * Starts a service: config first (a bad value exits non-zero naming the variable), then Nest.
 * `main.js rebuild-projections` replays the store into the read models instead of serving;
 * `main.js republish --seq A-B` publishes the events numbered A..B again (decision 029);
 * `main.js redrive-dead-letters` sends the service's dead letters back to their topics;
 * `main.js <command>` runs one of the service's declared operator commands.
 */
export async function bootstrapService<C extends BaseServiceConfig>(
  def: ServiceDefinition,
  appModule: AppModuleFactory<C>,
  argv = process.argv.slice(2),
  /** Runs before body parsing and routing are installed (the gateway mounts its streaming proxy here). */
  configure?: (app: NestExpressApplication) => void,
): Promise<void> {
  fixHeapGrowth();
  let config: C;
  try {
    config = parseConfig(def.configSchema, process.env) as C;
  } catch (e) {
    exitOnConfigError(def, e);
    throw e;
  }
  const logger = createLogger(def.service, config.LOG_LEVEL);
  let module: DynamicModule | Type<unknown>;
  try {
    // A module may validate settings the schema cannot (e.g. key material) and throw ConfigError.
    module = appModule(config, logger);
  } catch (e) {
    exitOnConfigError(def, e);
    throw e;
  }
  if (argv[0] === 'rebuild-projections') return rebuild(def, module, logger);
  if (argv[0] === 'republish') return republish(def, module, config, logger, argv.slice(1));
  if (argv[0] === REDRIVE_COMMAND) return redrive(def, config, argv.slice(1), logger);
  const command = def.commands && Object.hasOwn(def.commands, argv[0] ?? '') ? def.commands[argv[0]] : undefined;
  if (command) return runCommand(argv[0], command, argv.slice(1), module, logger);

  useMlflowReasonPhrases();
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
  });
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  configure?.(app);
  // Built once here from the controllers' decorators, never on a request (the gateway merges them).
  const openApi = app.get(ServiceOpenApi);
  openApi.set(buildServiceDocument(app, def.service));
  app.use(internalOpenApiHandler(openApi, app.get(InternalTokenVerifier)));
  installBodyParsers(app, def);
  // Registers the @EventPattern handlers; the consumers start once the runtime reaches the brokers.
  await connectEventTransport(app, app.get(ServiceRuntime).transport);
  const server = await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  applyServerTimeouts(server, config);
  logger.info({ host: config.HTTP_HOST, port: config.HTTP_PORT }, `${def.service} listening`);
  const metrics = await app.get(MetricsListener).listen(config.METRICS_HOST, metricsPortOf(config));
  logger.info({ host: metrics.address, port: metrics.port }, `${def.service} metrics listening`);
  // A hung dependency must not keep a stopping pod alive forever.
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => setTimeout(() => process.exit(0), config.SHUTDOWN_TIMEOUT_MS).unref());
  }
}

/**
 * Artifact bodies stream through: Node's default 300 s deadline on a whole request would cut off a
 * multi-GB upload on an ordinary link. Sockets that stall are closed by the idle timeout instead,
 * and headersTimeout (60 s) still bounds a client that trickles its headers.
 */
export function applyServerTimeouts(server: Server, config: Pick<BaseServiceConfig, 'HTTP_IDLE_TIMEOUT_MS'>): void {
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 0;
  server.setTimeout(config.HTTP_IDLE_TIMEOUT_MS);
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * JSON bodies are parsed, except on the service's streamed-body paths, which reach handlers as raw
 * streams; then every request's path, query and JSON body pass the input checks of decision 030.
 */
export function installBodyParsers(app: NestExpressApplication, def: Pick<ServiceDefinition, 'streamedBodyPaths'>): void {
  const streamed = def.streamedBodyPaths ?? [];
  const isStreamed = (path: string) => streamed.some((re) => re.test(path));
  const isJson = (req: IncomingMessage) => !isStreamed((req.url ?? '/').split('?')[0]) && Boolean((req as Request).is(JSON_TYPES));
  app.useBodyParser('json', { limit: '16mb', type: streamed.length > 0 ? isJson : JSON_TYPES, verify: verifyJsonText });
  app.use(jsonParseErrors);
  app.use(requestInputGuard(isStreamed));
}

function exitOnConfigError(def: ServiceDefinition, e: unknown): void {
  if (!(e instanceof ConfigError)) return;
  process.stderr.write(JSON.stringify({ level: 'fatal', service: def.service, msg: e.message, variables: e.variables }) + '\n');
  process.exit(78);
}

async function runCommand(name: string, command: Type<ServiceCommand>, args: string[], module: DynamicModule | Type<unknown>, logger: Logger): Promise<void> {
  // Like a rebuild, a command talks to its database and its own stores only.
  runtimeMode.passive = true;
  const app = await NestFactory.createApplicationContext(module, { logger: new NestPinoLogger(logger) });
  const ds = app.get(DataSource);
  let code = 0;
  try {
    await ds.initialize();
    await app.get(command, { strict: false }).run(args);
    logger.info({ command: name }, 'command finished');
  } catch (e) {
    logger.fatal({ command: name, err: (e as Error).message }, 'command failed');
    code = 1;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await app.close().catch(() => undefined);
  }
  process.exit(code);
}

async function redrive(def: ServiceDefinition, config: BaseServiceConfig, args: string[], logger: Logger): Promise<void> {
  try {
    const results = await runRedriveCommand(def, config, args, logger);
    process.stdout.write(JSON.stringify({ command: REDRIVE_COMMAND, results }) + '\n');
    process.exit(0);
  } catch (e) {
    logger.fatal({ command: REDRIVE_COMMAND, err: (e as Error).message }, 'command failed');
    process.exit(1);
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
