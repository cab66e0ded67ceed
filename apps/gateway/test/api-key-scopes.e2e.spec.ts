import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { call, infraEnv, pgUrl, waitFor } from '@custos/testing';
import { basicAuth } from './loopback-client';

interface MlflowError {
  error_code: string;
  message: string;
}

/**
 * API-key scopes on the live stack: a key's scopes travel from the gateway's projection of authz's
 * events, through the internal token, to every service, and cap what the owner may do there. The
 * owner's other credentials keep the owner's full rights.
 */
describe('API-key scopes cap what a key may do, in every service', () => {
  const tag = randomUUID().slice(0, 8);
  const owner = { username: `e2e-scoped-${tag}`, password: `pw-${randomUUID()}` };
  const admin = { username: `e2e-scoped-admin-${tag}`, password: `pw-${randomUUID()}` };
  let gatewayDb: Client;
  let experimentId: string;
  let readKey: string;
  let fullKey: string;
  let adminReadKey: string;

  const projected = (what: string, sql: string, param: string) => waitFor(what, async () => ((await gatewayDb.query(sql, [param])).rowCount ?? 0) > 0 || undefined, 30_000, 25);
  const issueKey = async (auth: string, scopes?: string[]) => {
    const r = await call<{ key: string; apiKey: { keyId: string; scopes: string[] } }>('POST', '/api/authz/api-keys', { auth, body: { name: `e2e-${tag}`, ...(scopes ? { scopes } : {}) } });
    expect(r.status).toBe(201);
    await projected('key projected by the gateway', 'SELECT 1 FROM gw_api_keys WHERE key_id = $1', r.body.apiKey.keyId);
    return r.body;
  };
  const createRun = (auth: string) =>
    call<{ run: { info: { run_id: string } } } & MlflowError>('POST', '/api/2.0/mlflow/runs/create', { auth, body: { experiment_id: experimentId, start_time: Date.now() } });
  const getExperiment = (auth: string) => call<{ experiment: { name: string } }>('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`, { auth });

  beforeAll(async () => {
    gatewayDb = new Client({ connectionString: pgUrl('custos_gateway', infraEnv()) });
    await gatewayDb.connect();
    for (const u of [owner, admin]) expect((await call('POST', '/api/2.0/mlflow/users/create', { body: u })).status).toBe(200);
    expect((await call('PATCH', '/api/2.0/mlflow/users/update-admin', { body: { username: admin.username, is_admin: true } })).status).toBe(200);
    await projected('owner projected', 'SELECT 1 FROM gw_users WHERE username = $1 AND NOT deleted', owner.username);
    await projected('admin flag projected', 'SELECT 1 FROM gw_users WHERE username = $1 AND is_admin AND NOT deleted', admin.username);
  });
  afterAll(() => gatewayDb.end());

  it('the owner creates an experiment (MANAGE as its creator) and issues a read-only and an unscoped key', async () => {
    const created = await call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { auth: basicAuth(owner.username, owner.password), body: { name: `e2e-scoped-${tag}` } });
    expect(created.status).toBe(200);
    experimentId = created.body.experiment_id;
    const read = await issueKey(basicAuth(owner.username, owner.password), ['experiments:read']);
    expect(read.apiKey.scopes).toEqual(['experiments:read']);
    readKey = read.key;
    fullKey = (await issueKey(basicAuth(owner.username, owner.password))).key;
  });

  it('the experiments:read key reads the experiment, as bearer and as the basic-auth password', async () => {
    for (const auth of [`Bearer ${readKey}`, basicAuth(owner.username, readKey)]) {
      const got = await getExperiment(auth);
      expect(got.status).toBe(200);
      expect(got.body.experiment.name).toBe(`e2e-scoped-${tag}`);
      const searched = await call<{ experiments: { experiment_id: string }[] }>('POST', '/api/2.0/mlflow/experiments/search', { auth, body: { max_results: 1000 } });
      expect(searched.status).toBe(200);
      expect(searched.body.experiments.map((e) => e.experiment_id)).toContain(experimentId);
    }
  });

  it('the experiments:read key gets 403 on writes, naming the scope; the unscoped key of the same owner writes', async () => {
    for (const auth of [`Bearer ${readKey}`, basicAuth(owner.username, readKey)]) {
      const denied = await createRun(auth);
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ error_code: 'PERMISSION_DENIED', message: 'Permission denied: key scope caps experiments at read (needs experiments:edit)' });
      const rename = await call<MlflowError>('POST', '/api/2.0/mlflow/experiments/update', { auth, body: { experiment_id: experimentId, new_name: `renamed-${tag}` } });
      expect(rename.status).toBe(403);
      const create = await call<MlflowError>('POST', '/api/2.0/mlflow/experiments/create', { auth, body: { name: `e2e-scoped-other-${tag}` } });
      expect(create.status).toBe(403);
    }
    const written = await createRun(`Bearer ${fullKey}`);
    expect(written.status).toBe(200);
    expect(written.body.run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
    // The owner's password is not a key: full rights too.
    expect((await createRun(basicAuth(owner.username, owner.password))).status).toBe(200);
  });

  it('the experiments:read key cannot mint a broader key nor manage the account', async () => {
    const unscoped = await call<{ detail: string }>('POST', '/api/authz/api-keys', { auth: `Bearer ${readKey}`, body: { name: 'escalate' } });
    expect(unscoped.status).toBe(403);
    const pw = await call<MlflowError>('PATCH', '/api/2.0/mlflow/users/update-password', {
      auth: `Bearer ${readKey}`,
      body: { username: owner.username, password: `pw-${randomUUID()}`, current_password: owner.password },
    });
    expect([pw.status, pw.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    // Who am I works with any key.
    expect((await call<{ user: { username: string } }>('GET', '/api/2.0/mlflow/users/current', { auth: `Bearer ${readKey}` })).body.user.username).toBe(owner.username);
  });

  it("an admin's experiments:read key reads experiments but gets 403 on admin routes, audit and writes", async () => {
    adminReadKey = (await issueKey(basicAuth(admin.username, admin.password), ['experiments:read'])).key;
    const auth = `Bearer ${adminReadKey}`;
    // Admins read every experiment; the key keeps that.
    expect((await getExperiment(auth)).status).toBe(200);
    const createUser = await call<MlflowError>('POST', '/api/2.0/mlflow/users/create', { auth, body: { username: `e2e-nope-${tag}`, password: `pw-${randomUUID()}` } });
    expect(createUser.status).toBe(403);
    expect(createUser.body.message).toBe('Permission denied: key scope does not include admin (needs admin:manage)');
    const audit = await call<MlflowError>('GET', '/api/audit/events?limit=1', { auth });
    expect(audit.status).toBe(403);
    expect(JSON.stringify(audit.body)).toContain('key scope does not include audit (needs audit:read)');
    expect((await call('GET', '/api/gateway/ip-rules', { auth })).status).toBe(403);
    expect((await createRun(auth)).status).toBe(403);
    // The same admin's password still administers: the 403s above were the key's scope.
    const asAdmin = basicAuth(admin.username, admin.password);
    expect((await call('GET', '/api/audit/events?limit=1', { auth: asAdmin })).status).toBe(200);
    expect((await call('POST', '/api/2.0/mlflow/users/create', { auth: asAdmin, body: { username: `e2e-yes-${tag}`, password: `pw-${randomUUID()}` } })).status).toBe(200);
  });

  it('refuses an unknown scope with 400 listing the valid ones', async () => {
    const r = await call<{ detail: string }>('POST', '/api/authz/api-keys', { auth: basicAuth(owner.username, owner.password), body: { scopes: ['mlflow:read'] } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/^Invalid scope 'mlflow:read'\. Valid scopes are: experiments:read, experiments:use, .*admin:manage$/);
  });
});
