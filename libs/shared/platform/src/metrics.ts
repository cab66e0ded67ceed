import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the consumer gauges read at each scrape. */
export interface ConsumerProbe {
  stalledSince(): number | undefined;
  lag(): number;
}

@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'custos_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  readonly eventsPublished = new Counter({ name: 'custos_outbox_published_total', help: 'Events published by the outbox relay', registers: [this.registry] });
  readonly publishedSeq = new Gauge({ name: 'custos_outbox_published_seq', help: 'Sequence number of the last event the outbox relay published (decision 029)', registers: [this.registry] });
  readonly eventsConsumed = new Counter({ name: 'custos_events_consumed_total', help: 'Events applied by consumers', labelNames: ['consumer'], registers: [this.registry] });
  /** reason_class: undecodable (not an event), invalid (fails its schema), handler (the handler refuses it). */
  readonly deadLettered = new Counter({ name: 'custos_dead_letters_total', help: 'Messages sent to the dead-letter topic', labelNames: ['consumer', 'reason_class'], registers: [this.registry] });
  private readonly consumers = new Map<string, ConsumerProbe>();
  readonly consumerStalled = new Gauge({
    name: 'custos_consumer_stalled_seconds',
    help: 'How long a transient failure (database or broker away) has held the consumer back; 0 while it moves',
    labelNames: ['consumer'],
    registers: [this.registry],
    collect: () => {
      for (const [consumer, probe] of this.consumers) {
        const since = probe.stalledSince();
        this.consumerStalled.set({ consumer }, since === undefined ? 0 : (Date.now() - since) / 1000);
      }
    },
  });
  readonly consumerLag = new Gauge({
    name: 'custos_consumer_lag_messages',
    help: "Messages not yet applied, as of each partition's last fetch",
    labelNames: ['consumer'],
    registers: [this.registry],
    collect: () => {
      for (const [consumer, probe] of this.consumers) this.consumerLag.set({ consumer }, probe.lag());
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  watchConsumer(name: string, probe: ConsumerProbe): void {
    this.consumers.set(name, probe);
  }
}
