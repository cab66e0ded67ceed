import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppliedBarrier, SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';

/** A replica that has not acknowledged for longer than this past the cache's staleness bound is presumed gone. */
const LIVENESS_SLACK_MS = 1_000;
/** An unchanged version is re-acknowledged at most this often (the replica's heartbeat). */
const HEARTBEAT_MS = 1_000;
const RECHECK_MS = 5;

/**
 * Gateway replicas share the identity projection but each keeps its own credential cache, dropped
 * when its version watch sees `gw_versions` move. Each replica records here the identity version
 * it has caught up with; an identity event counts as applied (decision 031) only once every live
 * replica has. "Live" is bounded by the cache's own staleness rule: a replica silent for longer
 * than AUTH_CACHE_MAX_STALENESS_MS no longer answers from its cache, so it need not be waited for.
 */
@Injectable()
export class ReplicaAcks implements AppliedBarrier, OnModuleDestroy {
  readonly replicaId = randomUUID();
  private acked?: { version: string; atMs: number };

  constructor(
    private readonly ds: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** From the version watch, after this replica's identity listeners applied `version`. */
  async acknowledge(version: string, nowMs = Date.now()): Promise<void> {
    if (this.acked?.version === version && nowMs - this.acked.atMs < HEARTBEAT_MS) return;
    await this.ds.query(
      `INSERT INTO gw_replica_acks (replica_id, identity_version, seen_at) VALUES ($1, $2, now())
       ON CONFLICT (replica_id) DO UPDATE SET identity_version = EXCLUDED.identity_version, seen_at = EXCLUDED.seen_at`,
      [this.replicaId, version],
    );
    this.acked = { version, atMs: nowMs };
  }

  /** Resolves once every live replica caught up with the identity version committed now; throws past the bound. */
  async whenApplied(): Promise<void> {
    const deadline = Date.now() + Math.max(this.config.ACCESS_PROPAGATION_WAIT_MS, RECHECK_MS);
    for (;;) {
      const [{ behind }] = (await this.ds.query(
        `SELECT count(*)::int AS behind FROM gw_replica_acks
         WHERE seen_at > now() - make_interval(secs => $1::float8 / 1000)
           AND identity_version < (SELECT version FROM gw_versions WHERE name = 'identity')`,
        [this.config.AUTH_CACHE_MAX_STALENESS_MS + LIVENESS_SLACK_MS],
      )) as { behind: number }[];
      if (behind === 0) return;
      if (Date.now() >= deadline) throw new Error(`${behind} gateway replica(s) have not dropped their cached credentials yet`);
      await new Promise((r) => setTimeout(r, RECHECK_MS));
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.ds.isInitialized) return;
    await this.ds.query(`DELETE FROM gw_replica_acks WHERE replica_id = $1`, [this.replicaId]).catch(() => undefined);
  }
}
