import { Type } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Context, EventEnvelope } from '@custos/events';
import { Projection } from '@custos/eventing';
import { z } from 'zod';
import { BaseServiceConfig } from './config';

/** A consumer's effect; runs inside the transaction that records the event as processed. */
export interface EventHandlerService {
  handle(event: EventEnvelope, tx: EntityManager): Promise<void>;
  /** When present, used for whole batches (same exactly-once transaction). */
  handleBatch?(events: EventEnvelope[], tx: EntityManager): Promise<void>;
}

/** Work that needs the database migrated, run once per start (e.g. seeding the Default experiment). */
export interface StartupTask {
  run(): Promise<void>;
}

export interface ConsumerDefinition {
  name: string;
  topics: string[];
  handler: Type<EventHandlerService>;
}

export interface ServiceDefinition {
  service: Context;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes migration classes
  migrations: Function[];
  consumers?: ConsumerDefinition[];
  /** Read models maintained from this service's own events; rebuildable by replay. */
  projections?: Type<Projection>[];
  startupTasks?: Type<StartupTask>[];
  /** The service's config schema (extends the base). */
  configSchema: z.ZodType<BaseServiceConfig, z.ZodTypeDef, unknown>;
}

export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const LOGGER = Symbol('LOGGER');
