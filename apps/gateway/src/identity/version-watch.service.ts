import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Logger } from 'pino';
import { LOGGER, Readiness, runtimeMode, SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { IdentityStore } from './identity.store';
import { ReplicaAcks } from './replica-acks.service';
import { VERSIONS_CHANNEL, WatchedModel } from './versions';

export type { WatchedModel } from './versions';
type Listener = () => Promise<void>;

const RELISTEN_MIN_MS = 500;
const RELISTEN_MAX_MS = 10_000;

/**
 * Every replica reads the one-row-per-model version table when a projection transaction that
 * bumped a version commits (LISTEN on `custos_gw_versions`, so a revocation reaches every replica's
 * cache in milliseconds, not a poll period) and, as the fallback and freshness heartbeat, every
 * IDENTITY_POLL_MS (a primary-key read). When a version moved, the listeners run: caches are
 * dropped, rule sets reloaded. A listener that fails is retried at the next read, because its
 * version is recorded only once it succeeded. `isFresh` tells the authenticator whether it may
 * still trust its cache: not when reads have been failing for longer than the staleness bound.
 */
@Injectable()
export class VersionWatch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly listeners = new Map<WatchedModel, { fn: Listener; applied?: string }[]>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastSuccessMs = 0;
  private chain: Promise<void> = Promise.resolve();
  private wakeQueued = false;
  private notifications?: Client;
  private relistenMs = RELISTEN_MIN_MS;
  private relistenTimer?: NodeJS.Timeout;

  constructor(
    private readonly ds: DataSource,
    private readonly store: IdentityStore,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    readiness: Readiness,
    private readonly acks: ReplicaAcks,
  ) {
    readiness.register('identity-versions', () => this.isFresh());
  }

  onChange(model: WatchedModel, fn: Listener): void {
    this.listeners.set(model, [...(this.listeners.get(model) ?? []), { fn }]);
  }

  /** Whether change notifications are being received (else only the poll runs). */
  get listening(): boolean {
    return this.notifications !== undefined;
  }

  isFresh(nowMs = Date.now()): boolean {
    return nowMs - this.lastSuccessMs <= this.config.AUTH_CACHE_MAX_STALENESS_MS;
  }

  onApplicationBootstrap(): void {
    // A projection rebuild (passive mode) serves nothing and needs no watch.
    if (runtimeMode.passive) return;
    this.schedule(0);
    void this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.relistenTimer) clearTimeout(this.relistenTimer);
    await this.dropNotifications();
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

  /**
   * One read queued behind the one under way, however many notifications arrive meanwhile: the
   * queued read starts after they committed, so it sees them all.
   */
  private wake(): void {
    if (this.wakeQueued || this.stopped) return;
    this.wakeQueued = true;
    const next = this.chain.then(() => {
      this.wakeQueued = false;
      return this.poll();
    });
    this.chain = next.catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const url = (this.ds.options as { url?: string }).url;
    if (!url || this.stopped) return;
    const client = new Client({ connectionString: url });
    client.on('error', (e) => this.relisten(client, e));
    client.on('end', () => this.relisten(client, new Error('connection ended')));
    client.on('notification', () => this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${VERSIONS_CHANNEL}`);
    } catch (e) {
      this.relisten(client, e as Error);
      return;
    }
    if (this.stopped) return void client.end().catch(() => undefined);
    this.notifications = client;
    this.relistenMs = RELISTEN_MIN_MS;
    // Whatever committed while nobody listened.
    this.wake();
  }

  /** The poll goes on meanwhile: a lost listener costs at most one poll period of lag. */
  private relisten(client: Client, e: Error): void {
    if (this.notifications === client) this.notifications = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.stopped || this.relistenTimer) return;
    this.logger.warn({ err: e.message, retryInMs: this.relistenMs }, 'version notifications lost; polling until they are back');
    this.relistenTimer = setTimeout(() => {
      this.relistenTimer = undefined;
      void this.listen();
    }, this.relistenMs);
    this.relistenTimer.unref();
    this.relistenMs = Math.min(this.relistenMs * 2, RELISTEN_MAX_MS);
  }

  private async dropNotifications(): Promise<void> {
    const c = this.notifications;
    this.notifications = undefined;
    if (!c) return;
    c.removeAllListeners('end');
    c.removeAllListeners('error');
    c.on('error', () => undefined);
    await c.end().catch(() => undefined);
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
    if (ok) ok = await this.acknowledge(versions.identity);
    if (ok) this.lastSuccessMs = Date.now();
  }

  /** Tells writers waiting on identity changes that this replica's caches caught up (decision 031). */
  private async acknowledge(identityVersion: string | undefined): Promise<boolean> {
    if (identityVersion === undefined || !this.listeners.has('identity')) return true;
    try {
      await this.acks.acknowledge(identityVersion);
      return true;
    } catch (e) {
      this.logger.debug({ err: (e as Error).message }, 'replica acknowledgement failed');
      return false;
    }
  }
}
