import { Inject, Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Counter } from 'prom-client';
import { ACCESS_ENFORCERS, EventEnvelope, writesEnforcedEvents } from '@custos/events';
import { AppliedWatch, Log } from '@custos/eventing';
import { BaseServiceConfig } from './config';
import { Metrics } from './metrics';
import { Readiness } from './readiness';
import { RequestContext } from './request-context';
import { SERVICE_CONFIG, SERVICE_DEFINITION, ServiceDefinition } from './service-definition';

/** On a write's answer: whether every service that enforces the change has applied it. */
export const PROPAGATION_HEADER = 'x-custos-propagation';

/**
 * Read-your-writes for access changes (decision 031): the command executor hands this service each
 * command's committed events and waits, before the handler goes on to answer, until every enforcer
 * of those events reported applying them (at most ACCESS_PROPAGATION_WAIT_MS).
 */
@Injectable()
export class AccessPropagation {
  private watch?: AppliedWatch;
  private readonly enforcedTypes = new Set(ACCESS_ENFORCERS.flatMap((e) => e.eventTypes));
  private readonly outcomes: Counter<'outcome'>;

  constructor(
    @Inject(SERVICE_DEFINITION) private readonly def: ServiceDefinition,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
    readiness: Readiness,
    metrics: Metrics,
  ) {
    this.outcomes = new Counter({
      name: 'custos_access_propagation_total',
      help: 'Answers to access changes: applied everywhere before answering, or still pending at the bound',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    // A write served before the watch listens cannot be confirmed: keep traffic away until it does.
    if (this.needed) readiness.register('access-propagation', () => this.watch?.isListening() ?? false);
  }

  /** Whether this service writes events that another service's enforcer must apply. */
  get needed(): boolean {
    return writesEnforcedEvents(this.def.service);
  }

  async start(kafka: Kafka, log?: Log): Promise<void> {
    if (!this.needed) return;
    // A start that failed half way (retried by the runtime) leaves no consumer behind.
    await this.watch?.stop();
    const watch = new AppliedWatch(kafka, { service: this.def.service, log });
    this.watch = watch;
    await watch.start();
  }

  async stop(): Promise<void> {
    await this.watch?.stop();
  }

  /**
   * From the command executor, after commit: waits (at most ACCESS_PROPAGATION_WAIT_MS) until every
   * enforcer of the command's access events reported applying them, and says which on the answer.
   * Only events caused by a request are awaited; a passive runtime (a command, a rebuild) has no watch.
   */
  async committed(context: RequestContext | undefined, events: readonly EventEnvelope[]): Promise<void> {
    if (!context || !this.watch) return;
    const enforced = events.filter((e) => this.enforcedTypes.has(e.type));
    if (enforced.length === 0) return;
    const outcome = await this.watch.settle(enforced, this.config.ACCESS_PROPAGATION_WAIT_MS);
    if (!outcome) return;
    this.outcomes.inc({ outcome });
    context.setResponseHeader?.(PROPAGATION_HEADER, outcome);
  }
}
