import { MigrationInterface, QueryRunner } from 'typeorm';

/** IP allow/deny rules, the read model of the gateway's own `gateway.IpRule*` events. */
export class GatewayIpRules1732000000710 implements MigrationInterface {
  name = 'GatewayIpRules1732000000710';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gw_ip_rules (
        rule_id text PRIMARY KEY,
        action text NOT NULL CHECK (action IN ('allow', 'deny')),
        cidr text NOT NULL,
        route_prefix text,
        description text NOT NULL,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL
      )`);
    // Two identical rules would make removing "the" rule ambiguous.
    await q.query(`CREATE UNIQUE INDEX gw_ip_rules_identical ON gw_ip_rules (action, cidr, coalesce(route_prefix, ''))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gw_ip_rules`);
  }
}
