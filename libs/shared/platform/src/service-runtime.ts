import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { Admin, Kafka, Producer } from 'kafkajs';
import { Logger } from 'pino';
import { APPLIED_TOPIC, enforcerFor, eventCatalog, topicFor } from '@custos/events';
import { AppliedBatch, AppliedReporter, createIdempotentProducer, createKafka, ensureTopics, EventConsumer, EventRoute, EventStore, EventTransport, OutboxRelay } from '@custos/eventing';
import { AccessPropagation } from './access-propagation';
import { BaseServiceConfig } from './config';
import { logFn } from './logger';
import { Metrics } from './metrics';
import { Readiness, registerConsumerReadiness } from './readiness';
import { ConsumerDefinition, LOGGER, SERVICE_CONFIG, SERVICE_DEFINITION, ServiceDefinition } from './service-definition';

export const runtimeMode = { passive: false };

/**
 * Owns the service's connections. The HTTP server listens at once; PostgreSQL and Kafka are
 * connected in the background with backoff, so a service started before its dependencies reports
 * not-ready instead of crash-looping, and becomes ready when they answer.
 */
@Injectable()
export class ServiceRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly kafka: Kafka;
  readonly producer: Producer;
  private admin?: Admin;
  private relay?: OutboxRelay;
  /** The consumers, as a Nest transport: bootstrap connects it, `@EventPattern` handlers declare what they apply. */
  readonly transport: EventTransport;
  private brokersReached!: () => void;
  private readonly reached = new Promise<void>((resolve) => (this.brokersReached = resolve));
  /** Sends enforcers' applied reports, apart from the relay's producer so a report never queues behind a backlog. */
  private reportProducer?: Producer;
  private reporters: AppliedReporter[] = [];
  private stopping = false;
  private dbUp = false;
  private kafkaUp = false;
  private producerUp = false;
  private pinger?: NodeJS.Timeout;
  private startup?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly readiness: Readiness,
    private readonly metrics: Metrics,
    private readonly moduleRef: ModuleRef,
    private readonly propagation: AccessPropagation,
    @Inject(SERVICE_DEFINITION) private readonly def: ServiceDefinition,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.kafka = createKafka(`custos-${def.service}`, config.KAFKA_BROKERS, logFn(logger.child({ component: 'kafka' })));
    this.producer = createIdempotentProducer(this.kafka);
    this.producer.on(this.producer.events.CONNECT, () => (this.producerUp = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.producerUp = false));
    readiness.register('postgres', () => this.dbUp);
    readiness.register('kafka', () => this.kafkaUp && this.producerUp);
    this.transport = new EventTransport({
      consumers: (def.consumers ?? []).map((c) => ({ name: c.name, topics: c.topics, mustHandle: enforcerFor(def.service, c.name)?.eventTypes })),
      registry: eventCatalog,
      whenReady: () => this.reached,
      createConsumer: (c, route) =>
        this.createConsumer(
          this.def.consumers!.find((d) => d.name === c.name)!,
          route,
        ),
      log: logFn(logger.child({ component: 'consumers' })),
    });
  }

  onApplicationBootstrap(): void {
    if (runtimeMode.passive) return;
    this.startup = this.start();
  }

  /** Resolves once every dependency has been reached at least once (tests and the CLI wait on it). */
  whenStarted(): Promise<void> {
    return this.startup ?? Promise.resolve();
  }

  private async start(): Promise<void> {
    await this.retry('postgres', async () => {
      if (!this.dataSource.isInitialized) await this.dataSource.initialize();
      await this.migrate();
      for (const t of this.def.startupTasks ?? []) await this.moduleRef.get(t, { strict: false }).run();
    });
    this.dbUp = true;
    await this.retry('kafka', async () => {
      const durability = { replicationFactor: this.config.KAFKA_REPLICATION_FACTOR, minInsyncReplicas: this.config.KAFKA_MIN_INSYNC_REPLICAS };
      await ensureTopics(this.kafka, this.config.KAFKA_TOPIC_PARTITIONS, undefined, durability);
      await ensureTopics(this.kafka, 1, [APPLIED_TOPIC], durability);
      await this.producer.connect();
      if (this.def.consumers?.some((c) => enforcerFor(this.def.service, c.name))) {
        this.reportProducer ??= this.kafka.producer({ allowAutoTopicCreation: false });
        await this.reportProducer.connect();
      }
      this.admin = this.kafka.admin();
      await this.admin.connect();
    });
    this.kafkaUp = true;
    if (this.stopping) return;
    this.pinger = setInterval(() => void this.ping(), 2000);
    this.relay = new OutboxRelay(this.dataSource, this.store, this.producer, {
      name: this.def.service,
      topic: topicFor(this.def.service),
      databaseUrl: this.config.DATABASE_URL,
      onPublished: (n, lastSeq) => {
        this.metrics.eventsPublished.inc(n);
        this.metrics.publishedSeq.set(lastSeq);
      },
      log: logFn(this.logger.child({ component: 'relay' })),
    });
    this.relay.start();
    void this.retry('applied watch', () => this.propagation.start(this.kafka, logFn(this.logger.child({ component: 'propagation' }))));
    this.brokersReached();
    this.logger.info({ service: this.def.service }, 'dependencies reached; relay and consumers running');
  }

  /** The consumer base around one consumer's route (the transport starts it). */
  private createConsumer(c: ConsumerDefinition, route: EventRoute): EventConsumer {
    const reporter = this.reporterFor(c);
    const consumer = new EventConsumer(this.kafka, this.dataSource, eventCatalog, this.producer, {
      name: c.name,
      groupId: `custos-${this.def.service}-${c.name}`,
      topics: c.topics,
      eventTypes: route.eventTypes,
      handle: route.handle,
      handleBatch: route.handleBatch,
      ...(c.lingerMs ? { lingerMs: c.lingerMs(this.config) } : {}),
      sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: this.config.KAFKA_HEARTBEAT_INTERVAL_MS,
      onProcessed: (n) => this.metrics.eventsConsumed.inc({ consumer: c.name }, n),
      onDeadLettered: (_reason, reasonClass) => this.metrics.deadLettered.inc({ consumer: c.name, reason_class: reasonClass }),
      ...(reporter ? { onApplied: (applied: AppliedBatch) => reporter.applied(applied.events) } : {}),
      log: logFn(this.logger.child({ component: 'consumer', consumer: c.name })),
    });
    registerConsumerReadiness(this.readiness, c.name, consumer);
    this.metrics.watchConsumer(c.name, consumer);
    return consumer;
  }

  /** An access enforcer's reporter (decision 031); none for other consumers. */
  private reporterFor(c: ConsumerDefinition): AppliedReporter | undefined {
    const enforcer = enforcerFor(this.def.service, c.name);
    if (!enforcer || !this.reportProducer) return undefined;
    const barrier = c.appliedBarrier ? this.moduleRef.get(c.appliedBarrier, { strict: false }) : undefined;
    const reporter = new AppliedReporter(this.reportProducer, {
      service: this.def.service,
      consumer: c.name,
      eventTypes: enforcer.eventTypes,
      ...(barrier ? { barrier: () => barrier.whenApplied() } : {}),
      log: logFn(this.logger.child({ component: 'applied-reporter', consumer: c.name })),
    });
    this.reporters.push(reporter);
    return reporter;
  }

  private async migrate(): Promise<void> {
    // Replicas start together: one runs the migrations, the others wait on the lock.
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.query(`SELECT pg_advisory_lock(hashtext('custos-migrations'))`);
      await this.dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext('custos-migrations'))`).catch(() => undefined);
      await runner.release();
    }
  }

  private async ping(): Promise<void> {
    try {
      await this.dataSource.query('SELECT 1');
      this.dbUp = true;
    } catch {
      this.dbUp = false;
    }
    try {
      await this.admin?.describeCluster();
      this.kafkaUp = true;
    } catch {
      this.kafkaUp = false;
    }
  }

  private async retry(what: string, fn: () => Promise<void>): Promise<void> {
    let delay = 250;
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await fn();
        return;
      } catch (e) {
        this.logger.warn({ dependency: what, attempt, retryInMs: delay, err: (e as Error).message }, `waiting for ${what}`);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  /**
   * Runs before any module's onApplicationShutdown, i.e. while the database pool (closed by the
   * TypeORM module) is still open: drain consumers (they commit what they applied), then flush the
   * outbox, then close Kafka.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.pinger) clearInterval(this.pinger);
    await this.transport.close();
    for (const r of this.reporters) r.stop();
    await this.propagation.stop().catch(() => undefined);
    await this.reportProducer?.disconnect().catch(() => undefined);
    await this.relay?.stop();
    await this.admin?.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    this.logger.info('stopped');
  }
}
