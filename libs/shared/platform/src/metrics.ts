import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
  readonly deadLettered = new Counter({ name: 'custos_events_dead_lettered_total', help: 'Messages sent to the dead-letter topic', labelNames: ['consumer'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
