import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { topicFor } from '@custos/events';
import { createIdempotentProducer, createKafka, EventStore, parseSeqRange, republishBySeq } from '@custos/eventing';
import { BaseServiceConfig } from './config';
import { logFn, NestPinoLogger } from './logger';
import { ServiceDefinition } from './service-definition';
import { runtimeMode } from './service-runtime';

export const REPUBLISH_USAGE = 'usage: main.js republish --seq <from>-<to>   (sequence numbers of this service, as audit reports them missing)';

/** `--seq 17-42` (or the range alone) from a command line. */
export function republishArgs(args: string[]): string {
  const i = args.indexOf('--seq');
  const text = i >= 0 ? args[i + 1] : args.length === 1 ? args[0] : undefined;
  if (!text) throw new Error(REPUBLISH_USAGE);
  return text;
}

/**
 * `main.js republish --seq A-B`: publishes this service's events numbered A..B again, with their
 * numbers, to its topic, to fill a gap audit reports (decision 029). Consumers skip repeats.
 */
export async function republish(def: ServiceDefinition, module: DynamicModule | Type<unknown>, config: BaseServiceConfig, logger: Logger, args: string[]): Promise<void> {
  runtimeMode.passive = true;
  let code = 0;
  const app = await NestFactory.createApplicationContext(module, { logger: new NestPinoLogger(logger) });
  const ds = app.get(DataSource);
  const producer = createIdempotentProducer(createKafka(`custos-${def.service}-republish`, config.KAFKA_BROKERS, logFn(logger.child({ component: 'kafka' }))));
  try {
    const range = parseSeqRange(republishArgs(args));
    await ds.initialize();
    await producer.connect();
    const sent = await republishBySeq(ds, app.get(EventStore), producer, def.service, topicFor(def.service), range);
    logger.info({ command: 'republish', from: range.from, to: range.to, sent }, 'events republished');
  } catch (e) {
    logger.fatal({ command: 'republish', err: (e as Error).message }, 'command failed');
    code = 1;
  } finally {
    await producer.disconnect().catch(() => undefined);
    if (ds.isInitialized) await ds.destroy();
    await app.close().catch(() => undefined);
  }
  process.exit(code);
}
