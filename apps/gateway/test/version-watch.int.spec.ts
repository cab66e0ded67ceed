import { INestApplicationContext } from '@nestjs/common';
import { createTestDatabase, TestDatabase, waitFor } from '@custos/testing';
import { GatewayIdentity1732000000700 } from '../src/migrations/1732000000700-gateway-identity';
import { GatewayIpRules1732000000710 } from '../src/migrations/1732000000710-gateway-ip-rules';
import { GatewayReplicaAcks1732000000720 } from '../src/migrations/1732000000720-gateway-replica-acks';
import { VersionWatch } from '../src/identity/version-watch.service';
import { bumpVersion } from '../src/identity/versions';
import { credentialsContext, testGatewayConfig } from './gateway-harness';

/**
 * A committed version bump wakes every replica's watch through LISTEN/NOTIFY, not at its next poll.
 * The poll period here is an hour (set past the schema's bound on purpose), so any reaction within
 * the test can only come from the notification.
 */
describe('version watch notifications', () => {
  let db: TestDatabase;
  const replicas: INestApplicationContext[] = [];
  const config = { ...testGatewayConfig(), IDENTITY_POLL_MS: 3_600_000 };
  const changes: number[][] = [];

  beforeAll(async () => {
    db = await createTestDatabase('gw_vwatch', [GatewayIdentity1732000000700, GatewayIpRules1732000000710, GatewayReplicaAcks1732000000720]);
    for (let i = 0; i < 2; i++) {
      const app = await credentialsContext(db.dataSource, config);
      const watch = app.get(VersionWatch);
      const seen: number[] = [];
      watch.onChange('identity', () => Promise.resolve(void seen.push(Date.now())));
      await watch.pollNow();
      replicas.push(app);
      changes.push(seen);
    }
    await waitFor('both replicas listening', () => Promise.resolve(replicas.every((r) => r.get(VersionWatch).listening)), 10_000, 20);
  });
  afterAll(async () => {
    for (const r of replicas) await r.close();
    await db.drop();
  });

  const listeners = () => db.dataSource.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN custos_gw_versions'`) as Promise<{ pid: number }[]>;

  it('runs the change listeners of every replica when a bump commits, and not before', async () => {
    const before = changes.map((c) => c.length);
    await db.dataSource.transaction(async (tx) => {
      await bumpVersion(tx, 'identity');
      // Not yet committed: nothing is delivered.
      await new Promise((r) => setTimeout(r, 300));
      expect(changes.map((c) => c.length)).toEqual(before);
    });
    await waitFor('every replica reacted', () => Promise.resolve(changes.every((c, i) => c.length === before[i] + 1)), 10_000, 10);
  });

  it('listens again after its connection is lost, and catches up on what committed meanwhile', async () => {
    const pids = (await listeners()).map((r) => r.pid);
    expect(pids).toHaveLength(2);
    const before = changes.map((c) => c.length);
    await db.dataSource.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [pids]);
    // Committed while nobody listens: picked up by the read each replica makes once it listens again.
    await db.dataSource.transaction((tx) => bumpVersion(tx, 'identity'));
    await waitFor(
      'every replica listening on a new connection',
      async () => {
        const now = (await listeners()).map((r) => r.pid);
        return now.length === 2 && now.every((p) => !pids.includes(p)) && replicas.every((r) => r.get(VersionWatch).listening);
      },
      15_000,
      50,
    );
    await waitFor('the missed bump applied', () => Promise.resolve(changes.every((c, i) => c.length === before[i] + 1)), 10_000, 10);
    await db.dataSource.transaction((tx) => bumpVersion(tx, 'identity'));
    await waitFor('the next bump delivered', () => Promise.resolve(changes.every((c, i) => c.length === before[i] + 2)), 10_000, 10);
  });
});
