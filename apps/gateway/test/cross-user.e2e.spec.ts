import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { call, infraEnv, JsonResponse, pgUrl, stackEnv, waitFor } from '@custos/testing';
import { basicAuth } from './loopback-client';
import { Level, Route, routeName, ROUTES, Target } from './cross-user-routes';

const LEVELS: Level[] = ['READ', 'EDIT', 'MANAGE'];
const atLeast = (held: Level, need: Level) => LEVELS.indexOf(held) >= LEVELS.indexOf(need);
const NOT_FOUND = { status: 404, error_code: 'RESOURCE_DOES_NOT_EXIST' };

/** Ids no experiment, run or model has, in the same shapes as real ones. */
const MISSING = { exp: '987654321', expName: `no-such-experiment-${randomUUID()}`, run: 'f'.repeat(32), model: `m-${'e'.repeat(32)}`, spareModel: `m-${'d'.repeat(32)}` };

async function send(r: Route, t: Target, auth: string): Promise<JsonResponse<Record<string, unknown>>> {
  if (r.bytes === undefined) return call(r.method, r.path(t), { auth, body: r.body?.(t) });
  const res = await fetch(`${stackEnv().gatewayUrl}${r.path(t)}`, { method: r.method, headers: { authorization: auth, 'content-type': 'application/octet-stream' }, body: r.bytes });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

const summary = (res: JsonResponse<Record<string, unknown>>) => `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;

/**
 * Object-level access control on the real stack, through the gateway only: user B probes user A's
 * experiment by every route that touches it, with no grant, READ, EDIT, MANAGE, and after the
 * grant is deleted. Without READ, B's answers must be exactly those for ids that do not exist.
 */
describe('user B against user A’s experiment, by every route', () => {
  const suffix = randomUUID().slice(0, 8);
  const users = { a: `xa-${suffix}`, b: `xb-${suffix}`, c: `xc-${suffix}` };
  const password = (u: string) => `pw-${u}-${suffix}`;
  const asA = basicAuth(users.a, password(users.a));
  const asB = basicAuth(users.b, password(users.b));
  let bUserId: string;
  let t: Target;
  let missing: Target;
  let gatewayDb: Client;
  let trackingDb: Client;

  /** B's grant as tracking's own projection of authz events holds it (null: none). */
  const grantInTracking = async () =>
    (
      await trackingDb.query<{ permission: Level }>(
        `SELECT permission FROM access_grants WHERE subject_kind = 'principal' AND subject_id = $1 AND resource_type = 'experiment' AND resource_pattern = $2`,
        [bUserId, t.exp],
      )
    ).rows[0]?.permission ?? null;
  const awaitGrant = (permission: Level | null) => waitFor(`B's grant ${permission} projected by tracking`, async () => (await grantInTracking()) === permission, 30_000, 50);

  /** As the admin (bootstrap key): MLflow's experiment permission routes. */
  const admin = (method: string, path: string, body: Record<string, unknown>) =>
    call(method, `/api/2.0/mlflow/experiments/permissions/${path}`, { body: { experiment_id: t.exp, username: users.b, ...body } });

  const asUser = async <T = Record<string, unknown>>(auth: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await call<T>(method, path, { auth, body });
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    gatewayDb = new Client({ connectionString: pgUrl('custos_gateway', infraEnv()) });
    trackingDb = new Client({ connectionString: pgUrl('custos_tracking', infraEnv()) });
    await Promise.all([gatewayDb.connect(), trackingDb.connect()]);

    for (const u of Object.values(users)) {
      const created = await call<{ user: { id: string } }>('POST', '/api/2.0/mlflow/users/create', { body: { username: u, password: password(u) } });
      expect(created.status).toBe(200);
      if (u === users.b) bUserId = created.body.user.id;
    }
    await waitFor('A and B known to the gateway', async () => (await gatewayDb.query(`SELECT 1 FROM gw_users WHERE username = ANY($1) AND NOT deleted`, [[users.a, users.b]])).rowCount === 2);

    // A's experiment with everything in it.
    const expName = `xuser-${suffix}`;
    const { experiment_id: exp } = await asUser<{ experiment_id: string }>(asA, 'POST', '/api/2.0/mlflow/experiments/create', { name: expName, tags: [{ key: 'owner', value: 'a' }] });
    const { run } = await asUser<{ run: { info: { run_id: string } } }>(asA, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: exp, start_time: Date.now() });
    const runId = run.info.run_id;
    await asUser(asA, 'POST', '/api/2.0/mlflow/runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'loss', value: 0.5, timestamp: Date.now(), step: 1 }],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 'stage', value: 'a' }],
    });
    await asUser(asA, 'POST', '/api/2.0/mlflow/runs/log-inputs', {
      run_id: runId,
      datasets: [{ tags: [], dataset: { name: 'a-data', digest: 'a1', source_type: 'local', source: '{"uri":"a"}' } }],
    });
    const upload = await fetch(`${stackEnv().gatewayUrl}/api/2.0/mlflow-artifacts/artifacts/${exp}/${runId}/artifacts/a/data.txt`, {
      method: 'PUT',
      headers: { authorization: asA },
      body: 'a secret',
    });
    expect(upload.status).toBe(200);
    const model = async (name: string) =>
      (await asUser<{ model: { info: { model_id: string } } }>(asA, 'POST', '/api/2.0/mlflow/logged-models', { experiment_id: exp, name, source_run_id: runId })).model.info.model_id;
    const modelId = await model('a-model');
    const spareModel = await model('a-spare');
    const modelUpload = await fetch(`${stackEnv().gatewayUrl}/api/2.0/mlflow-artifacts/artifacts/${exp}/models/${modelId}/artifacts/model.txt`, {
      method: 'PUT',
      headers: { authorization: asA },
      body: 'a model',
    });
    expect(modelUpload.status).toBe(200);
    // B's own experiment and run, from which B links data to A's model.
    const { experiment_id: ownExp } = await asUser<{ experiment_id: string }>(asB, 'POST', '/api/2.0/mlflow/experiments/create', { name: `xuser-b-${suffix}` });
    const own = await asUser<{ run: { info: { run_id: string } } }>(asB, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: ownExp });
    t = { exp, expName, run: runId, model: modelId, spareModel, otherUser: users.c, ownRun: own.run.info.run_id };
    missing = { ...MISSING, otherUser: users.c, ownRun: t.ownRun };
  });

  afterAll(async () => {
    await Promise.all([gatewayDb?.end(), trackingDb?.end()]);
  });

  /**
   * The missing-id answer with A's ids put in place of the missing ones: what B must see, byte for
   * byte. (Missing ids are distinctive, so the rewrite cannot touch anything else.)
   */
  const withTheirIds = (res: JsonResponse<Record<string, unknown>>) => {
    let text = JSON.stringify(res.body);
    for (const key of ['spareModel', 'model', 'run', 'expName', 'exp'] as const) text = text.split(missing[key]).join(t[key]);
    return `${res.status} ${text}`;
  };
  const exact = (res: JsonResponse<Record<string, unknown>>) => `${res.status} ${JSON.stringify(res.body)}`;

  /** B without READ: every route answers as for ids that do not exist, and searches show nothing. */
  async function expectLooksMissing(): Promise<void> {
    const failures: string[] = [];
    for (const r of ROUTES) {
      const theirs = await send(r, t, asB);
      const none = await send(r, missing, asB);
      const name = routeName(r);
      if (exact(theirs) !== withTheirIds(none)) failures.push(`${name}: answers ${summary(theirs)}; for a missing id ${summary(none)}`);
      if (r.shows) {
        if (theirs.status !== 200 || r.shows(theirs.body, t)) failures.push(`${name}: shows A's things or fails: ${summary(theirs)}`);
      } else {
        const hidden = r.hidden ?? NOT_FOUND;
        if (theirs.status !== hidden.status || theirs.body.error_code !== hidden.error_code) failures.push(`${name}: expected ${hidden.status} ${hidden.error_code}, got ${summary(theirs)}`);
      }
    }
    expect(failures).toEqual([]);
  }

  /** B holding `level`: what it needs is allowed, anything more is PERMISSION_DENIED. */
  async function expectLevel(level: Level): Promise<void> {
    const failures: string[] = [];
    for (const r of ROUTES) {
      const res = await send(r, t, asB);
      const name = routeName(r);
      if (atLeast(level, r.need)) {
        const status = r.allowedStatus ?? 200;
        if (res.status !== status) failures.push(`${name}: needs ${r.need}, B holds ${level}; expected ${status}, got ${summary(res)}`);
        if (r.shows && !r.shows(res.body, t)) failures.push(`${name}: does not show A's things to a reader: ${summary(res)}`);
      } else if (res.status !== 403 || res.body.error_code !== 'PERMISSION_DENIED') {
        failures.push(`${name}: needs ${r.need}, B holds ${level}; expected 403 PERMISSION_DENIED, got ${summary(res)}`);
      }
    }
    expect(failures).toEqual([]);
  }

  it('lets A, the creator, do what B is about to be refused', async () => {
    const got = await call<{ experiment: { name: string } }>('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${t.exp}`, { auth: asA });
    expect(got.status).toBe(200);
    expect(got.body.experiment.name).toBe(t.expName);
    const file = await fetch(`${stackEnv().gatewayUrl}/api/2.0/mlflow-artifacts/artifacts/${t.exp}/${t.run}/artifacts/a/data.txt`, { headers: { authorization: asA } });
    expect(await file.text()).toBe('a secret');
  });

  it('without a grant, B gets the answers of ids that do not exist, and searches show B nothing', async () => {
    expect(await grantInTracking()).toBeNull();
    await expectLooksMissing();
  });

  it('with READ, B reads everything and every write is PERMISSION_DENIED', async () => {
    expect((await admin('POST', 'create', { permission: 'READ' })).status).toBe(200);
    await awaitGrant('READ');
    await expectLevel('READ');
    const file = await fetch(`${stackEnv().gatewayUrl}/api/2.0/mlflow-artifacts/artifacts/${t.exp}/${t.run}/artifacts/a/data.txt`, { headers: { authorization: asB } });
    expect(await file.text()).toBe('a secret');
  });

  it('with EDIT, B writes but may not delete nor manage permissions', async () => {
    expect((await admin('PATCH', 'update', { permission: 'EDIT' })).status).toBe(200);
    await awaitGrant('EDIT');
    await expectLevel('EDIT');
    const run = await call<{ run: { data: { tags: { key: string }[] } } }>('GET', `/api/2.0/mlflow/runs/get?run_id=${t.run}`, { auth: asA });
    expect(run.body.run.data.tags.map((x) => x.key)).toContain('b-batch');
  });

  it('with MANAGE, B does everything, deletes and permission management included', async () => {
    expect((await admin('PATCH', 'update', { permission: 'MANAGE' })).status).toBe(200);
    await awaitGrant('MANAGE');
    await expectLevel('MANAGE');
    const spare = await call('GET', `/api/2.0/mlflow/logged-models/${t.spareModel}`, { auth: asA });
    expect(spare.status).toBe(404);
  });

  it('once the grant is deleted, B is back to "does not exist"', async () => {
    expect((await admin('DELETE', 'delete', {})).status).toBe(200);
    await awaitGrant(null);
    await expectLooksMissing();
  });
});

/**
 * A signed-in non-admin against the administrative reads of every service, through the gateway:
 * other people's accounts, keys, permissions and roles, the roster, settings, identity providers,
 * IP rules and the audit log are refused (403, or the 404 of "not found" where a handler hides
 * what the caller may not see), while its own account stays readable. MLflow answers users/list
 * with 403 to a non-admin; Custos used to list everyone.
 */
describe('a non-admin against administrative reads', () => {
  const suffix = randomUUID().slice(0, 8);
  const users = { d: `xd-${suffix}`, e: `xe-${suffix}` };
  const password = (u: string) => `pw-${u}-${suffix}`;
  const asD = basicAuth(users.d, password(users.d));
  const ids: Record<string, string> = {};
  let eKeyId: string;
  let gatewayDb: Client;

  beforeAll(async () => {
    gatewayDb = new Client({ connectionString: pgUrl('custos_gateway', infraEnv()) });
    await gatewayDb.connect();
    for (const u of Object.values(users)) {
      const created = await call<{ user: { id: string } }>('POST', '/api/2.0/mlflow/users/create', { body: { username: u, password: password(u) } });
      expect(created.status).toBe(200);
      ids[u] = created.body.user.id;
    }
    const key = await call<{ apiKey: { keyId: string } }>('POST', '/api/authz/api-keys', { body: { ownerUsername: users.e, name: 'e-key' } });
    expect(key.status).toBe(201);
    eKeyId = key.body.apiKey.keyId;
    await waitFor('D known to the gateway', async () => (await gatewayDb.query(`SELECT 1 FROM gw_users WHERE username = $1 AND NOT deleted`, [users.d])).rowCount === 1);
  });
  afterAll(() => gatewayDb?.end());

  it('refuses every administrative read, whichever service serves it', async () => {
    const e = users.e;
    const refused: [string, number][] = [
      ['/api/2.0/mlflow/users/list', 403],
      ['/ajax-api/2.0/mlflow/users/list', 403],
      [`/api/2.0/mlflow/users/get?username=${e}`, 403],
      [`/api/3.0/mlflow/users/permissions/list?username=${e}`, 403],
      [`/api/3.0/mlflow/users/permissions/get?username=${e}&resource_type=experiment&resource_id=1`, 403],
      [`/api/3.0/mlflow/users/roles/list?username=${e}`, 403],
      ['/api/3.0/mlflow/roles/list', 403],
      ['/api/3.0/mlflow/roles/get?role_id=1', 403],
      ['/api/3.0/mlflow/roles/permissions/list?role_id=1', 403],
      ['/api/3.0/mlflow/roles/users/list?role_id=1', 403],
      ['/api/authz/users', 403],
      [`/api/authz/users/${ids[e]}`, 404],
      ['/api/authz/service-accounts', 403],
      [`/api/authz/service-accounts/${ids[e]}`, 403],
      [`/api/authz/api-keys/${eKeyId}`, 404],
      ['/api/authz/roles', 403],
      ['/api/authz/grants', 403],
      ['/api/authz/settings/default-permission', 403],
      ['/api/authz/identity-providers', 403],
      ['/api/authz/auth-failures', 403],
      ['/api/gateway/ip-rules', 403],
      ['/api/audit/events?limit=1', 403],
      ['/api/audit/verify', 403],
      ['/api/audit/checkpoints/latest', 403],
    ];
    const answers = [];
    for (const [path] of refused) answers.push([path, (await call('GET', path, { auth: asD })).status]);
    expect(answers).toEqual(refused);
    // A non-admin asking for someone else's keys gets its own (none), not theirs.
    const keys = await call<{ apiKeys: { keyId: string }[] }>('GET', `/api/authz/api-keys?ownerId=${ids[e]}`, { auth: asD });
    expect([keys.status, keys.body.apiKeys.map((k) => k.keyId)]).toEqual([200, []]);
  });

  it('lets the non-admin read itself', async () => {
    const d = users.d;
    for (const path of [
      `/api/2.0/mlflow/users/get?username=${d}`,
      '/api/2.0/mlflow/users/current',
      `/api/3.0/mlflow/users/permissions/list?username=${d}`,
      `/api/3.0/mlflow/users/roles/list?username=${d}`,
      '/api/3.0/mlflow/users/current/permissions',
      `/api/authz/users/${ids[d]}`,
      '/api/authz/api-keys',
    ]) {
      expect([path, (await call('GET', path, { auth: asD })).status]).toEqual([path, 200]);
    }
  });

  it("shows the creator MANAGE on its new experiment, as MLflow's permissions/get does", async () => {
    const created = await call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { auth: asD, body: { name: `xd-own-${suffix}` } });
    expect(created.status).toBe(200);
    const exp = created.body.experiment_id;
    const read = (auth?: string) => call<{ experiment_permission: unknown }>('GET', `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${exp}&username=${users.d}`, auth ? { auth } : {});
    // Authz learns the creator from tracking's event.
    const own = await waitFor('creator known to authz', async () => {
      const r = await read(asD);
      return r.status === 200 ? r : undefined;
    });
    expect(own.body).toEqual({ experiment_permission: { experiment_id: exp, user_id: ids[users.d], permission: 'MANAGE' } });
    expect((await read()).body).toEqual(own.body);
  });
});
