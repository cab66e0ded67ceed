import { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccessGrants1732000001000 } from '@custos/access';
import { eventCatalog } from '@custos/events';
import { CommandExecutor, EventStore, rebuildProjections } from '@custos/eventing';
import { Principal } from '@custos/rbac';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { GatewayIdentity1732000000700 } from '../src/migrations/1732000000700-gateway-identity';
import { GatewayIpRules1732000000710 } from '../src/migrations/1732000000710-gateway-ip-rules';
import { GatewayReplicaAcks1732000000720 } from '../src/migrations/1732000000720-gateway-replica-acks';
import { GatewayAiConfig1732000000730 } from '../src/migrations/1732000000730-gateway-ai-config';
import { CredentialsModule } from '../src/auth/credentials.module';
import { GatewayConfig } from '../src/gateway.config';
import { VersionWatch } from '../src/identity/version-watch.service';
import { bumpVersion } from '../src/identity/versions';
import { AiConfigProjection } from '../src/ai/ai-config.projection';
import { aiConfigProviders } from '../src/ai/ai-config.providers';
import { AiEndpointCommands } from '../src/ai/ai-endpoint-commands.service';
import { AiEndpointDirectory } from '../src/ai/ai-endpoint-directory';
import { AiSecretCommands } from '../src/ai/ai-secret-commands.service';
import { MissingCredentialError } from '../src/ai/memory-endpoint-directory.service';
import { RotateAiCredentialKeysCommand } from '../src/ai/rotate-ai-credential-keys.command';
import { credentialsContext, testGatewayConfig } from './gateway-harness';

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;
const FIRST = 'sk-first-value-0123456789-ABCD';
const SECOND = 'sk-second-value-9876543210-WXYZ';

/**
 * Provider credentials and AI endpoints on real PostgreSQL: the sealed value beside the event in one
 * transaction, never in an event; every replica's directory following `ai_config`; rotation of a
 * value and of the master key; deletion destroying the wrapped key; a rebuild by replay.
 */
describe('AI credentials and endpoints: vault, projection and every replica', () => {
  let db: TestDatabase;
  let replicas: INestApplicationContext[];

  const aiModule = (ds: DataSource, config: GatewayConfig) => ({
    module: class AiConfigTestModule {},
    imports: [CredentialsModule],
    providers: [
      { provide: EventStore, useValue: new EventStore('gateway', eventCatalog) },
      { provide: CommandExecutor, useFactory: (store: EventStore) => new CommandExecutor(ds, store), inject: [EventStore] },
      ...aiConfigProviders(config),
    ],
    exports: [EventStore, AiConfigProjection, AiSecretCommands, AiEndpointCommands, AiEndpointDirectory, RotateAiCredentialKeysCommand],
  });
  const context = (keys: string, active: string) => {
    const config = testGatewayConfig({ IDENTITY_POLL_MS: '50', AI_CREDENTIAL_MASTER_KEYS: keys, AI_CREDENTIAL_ACTIVE_KEY_ID: active });
    return credentialsContext(db.dataSource, config, [aiModule(db.dataSource, config)]);
  };
  const pollAll = () => Promise.all(replicas.map((r) => r.get(VersionWatch).pollNow()));
  const secrets = () => replicas[0].get(AiSecretCommands);
  const endpoints = () => replicas[0].get(AiEndpointCommands);
  const directory = (i: number) => replicas[i].get(AiEndpointDirectory);
  const q = <T>(sql: string, params: unknown[] = []) => db.dataSource.query(sql, params) as Promise<T[]>;

  /** Everything the events table holds, as text: no part of a credential may appear in it. */
  async function expectNoValueInEvents(...values: string[]): Promise<void> {
    const [{ all }] = await q<{ all: string }>(`SELECT coalesce(string_agg(e::text, '\n'), '') AS all FROM events e`);
    expect(all.length).toBeGreaterThan(0);
    for (const v of values) {
      expect(all).not.toContain(v);
      // Nor any tell-tale middle of it (a hint shows at most the first 3 and last 4 characters).
      expect(all).not.toContain(v.slice(3, -4));
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('gw_ai_config', [
      GatewayIdentity1732000000700,
      GatewayIpRules1732000000710,
      GatewayReplicaAcks1732000000720,
      GatewayAiConfig1732000000730,
      AccessGrants1732000001000,
    ]);
    replicas = [await context(K1, 'k1'), await context(K1, 'k1')];
    await pollAll();
  });

  afterAll(async () => {
    for (const r of replicas ?? []) await r.close();
    await db?.drop();
  });

  let secretId: string;

  it('stores a credential sealed beside its event; the event and the read model carry only the hint', async () => {
    secretId = await secrets().create('openai-prod', 'openai', FIRST);
    const [event] = await q<{ type: string; data: Record<string, unknown> }>(`SELECT type, data FROM events WHERE type = 'gateway.AiSecretCreated'`);
    expect(event.data).toEqual({ secretId, name: 'openai-prod', provider: 'openai', hint: 'sk-...ABCD' });
    const [row] = await q<{ key_id: string; sealed: Buffer; wrapped_key: Buffer }>(`SELECT key_id, sealed, wrapped_key FROM gw_ai_secret_values WHERE secret_id = $1`, [secretId]);
    expect(row.key_id).toBe('k1');
    expect(row.sealed.includes(Buffer.from(FIRST))).toBe(false);
    expect(await q(`SELECT name, provider, hint FROM gw_ai_secrets`)).toEqual([{ name: 'openai-prod', provider: 'openai', hint: 'sk-...ABCD' }]);
    await expectNoValueInEvents(FIRST);
    await expect(secrets().create('openai-prod', 'openai', 'sk-another')).rejects.toMatchObject({ errorCode: 'RESOURCE_ALREADY_EXISTS' });
    await expect(secrets().create('bad', 'bedrock', 'just-a-key')).rejects.toMatchObject({ httpStatus: 400 });
  });

  it('every replica serves a created endpoint from memory, and decrypts its credential on demand', async () => {
    await endpoints().create('chat', { task: 'llm/v1/chat', targets: [{ provider: 'openai', model: 'gpt-4o-mini', secretId }] });
    await pollAll();
    for (const i of [0, 1]) {
      expect(directory(i).get('chat')).toMatchObject({
        name: 'chat',
        task: 'llm/v1/chat',
        unknownParams: 'drop',
        targets: [{ provider: 'openai', model: 'gpt-4o-mini', secretId, weight: 1, order: 0 }],
      });
      expect(directory(i).get('chat')?.targets[0]).not.toHaveProperty('baseUrl');
      expect(await directory(i).credential(secretId)).toEqual({ api_key: FIRST });
    }
    await expect(endpoints().create('chat', { task: 'llm/v1/chat', targets: [{ provider: 'openai', model: 'm', secretId }] })).rejects.toMatchObject({ errorCode: 'RESOURCE_ALREADY_EXISTS' });
    await expect(endpoints().create('x', { task: 'llm/v1/chat', targets: [{ provider: 'anthropic', model: 'm', secretId }] })).rejects.toMatchObject({ httpStatus: 400 });
  });

  it('decides USE from grants held in memory, reloaded when identity moves', async () => {
    const alice: Principal = { id: 'alice', kind: 'user', roles: [], groups: ['ml'] };
    const chat = directory(1).get('chat')!;
    expect(directory(1).permission(alice, chat)).toBe('NO_PERMISSIONS');
    await db.dataSource.transaction(async (tx) => {
      await tx.query(`INSERT INTO access_grants (subject_kind, subject_id, resource_type, resource_pattern, permission) VALUES ('group', 'ml', 'gateway_route', 'ch*', 'USE')`);
      await bumpVersion(tx, 'identity');
    });
    await pollAll();
    expect(directory(1).permission(alice, chat)).toBe('USE');
    expect(directory(1).permission({ ...alice, scopes: ['experiments:read'] }, chat)).toBe('NO_PERMISSIONS');
    expect(directory(1).permission({ ...alice, id: 'admin', roles: ['admin'], groups: [] }, chat)).toBe('MANAGE');
  });

  it('rotating the value re-seals it under a new data key; every replica drops the old value', async () => {
    const [before] = await q<{ wrapped_key: Buffer; sealed: Buffer }>(`SELECT wrapped_key, sealed FROM gw_ai_secret_values WHERE secret_id = $1`, [secretId]);
    await secrets().rotate(secretId, SECOND);
    const [after] = await q<{ wrapped_key: Buffer; sealed: Buffer }>(`SELECT wrapped_key, sealed FROM gw_ai_secret_values WHERE secret_id = $1`, [secretId]);
    expect(after.wrapped_key.equals(before.wrapped_key)).toBe(false);
    expect(after.sealed.equals(before.sealed)).toBe(false);
    await pollAll();
    for (const i of [0, 1]) expect(await directory(i).credential(secretId)).toEqual({ api_key: SECOND });
    expect(await q(`SELECT hint FROM gw_ai_secrets`)).toEqual([{ hint: 'sk-...WXYZ' }]);
    await expectNoValueInEvents(FIRST, SECOND);
  });

  it('re-wraps every data key under a new master key; the values open without the old one', async () => {
    const rotating = await context(`${K1},${K2}`, 'k2');
    try {
      await rotating.get(RotateAiCredentialKeysCommand).run();
      // Idempotent: nothing left to do.
      await rotating.get(RotateAiCredentialKeysCommand).run();
    } finally {
      await rotating.close();
    }
    expect(await q(`SELECT key_id FROM gw_ai_secret_values`)).toEqual([{ key_id: 'k2' }]);
    const [event] = await q<{ data: unknown }>(`SELECT data FROM events WHERE type = 'gateway.AiSecretKeysRewrapped'`);
    expect(event.data).toEqual({ toKeyId: 'k2', from: [{ keyId: 'k1', count: 1 }], count: 1 });
    const onlyNew = await context(K2, 'k2');
    try {
      await onlyNew.get(VersionWatch).pollNow();
      expect(await onlyNew.get(AiEndpointDirectory).credential(secretId)).toEqual({ api_key: SECOND });
    } finally {
      await onlyNew.close();
    }
    // A replica still on the retired key alone cannot open it: the wrap really moved.
    const onlyOld = await context(K1, 'k1');
    try {
      await expect(onlyOld.get(AiEndpointDirectory).credential(secretId)).rejects.toThrow();
    } finally {
      await onlyOld.close();
    }
  });

  it('refuses to delete a credential an endpoint uses; deleting it then destroys the sealed value and its wrapped key', async () => {
    await expect(secrets().delete(secretId)).rejects.toMatchObject({ errorCode: 'INVALID_STATE' });
    await endpoints().delete('chat');
    await secrets().delete(secretId);
    expect(await q(`SELECT * FROM gw_ai_secret_values`)).toEqual([]);
    expect(await q(`SELECT * FROM gw_ai_secrets`)).toEqual([]);
    await pollAll();
    expect(directory(0).get('chat')).toBeUndefined();
    await expect(directory(1).credential(secretId)).rejects.toBeInstanceOf(MissingCredentialError);
    await expect(secrets().rotate(secretId, 'sk-too-late-0123456789')).rejects.toMatchObject({ httpStatus: 404 });
    await expectNoValueInEvents(FIRST, SECOND);
  });

  it('rebuilds the read model by replay without touching the sealed values table', async () => {
    const other = await secrets().create('anthropic-dev', 'anthropic', 'sk-ant-0123456789-abcdefgh');
    await endpoints().create('claude', { task: 'llm/v1/chat', targets: [{ provider: 'anthropic', model: 'claude-3-5-haiku', secretId: other }], tags: { team: 'ml' } });
    const snapshot = async () => ({
      secrets: await q(`SELECT * FROM gw_ai_secrets ORDER BY secret_id`),
      endpoints: await q(`SELECT * FROM gw_ai_endpoints ORDER BY endpoint_id`),
      values: await q(`SELECT * FROM gw_ai_secret_values ORDER BY secret_id`),
    });
    const before = await snapshot();
    await rebuildProjections(db.dataSource, replicas[0].get(EventStore), [replicas[0].get(AiConfigProjection)]);
    expect(await snapshot()).toEqual(before);
    expect(before.values).toHaveLength(1);
  });
});
