import { Type } from '@nestjs/common';
import { Context } from '@custos/events';
import { Projection } from '@custos/eventing';
import { z } from 'zod/v4';
import { BaseServiceConfig } from './config';
import { PolicyContextLoader } from './internal-auth.guard';

/** Work that needs the database migrated, run once per start (e.g. seeding the Default experiment). */
export interface StartupTask {
  run(): Promise<void>;
}

/** A one-off operation run as `main.js <name> [args...]` instead of serving (e.g. a key rotation). */
export interface ServiceCommand {
  run(args: string[]): Promise<void>;
}

/** What must also have happened before an enforcing consumer's applied events count (decision 031). */
export interface AppliedBarrier {
  whenApplied(): Promise<void>;
}

/**
 * A Kafka consumer group of the service. What it applies is declared on controllers with
 * `@EventPattern(<event type>, consumedBy(<name>))` (decision 037); it reads only the types its
 * handlers name (others are skipped unread, by the type header), unless one takes ALL_EVENTS.
 */
export interface ConsumerDefinition {
  name: string;
  topics: string[];
  /** The consumer's linger (see `ConsumerOptions.lingerMs`), read from the service's config. */
  lingerMs?: (config: BaseServiceConfig) => number;
  /** For an access enforcer (`ACCESS_ENFORCERS`): run before each report of applied events. */
  appliedBarrier?: Type<AppliedBarrier>;
}

export interface ServiceDefinition {
  service: Context;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes migration classes
  migrations: Function[];
  consumers?: ConsumerDefinition[];
  /** Read models maintained from this service's own events; rebuildable by replay. */
  projections?: Type<Projection>[];
  startupTasks?: Type<StartupTask>[];
  /** Operator commands by name; they run with the database only (no HTTP, relay or consumers). */
  commands?: Record<string, Type<ServiceCommand>>;
  /** Paths whose request bodies the handler reads as a stream: the JSON parser never touches them. */
  streamedBodyPaths?: RegExp[];
  /** Loads each caller's grants into the request context (services that decide object-level access). */
  policyContextLoader?: Type<PolicyContextLoader>;
  /** The service's config schema (extends the base). */
  configSchema: z.ZodType<BaseServiceConfig, unknown>;
}

export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const LOGGER = Symbol('LOGGER');
