import { INestApplicationContext } from '@nestjs/common';
import { createTestDatabase, TestDatabase, waitFor } from '@custos/testing';
import { GatewayIdentity1732000000700 } from '../src/migrations/1732000000700-gateway-identity';
import { GatewayIpRules1732000000710 } from '../src/migrations/1732000000710-gateway-ip-rules';
import { GatewayReplicaAcks1732000000720 } from '../src/migrations/1732000000720-gateway-replica-acks';
import { ReplicaAcks } from '../src/identity/replica-acks.service';
import { VersionWatch } from '../src/identity/version-watch.service';
import { bumpVersion } from '../src/identity/versions';
import { credentialsContext, testGatewayConfig } from './gateway-harness';

/**
 * Decision 031 with two gateway replicas on one database: an identity change counts as applied
 * (the gateway's report may go) only once every live replica's watch has dropped its caches.
 */
describe('gateway replicas acknowledge identity changes', () => {
  let db: TestDatabase;
  const replicas: INestApplicationContext[] = [];
  const config = { ...testGatewayConfig(), ACCESS_PROPAGATION_WAIT_MS: 1_500 };
  const cleared: number[] = [0, 0];
  let holdSecond: Promise<void> | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('gw_acks', [GatewayIdentity1732000000700, GatewayIpRules1732000000710, GatewayReplicaAcks1732000000720]);
    for (let i = 0; i < 2; i++) {
      const app = await credentialsContext(db.dataSource, config);
      // Stands for the credential cache's drop; the second replica's can be held up by the test.
      app.get(VersionWatch).onChange('identity', async () => {
        if (i === 1 && holdSecond) await holdSecond;
        cleared[i]++;
      });
      await app.get(VersionWatch).pollNow();
      replicas.push(app);
    }
    await waitFor('both replicas listening', () => Promise.resolve(replicas.every((r) => r.get(VersionWatch).listening)), 10_000, 20);
  });
  afterAll(async () => {
    for (const r of replicas) await r.close();
    await db.drop();
  });

  const acks = () => db.dataSource.query(`SELECT replica_id, identity_version::text AS v FROM gw_replica_acks ORDER BY replica_id`) as Promise<{ replica_id: string; v: string }[]>;

  it('passes once every replica dropped its caches, and not while one has not', async () => {
    let release!: () => void;
    holdSecond = new Promise((r) => (release = r));
    await db.dataSource.transaction((tx) => bumpVersion(tx, 'identity'));
    await waitFor('the first replica reacted', () => Promise.resolve(cleared[0] === 2), 10_000, 10);
    // The second replica has not dropped its cache: the report must not go.
    await expect(replicas[0].get(ReplicaAcks).whenApplied()).rejects.toThrow(/1 gateway replica/);
    release();
    holdSecond = undefined;
    await replicas[0].get(ReplicaAcks).whenApplied();
    expect(cleared).toEqual([2, 2]);
    expect(new Set((await acks()).map((a) => a.v)).size).toBe(1);
  });

  it('does not wait for a replica silent past the cache staleness bound, nor for one that stopped', async () => {
    await db.dataSource.query(`INSERT INTO gw_replica_acks (replica_id, identity_version, seen_at) VALUES ('gone', 0, now() - interval '1 hour')`);
    await db.dataSource.transaction((tx) => bumpVersion(tx, 'identity'));
    await waitFor('both replicas reacted', () => Promise.resolve(cleared.every((c) => c === 3)), 10_000, 10);
    await replicas[1].get(ReplicaAcks).whenApplied();
    const second = replicas.pop()!;
    const id = second.get(ReplicaAcks).replicaId;
    await second.close();
    expect((await acks()).map((a) => a.replica_id)).not.toContain(id);
  });
});
