import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call } from '@custos/testing';

interface SecretInfo {
  secret_id: string;
  secret_name: string;
  masked_values: Record<string, string>;
  provider: string;
  auth_config: Record<string, string>;
}

/** MLflow 3's gateway secrets API through the gateway: MLflow's shapes and errors, the value never returned. */
describe("MLflow's gateway secrets API", () => {
  const suffix = randomUUID().slice(0, 8);
  const name = `mlflow-secret-${suffix}`;
  const value = `sk-mlflow-${randomUUID()}-abcd`;
  let secretId = '';

  afterAll(async () => {
    if (secretId) await call('DELETE', '/api/3.0/mlflow/gateway/secrets/delete', { body: { secret_id: secretId } });
  });

  it('creates, gets (by id and by name), lists, rotates and deletes, answering only masked values', async () => {
    const created = await call<{ secret: SecretInfo }>('POST', '/api/3.0/mlflow/gateway/secrets/create', {
      body: { secret_name: name, secret_value: { api_key: value }, provider: 'openai', created_by: 'someone-else' },
    });
    expect(created.status).toBe(200);
    expect(created.body.secret).toMatchObject({ secret_name: name, provider: 'openai', masked_values: { api_key: 'sk-...abcd' }, auth_config: {} });
    expect(typeof (created.body.secret as unknown as { created_at: unknown }).created_at).toBe('number');
    secretId = created.body.secret.secret_id;

    const byId = await call<{ secret: SecretInfo }>('GET', `/api/3.0/mlflow/gateway/secrets/get?secret_id=${secretId}`);
    const byName = await call<{ secret: SecretInfo }>('GET', `/ajax-api/3.0/mlflow/gateway/secrets/get?secret_name=${name}`);
    expect(byId.body).toEqual(created.body);
    expect(byName.body).toEqual(created.body);
    const list = await call<{ secrets: SecretInfo[] }>('GET', '/api/3.0/mlflow/gateway/secrets/list?provider=openai');
    expect(list.body.secrets.map((s) => s.secret_id)).toContain(secretId);
    expect((await call<{ secrets: SecretInfo[] }>('GET', '/api/3.0/mlflow/gateway/secrets/list?provider=anthropic')).body.secrets.map((s) => s.secret_id)).not.toContain(secretId);
    for (const r of [created, byId, byName, list]) expect(JSON.stringify(r.body)).not.toContain(value.slice(3, -4));

    const unchanged = await call<{ secret: SecretInfo }>('POST', '/api/3.0/mlflow/gateway/secrets/update', { body: { secret_id: secretId, secret_value: {} } });
    expect(unchanged.body.secret.masked_values).toEqual({ api_key: 'sk-...abcd' });
    const rotated = await call<{ secret: SecretInfo }>('POST', '/api/3.0/mlflow/gateway/secrets/update', { body: { secret_id: secretId, secret_value: { api_key: `sk-new-${randomUUID()}-WXYZ` } } });
    expect([rotated.status, rotated.body.secret.masked_values]).toEqual([200, { api_key: 'sk-...WXYZ' }]);

    const deleted = await call('DELETE', '/api/3.0/mlflow/gateway/secrets/delete', { body: { secret_id: secretId } });
    expect([deleted.status, deleted.body]).toEqual([200, {}]);
    const gone = await call('GET', `/api/3.0/mlflow/gateway/secrets/get?secret_id=${secretId}`);
    expect([gone.status, (gone.body as { error_code?: string }).error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    secretId = '';
  });

  it("refuses bad input in MLflow's error shape", async () => {
    const cases: [string, string, unknown, number][] = [
      ['POST', 'create', { secret_value: { api_key: 'sk-0123456789' }, provider: 'openai' }, 400],
      ['POST', 'create', { secret_name: `x-${suffix}`, secret_value: 'sk-0123456789', provider: 'openai' }, 400],
      ['POST', 'create', { secret_name: `x-${suffix}`, secret_value: { api_key: 'sk-0123456789' }, provider: 'openai', auth_config: { api_base: 'http://x' } }, 400],
      ['GET', 'get', undefined, 400],
      ['POST', 'update', { secret_id: 'no-such-secret', secret_value: { api_key: 'sk-0123456789' } }, 404],
    ];
    for (const [method, op, body, status] of cases) {
      const r = await call<{ error_code?: string; message?: string }>(method, `/api/3.0/mlflow/gateway/secrets/${op}`, { body });
      expect([op, r.status, typeof r.body.error_code, typeof r.body.message]).toEqual([op, status, 'string', 'string']);
      expect(JSON.stringify(r.body)).not.toContain('sk-0123456789');
    }
  });
});
