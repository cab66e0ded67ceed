import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { LOGGER, Readiness, runtimeMode, SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { IdentityStore } from './identity.store';

export type WatchedModel = 'identity' | 'ip_rules';
type Listener = () => Promise<void>;

/**
 * Every replica polls the one-row-per-model version table (a primary-key read, every
 * IDENTITY_POLL_MS). When a projection transaction has bumped a version, the listeners run: caches
 * are dropped, rule sets reloaded. A listener that fails is retried at the next poll, because its
 * version is recorded only once it succeeded. `isFresh` tells the authenticator whether it may
 * still trust its cache: not when the poll has been failing for longer than the staleness bound.
 */
@Injectable()
export class VersionWatch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly listeners = new Map<WatchedModel, { fn: Listener; applied?: string }[]>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastSuccessMs = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    private readonly store: IdentityStore,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    readiness: Readiness,
  ) {
    readiness.register('identity-versions', () => this.isFresh());
  }

  onChange(model: WatchedModel, fn: Listener): void {
    this.listeners.set(model, [...(this.listeners.get(model) ?? []), { fn }]);
  }

  isFresh(nowMs = Date.now()): boolean {
    return nowMs - this.lastSuccessMs <= this.config.AUTH_CACHE_MAX_STALENESS_MS;
  }

  onApplicationBootstrap(): void {
    // A projection rebuild (passive mode) serves nothing and needs no watch.
    if (!runtimeMode.passive) this.schedule(0);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * One poll now (tests, and a caller that needs the newest state before answering). Polls are
   * serialised and this one always reads afresh: joining a poll already under way could return
   * versions read before the caller's change committed.
   */
  pollNow(): Promise<void> {
    const next = this.chain.then(() => this.poll());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.pollNow().finally(() => this.schedule(this.config.IDENTITY_POLL_MS)), delay);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (!this.ds.isInitialized) return;
    let versions: Record<string, string>;
    try {
      versions = await this.store.versions();
    } catch (e) {
      // Until migrations ran, or while the database is away; the staleness bound covers this.
      this.logger.debug({ err: (e as Error).message }, 'version poll failed');
      return;
    }
    let ok = true;
    for (const [model, ls] of this.listeners) {
      const v = versions[model];
      if (v === undefined) {
        ok = false;
        continue;
      }
      for (const l of ls) {
        if (l.applied === v) continue;
        try {
          await l.fn();
          l.applied = v;
        } catch (e) {
          ok = false;
          this.logger.warn({ model, err: (e as Error).message }, 'could not apply a changed read model; retrying');
        }
      }
    }
    if (ok) this.lastSuccessMs = Date.now();
  }
}
