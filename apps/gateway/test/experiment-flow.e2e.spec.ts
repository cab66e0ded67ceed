import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { topicFor } from '@custos/events';
import { call, collect, infraEnv, pgUrl, stackEnv, testKafka, waitFor } from '@custos/testing';

interface AuditEntry {
  type: string;
  actorId: string;
  actorType: string;
  correlationId: string;
  clientCorrelationId?: string;
  clientIp?: string;
  eventId: string;
  data: Record<string, unknown>;
}

/**
 * The walking skeleton on the real stack: gateway → tracking (event appended, read model updated)
 * → outbox → Kafka → audit (hash chain) and registry (its own projection) → audit query via gateway.
 */
describe('create an experiment through the gateway and find it in audit', () => {
  // What the client sends is recorded as the client's; the gateway's own request id is the key.
  const clientCorrelationId = `e2e-${randomUUID()}`;
  let correlationId: string;
  const name = `e2e-experiment-${randomUUID()}`;
  let experimentId: string;

  it('creates the experiment through the gateway and reads it back', async () => {
    const created = await call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', {
      body: { name, tags: [{ key: 'team', value: 'e2e' }] },
      headers: { 'x-correlation-id': clientCorrelationId },
    });
    expect(created.status).toBe(200);
    correlationId = created.headers.get('x-correlation-id')!;
    expect(correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    experimentId = created.body.experiment_id;
    const got = await call<{ experiment: { name: string; tags: unknown[] } }>('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`);
    expect(got.status).toBe(200);
    expect(got.body.experiment).toMatchObject({ name, tags: [{ key: 'team', value: 'e2e' }] });
  });

  it('publishes the event to Kafka, keyed by its stream', async () => {
    // Only the newest message is looked at: scanning them all on every arrival is quadratic in the topic's length.
    const msgs = await collect(testKafka(), topicFor('tracking'), (m) => m[m.length - 1].value?.toString().includes(correlationId) ?? false);
    const mine = msgs.find((x) => x.value!.toString().includes(correlationId))!;
    expect(mine.key!.toString()).toBe(`experiment-${experimentId}`);
    expect(JSON.parse(mine.value!.toString())).toMatchObject({ type: 'tracking.ExperimentCreated', metadata: { correlationId, clientCorrelationId } });
  });

  it('lands in audit with actor and correlation id, readable through the gateway', async () => {
    const entry = await waitFor('audit entry', async () => {
      const r = await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`);
      return r.body.entries?.find((e) => e.type === 'tracking.ExperimentCreated');
    });
    expect(entry).toMatchObject({ actorId: 'bootstrap-admin', actorType: 'user', correlationId, clientCorrelationId, clientIp: '127.0.0.1', data: { experimentId, name } });
    // The client's id keys nothing: no audit entry carries it as its correlation id.
    expect((await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${clientCorrelationId}`)).body.entries).toEqual([]);
    const verify = await call<{ ok: boolean; checked: number }>('GET', '/api/audit/verify');
    expect(verify.body.ok).toBe(true);
    expect(verify.body.checked).toBeGreaterThan(0);
  });

  it('reaches the registry, which keeps its own projection of tracking', async () => {
    const db = new Client({ connectionString: pgUrl('custos_registry', infraEnv()) });
    await db.connect();
    try {
      const row = await waitFor('registry lineage row', async () => (await db.query<{ name: string }>(`SELECT name FROM lineage_experiments WHERE experiment_id = $1`, [experimentId])).rows[0]);
      expect(row.name).toBe(name);
    } finally {
      await db.end();
    }
  });
});

describe('the edge refuses what it must', () => {
  it('answers 401 with WWW-Authenticate and records the denial in audit, without the secret', async () => {
    const clientCorrelationId = `e2e-denied-${randomUUID()}`;
    const secret = `wrong-${randomUUID()}`;
    const r = await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=0', {
      auth: `Basic ${Buffer.from(`mallory:${secret}`).toString('base64')}`,
      headers: { 'x-correlation-id': clientCorrelationId },
    });
    expect(r.status).toBe(401);
    const correlationId = r.headers.get('x-correlation-id');
    expect(correlationId).not.toBe(clientCorrelationId);
    expect(r.headers.get('www-authenticate')).toMatch(/Basic/);
    expect(r.body).toEqual({
      error_code: 'UNAUTHENTICATED',
      message: 'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.',
    });
    const entry = await waitFor('denial in audit', async () => {
      const a = await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`);
      return a.body.entries?.[0];
    });
    expect(entry).toMatchObject({ type: 'gateway.RequestDenied', correlationId, clientCorrelationId, data: { reason: 'invalid_credentials', claimedAccount: 'mallory', credentialKind: 'basic' } });
    expect(JSON.stringify(entry)).not.toContain(secret);
  });

  it('services refuse calls that do not carry the gateway-signed token', async () => {
    const env = stackEnv();
    for (const [svc, path] of [
      ['tracking', '/api/2.0/mlflow/experiments/get?experiment_id=0'],
      ['audit', '/api/audit/events'],
    ] as const) {
      const direct = await call('GET', `${env.serviceUrl[svc]}${path}`, { auth: `Bearer ${env.adminKey}` });
      expect(direct.status).toBe(401);
      const forged = await call('GET', `${env.serviceUrl[svc]}${path}`, { auth: null, headers: { 'x-custos-internal-token': 'eyJ2IjoxfQ.forged' } });
      expect(forged.status).toBe(401);
    }
  });

  it('answers unknown public routes with 404 and an error code', async () => {
    const r = await call('GET', '/api/2.0/mlflow-nope/x');
    expect(r.status).toBe(404);
  });

  it('keeps audit readable by auditors and admins only (the bootstrap admin may)', async () => {
    const r = await call('GET', '/api/audit/events?limit=1');
    expect(r.status).toBe(200);
    const bad = await call('GET', '/api/audit/events?limit=0');
    expect(bad.status).toBe(400);
  });
});

describe('every service is healthy and observable', () => {
  it.each(['tracking', 'registry', 'authz', 'audit'] as const)('%s answers ready and serves metrics on its metrics listener only', async (svc) => {
    const base = stackEnv().serviceUrl[svc];
    const ready = await call<{ status: string; checks: Record<string, boolean> }>('GET', `${base}/health/ready`, { auth: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ postgres: true, kafka: true });
    const metrics = await fetch(stackEnv().metricsUrl[svc]);
    expect(await metrics.text()).toContain('custos_http_request_duration_seconds');
    // The API port has no /metrics: without an internal token it is a 401, like any path.
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
  });
});
