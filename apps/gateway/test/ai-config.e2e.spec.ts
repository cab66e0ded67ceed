import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { call, infraEnv, JsonResponse, pgUrl, waitFor } from '@custos/testing';
import { basicAuth } from './loopback-client';

interface AuditEntry {
  type: string;
  data: Record<string, unknown>;
}

/**
 * AI credentials and endpoints through the gateway's admin API on the real stack: the admin stores
 * a credential and an endpoint; reads never show the value; a user without a grant can neither see
 * nor change the endpoint (and audit records each refusal); grants through MLflow's permission API
 * open USE, then EDIT; every change reaches audit, none with the value.
 */
describe('AI credentials and endpoints at the gateway', () => {
  const suffix = randomUUID().slice(0, 8);
  const value = `sk-e2e-${randomUUID()}-tail`;
  const secretName = `openai-e2e-${suffix}`;
  const endpointName = `chat-e2e-${suffix}`;
  const user = `ai-${suffix}`;
  const password = `pw-${suffix}-long-enough`;
  const asUser = basicAuth(user, password);
  let secretId: string;
  let gatewayDb: Client;

  const audit = (correlationId: string) =>
    waitFor(`audit entry for ${correlationId}`, async () => (await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`)).body.entries?.[0], 30_000, 100);
  const correlationOf = (r: JsonResponse<unknown>) => r.headers.get('x-correlation-id') as string;
  const grant = async (permission: string) => {
    const r = await call('POST', '/api/3.0/mlflow/users/permissions/grant', { body: { username: user, resource_type: 'gateway_endpoint', resource_id: endpointName, permission } });
    expect(r.status).toBe(200);
  };
  const revoke = async () => {
    const r = await call('POST', '/api/3.0/mlflow/users/permissions/revoke', { body: { username: user, resource_type: 'gateway_endpoint', resource_id: endpointName } });
    expect(r.status).toBe(200);
  };

  beforeAll(async () => {
    gatewayDb = new Client({ connectionString: pgUrl('custos_gateway', infraEnv()) });
    await gatewayDb.connect();
    expect((await call('POST', '/api/2.0/mlflow/users/create', { body: { username: user, password } })).status).toBe(200);
    await waitFor('the user known to the gateway', async () => (await gatewayDb.query(`SELECT 1 FROM gw_users WHERE username = $1 AND NOT deleted`, [user])).rowCount === 1);
  });

  afterAll(async () => {
    await call('DELETE', `/api/gateway/ai/endpoints/${endpointName}`);
    if (secretId) await call('DELETE', `/api/gateway/ai/secrets/${secretId}`);
    await gatewayDb?.end();
  });

  it('stores a credential and answers with its masked hint only, on every read', async () => {
    const created = await call<Record<string, unknown>>('POST', '/api/gateway/ai/secrets', { body: { name: secretName, provider: 'openai', value } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      secretId: expect.any(String),
      name: secretName,
      provider: 'openai',
      hint: 'sk-...tail',
      createdAt: expect.any(String),
      createdBy: expect.any(String),
      updatedAt: expect.any(String),
      updatedBy: expect.any(String),
    });
    secretId = created.body.secretId as string;
    const list = await call('GET', '/api/gateway/ai/secrets');
    const one = await call('GET', `/api/gateway/ai/secrets/${secretId}`);
    expect(one.body).toEqual(created.body);
    for (const r of [created, list, one]) expect(JSON.stringify(r.body)).not.toContain(value.slice(3, -4));
    const entry = await audit(correlationOf(created));
    expect(entry).toMatchObject({ type: 'gateway.AiSecretCreated', data: { secretId, name: secretName, provider: 'openai', hint: 'sk-...tail' } });
    expect(JSON.stringify(entry)).not.toContain(value.slice(3, -4));
  });

  it('refuses bad input with a 4xx naming the problem, never echoing a value', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ name: secretName, provider: 'openai', value: 'sk-dup-0123456789' }, 409, /already exists/],
      [{ name: `x-${suffix}`, provider: 'skynet', value: 'sk-0123456789' }, 400, /not a known provider/],
      [{ name: `x-${suffix}`, provider: 'openai', value: 42 }, 400, /value must be a string/],
      [{ name: `x-${suffix}`, provider: 'bedrock', value: 'sk-0123456789' }, 400, /needs aws_access_key_id/],
      [{ name: `x-${suffix}`, provider: 'openai', value: 'sk-0123456789', extra: 1 }, 400, /extra/],
    ];
    for (const [body, status, message] of cases) {
      const r = await call<{ detail?: string; message?: string }>('POST', '/api/gateway/ai/secrets', { body });
      expect([r.status, JSON.stringify(r.body)]).toEqual([status, expect.stringMatching(message)]);
      expect(JSON.stringify(r.body)).not.toContain('sk-0123456789');
    }
    const bad = await call('POST', '/api/gateway/ai/endpoints', { body: { name: endpointName, task: 'llm/v1/chat', targets: [{ provider: 'openai', model: 'm', secretId, weight: 0 }] } });
    expect([bad.status, JSON.stringify(bad.body)]).toEqual([400, expect.stringMatching(/weight must be a number greater than 0/)]);
  });

  it('creates an endpoint whose config reaches audit', async () => {
    const created = await call<Record<string, unknown>>('POST', '/api/gateway/ai/endpoints', {
      body: { name: endpointName, task: 'llm/v1/chat', targets: [{ provider: 'openai', model: 'gpt-4o-mini', secretId }], tags: { team: 'e2e' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: endpointName,
      task: 'llm/v1/chat',
      targets: [{ provider: 'openai', model: 'gpt-4o-mini', secretId, baseUrl: null, options: {}, weight: 1, order: 0 }],
      unknownParams: 'drop',
      tags: { team: 'e2e' },
    });
    expect((await call('GET', `/api/gateway/ai/endpoints/${endpointName}`)).body).toEqual(created.body);
    expect(await audit(correlationOf(created))).toMatchObject({ type: 'gateway.AiEndpointCreated', data: { name: endpointName } });
  });

  it('a user without a grant cannot see, change or delete the endpoint, nor touch credentials; each refusal is audited', async () => {
    const list = await call<{ endpoints: { name: string }[] }>('GET', '/api/gateway/ai/endpoints', { auth: asUser });
    expect(list.status).toBe(200);
    expect(list.body.endpoints.map((e) => e.name)).not.toContain(endpointName);
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { tags: { team: 'mine' } }],
      ['DELETE', undefined],
    ] as const) {
      const r = await call(method, `/api/gateway/ai/endpoints/${endpointName}`, { auth: asUser, body });
      expect([method, r.status]).toEqual([method, 404]);
      expect(await audit(correlationOf(r))).toMatchObject({ type: 'gateway.RequestDenied', data: { reason: 'forbidden', status: 404, detail: expect.stringContaining('lacks') } });
    }
    for (const [method, path] of [
      ['GET', '/api/gateway/ai/secrets'],
      ['GET', `/api/gateway/ai/secrets/${secretId}`],
      ['PUT', `/api/gateway/ai/secrets/${secretId}`],
      ['POST', '/api/gateway/ai/endpoints'],
    ] as const) {
      const r = await call(method, path, { auth: asUser, body: method === 'GET' ? undefined : { value: 'sk-mine-0123456789' } });
      expect([method, path, r.status]).toEqual([method, path, 403]);
    }
    expect((await call<Record<string, unknown>>('GET', `/api/gateway/ai/endpoints/${endpointName}`)).body).toMatchObject({ tags: { team: 'e2e' } });
  });

  it('USE lets the user see it; EDIT lets them change it, but not point the credential elsewhere', async () => {
    await grant('USE');
    const list = await call<{ endpoints: { name: string }[] }>('GET', '/api/gateway/ai/endpoints', { auth: asUser });
    expect(list.body.endpoints.map((e) => e.name)).toContain(endpointName);
    expect((await call('GET', `/api/gateway/ai/endpoints/${endpointName}`, { auth: asUser })).status).toBe(200);
    expect((await call('PUT', `/api/gateway/ai/endpoints/${endpointName}`, { auth: asUser, body: { tags: { team: 'mine' } } })).status).toBe(403);
    await revoke();
    await grant('EDIT');
    const changed = await call<Record<string, unknown>>('PUT', `/api/gateway/ai/endpoints/${endpointName}`, {
      auth: asUser,
      body: { tags: { team: 'mine' }, targets: [{ provider: 'openai', model: 'gpt-4o', secretId, weight: 2 }] },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ tags: { team: 'mine' }, targets: [{ model: 'gpt-4o', weight: 2 }] });
    expect(await audit(correlationOf(changed))).toMatchObject({ type: 'gateway.AiEndpointUpdated', data: { name: endpointName, tags: { team: 'mine' } } });
    const exfiltrate = await call('PUT', `/api/gateway/ai/endpoints/${endpointName}`, {
      auth: asUser,
      body: { targets: [{ provider: 'openai', model: 'gpt-4o', secretId, baseUrl: 'https://collector.example/v1' }] },
    });
    expect(exfiltrate.status).toBe(403);
    expect((await call('DELETE', `/api/gateway/ai/endpoints/${endpointName}`, { auth: asUser })).status).toBe(403);
  });

  it('rotates the value (new hint), refuses to delete a credential in use, deletes both, and no event anywhere holds a value', async () => {
    const rotated = `sk-rotated-${randomUUID()}-WXYZ`;
    const r = await call<Record<string, unknown>>('PUT', `/api/gateway/ai/secrets/${secretId}`, { body: { value: rotated } });
    expect([r.status, r.body.hint]).toEqual([200, 'sk-...WXYZ']);
    expect(await audit(correlationOf(r))).toMatchObject({ type: 'gateway.AiSecretRotated', data: { secretId, hint: 'sk-...WXYZ' } });
    expect((await call('DELETE', `/api/gateway/ai/secrets/${secretId}`)).status).toBe(409);
    expect((await call('DELETE', `/api/gateway/ai/endpoints/${endpointName}`)).status).toBe(204);
    const deleted = await call('DELETE', `/api/gateway/ai/secrets/${secretId}`);
    expect(deleted.status).toBe(204);
    expect(await audit(correlationOf(deleted))).toMatchObject({ type: 'gateway.AiSecretDeleted', data: { secretId } });
    expect((await gatewayDb.query(`SELECT 1 FROM gw_ai_secret_values WHERE secret_id = $1`, [secretId])).rowCount).toBe(0);
    expect((await call('GET', `/api/gateway/ai/secrets/${secretId}`)).status).toBe(404);
    const events = await gatewayDb.query<{ all: string }>(`SELECT coalesce(string_agg(e::text, ''), '') AS all FROM events e`);
    for (const v of [value, rotated]) expect(events.rows[0].all).not.toContain(v.slice(3, -4));
    secretId = '';
  });
});
