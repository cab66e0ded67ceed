import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { eventCatalog } from '@custos/events';
import { CommandExecutor, EventStore, rebuildProjections } from '@custos/eventing';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { GatewayIdentity1732000000700 } from '../src/migrations/1732000000700-gateway-identity';
import { GatewayIpRules1732000000710 } from '../src/migrations/1732000000710-gateway-ip-rules';
import { GatewayReplicaAcks1732000000720 } from '../src/migrations/1732000000720-gateway-replica-acks';
import { CredentialsModule } from '../src/auth/credentials.module';
import { VersionWatch } from '../src/identity/version-watch.service';
import { IpRulesProjection } from '../src/ip-rules/ip-rules.projection';
import { IpRuleCommands } from '../src/ip-rules/ip-rule-commands.service';
import { IpRules } from '../src/ip-rules/ip-rule-set.service';
import { GatewayError } from '../src/domain/gateway-error';
import { credentialsContext, testGatewayConfig } from './gateway-harness';

/**
 * IP rules end to end inside one process pair: commands append `gateway.IpRule*` events and update
 * the read model in the same transaction; two replicas (two application contexts on the one
 * database) both pick the change up from the version poll; a rebuild replays to the same rules.
 */
describe('IP rules: commands, projection and every replica', () => {
  let db: TestDatabase;
  let replicas: INestApplicationContext[];
  const config = testGatewayConfig({ IDENTITY_POLL_MS: '50' });

  const rulesModule = (ds: DataSource) => ({
    module: class IpRulesTestModule {},
    imports: [CredentialsModule],
    providers: [
      { provide: EventStore, useValue: new EventStore('gateway', eventCatalog) },
      { provide: CommandExecutor, useFactory: (store: EventStore) => new CommandExecutor(ds, store), inject: [EventStore] },
      IpRulesProjection,
      IpRuleCommands,
      IpRules,
    ],
    exports: [IpRuleCommands, IpRules, EventStore, IpRulesProjection],
  });

  beforeAll(async () => {
    db = await createTestDatabase('gw_ip_rules', [GatewayIdentity1732000000700, GatewayIpRules1732000000710, GatewayReplicaAcks1732000000720]);
    replicas = await Promise.all([0, 1].map(() => credentialsContext(db.dataSource, config, [rulesModule(db.dataSource)])));
    await Promise.all(replicas.map((r) => r.get(VersionWatch).pollNow()));
  });

  afterAll(async () => {
    for (const r of replicas ?? []) await r.close();
    await db?.drop();
  });

  const commands = () => replicas[0].get(IpRuleCommands);
  const evaluate = (replica: number, ip: string, path = '/api/2.0/mlflow/runs/get') => replicas[replica].get(IpRules).evaluate(ip, path);

  it('loads an empty rule set and lets everyone through', () => {
    for (const r of replicas) expect(r.get(IpRules).isLoaded()).toBe(true);
    expect(evaluate(1, '203.0.113.9').allowed).toBe(true);
  });

  it('applies a rule added on one replica on every replica within a poll', async () => {
    await commands().execute({ type: 'AddIpRule', ruleId: 'deny-scanner', action: 'deny', cidr: '203.0.113.0/24', routePrefix: null, description: 'scanner' });
    const [{ count }] = (await db.dataSource.query(`SELECT count(*)::int AS count FROM events WHERE type = 'gateway.IpRuleAdded'`)) as { count: number }[];
    expect(count).toBe(1);
    // Every replica reloads on its own watch (the one that ran the command too), so each is awaited.
    const started = Date.now();
    while (evaluate(0, '203.0.113.9').allowed || evaluate(1, '203.0.113.9').allowed) {
      if (Date.now() - started > 5_000) throw new Error('a replica did not pick up the rule');
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const replica of [0, 1]) {
      expect(evaluate(replica, '203.0.113.9')).toMatchObject({ allowed: false, reason: 'denied', rule: { ruleId: 'deny-scanner' } });
    }
  });

  it('refuses an identical rule and a non-canonical one', async () => {
    await expect(commands().execute({ type: 'AddIpRule', ruleId: 'dup', action: 'deny', cidr: '203.0.113.0/24', routePrefix: null, description: '' })).rejects.toMatchObject({
      errorCode: 'RESOURCE_ALREADY_EXISTS',
    });
    await expect(commands().execute({ type: 'AddIpRule', ruleId: 'bad', action: 'allow', cidr: '10.0.0.1/8', routePrefix: null, description: '' })).rejects.toBeInstanceOf(GatewayError);
  });

  it('removes a rule everywhere', async () => {
    await commands().execute({ type: 'AddIpRule', ruleId: 'audit-ops', action: 'allow', cidr: '10.9.0.0/16', routePrefix: '/api/audit/', description: 'ops only' });
    await Promise.all(replicas.map((r) => r.get(VersionWatch).pollNow()));
    expect(evaluate(1, '10.1.0.1', '/api/audit/events').allowed).toBe(false);
    expect(evaluate(1, '10.9.0.1', '/api/audit/events').allowed).toBe(true);
    await commands().execute({ type: 'RemoveIpRule', ruleId: 'audit-ops' });
    await Promise.all(replicas.map((r) => r.get(VersionWatch).pollNow()));
    expect(evaluate(1, '10.1.0.1', '/api/audit/events').allowed).toBe(true);
    await expect(commands().execute({ type: 'RemoveIpRule', ruleId: 'audit-ops' })).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('rebuilds the same rules from the store, twice', async () => {
    const rules = async () => (await db.dataSource.query(`SELECT rule_id, action, cidr, route_prefix, description, created_at, created_by FROM gw_ip_rules ORDER BY rule_id`)) as { rule_id: string }[];
    const before = await rules();
    const store = replicas[0].get(EventStore);
    const projection = replicas[0].get(IpRulesProjection);
    await rebuildProjections(db.dataSource, store, [projection]);
    expect(await rules()).toEqual(before);
    await rebuildProjections(db.dataSource, store, [projection]);
    expect(await rules()).toEqual(before);
    expect(before.map((r: { rule_id: string }) => r.rule_id)).toEqual(['deny-scanner']);
  });
});
