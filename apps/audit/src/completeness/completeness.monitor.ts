import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Gauge } from 'prom-client';
import { Logger } from 'pino';
import { LOGGER, Metrics, Readiness, runtimeMode, SERVICE_CONFIG } from '@custos/platform';
import { completeness, CompletenessReport } from '@custos/audit-domain';
import { AuditConfig } from '../audit.config';
import { readCoverage } from './audit-coverage.store';

const REFRESH_MS = 5_000;

/**
 * Keeps the latest completeness report for `/health/ready` details and the gauges. A gap does not
 * make audit not-ready (decision 029): it is a fact about the recorded data, the same on every
 * replica, and taking audit out of service would hide the very report that names the gap.
 */
@Injectable()
export class CompletenessMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private last?: CompletenessReport & { checkedAt: string };
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ds: DataSource,
    private readonly readiness: Readiness,
    private readonly metrics: Metrics,
    @Inject(SERVICE_CONFIG) private readonly config: Pick<AuditConfig, 'AUDIT_GAP_GRACE_MS'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (runtimeMode.passive) return;
    const sources = () => Object.entries(this.last?.sources ?? {});
    new Gauge({
      name: 'custos_audit_missing_events',
      help: 'Events of a source missing from the audit log for longer than the grace (numbers below the highest received)',
      labelNames: ['source'],
      registers: [this.metrics.registry],
      collect() {
        for (const [source, r] of sources()) this.set({ source }, r.missing);
      },
    });
    new Gauge({
      name: 'custos_audit_source_seq_highest',
      help: "The highest sequence number of a source the audit log holds (compare with the source's custos_outbox_published_seq)",
      labelNames: ['source'],
      registers: [this.metrics.registry],
      collect() {
        for (const [source, r] of sources()) this.set({ source }, r.highest);
      },
    });
    this.readiness.describe('completeness', () => this.last ?? { checkedAt: null });
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS).unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reads the coverage now; the HTTP verify calls it too, so its answer is also the monitor's. */
  async report(): Promise<CompletenessReport> {
    const report = completeness(await readCoverage(this.ds), Date.now(), this.config.AUDIT_GAP_GRACE_MS);
    this.last = { ...report, checkedAt: new Date().toISOString() };
    return report;
  }

  private async refresh(): Promise<void> {
    if (!this.ds.isInitialized) return;
    await this.report().catch((e: unknown) => this.logger.warn({ err: String(e) }, 'completeness check failed'));
  }
}
