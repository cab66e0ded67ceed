import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per gateway replica, the identity version whose caches it has dropped, and when it last said so:
 * an identity change counts as applied once every live replica has caught up (decision 031).
 */
export class GatewayReplicaAcks1732000000720 implements MigrationInterface {
  name = 'GatewayReplicaAcks1732000000720';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE gw_replica_acks (replica_id text PRIMARY KEY, identity_version bigint NOT NULL, seen_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gw_replica_acks`);
  }
}
