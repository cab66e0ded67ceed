import { randomUUID } from 'node:crypto';
import { call, waitFor } from '@custos/testing';
import { basicAuth } from './loopback-client';

interface AuditEntry {
  type: string;
  actorId: string;
  correlationId: string;
  data: { reason: string; status: number; method: string; path: string; detail?: string };
}

/**
 * A refusal decided inside a service (tracking's object-level check) reaches audit as a
 * gateway.RequestDenied with the policy's reason, including the refusals dressed as "not found",
 * while the caller sees nothing but the disguise.
 */
describe('denials decided by services are audited', () => {
  const suffix = randomUUID().slice(0, 8);
  const a = { name: `den-a-${suffix}`, pw: `pw-a-${suffix}` };
  const b = { name: `den-b-${suffix}`, pw: `pw-b-${suffix}` };
  let bId: string;
  let exp: string;

  /** The denial recorded under the gateway's own request id, which it answers in x-correlation-id. */
  const audited = (correlationId: string | null) =>
    waitFor(`denial ${correlationId} in audit`, async () => {
      const r = await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`);
      return r.body.entries?.find((e) => e.type === 'gateway.RequestDenied');
    });

  beforeAll(async () => {
    for (const u of [a, b]) {
      const created = await call<{ user: { id: string } }>('POST', '/api/2.0/mlflow/users/create', { body: { username: u.name, password: u.pw } });
      expect(created.status).toBe(200);
      if (u === b) bId = created.body.user.id;
    }
    const created = await waitFor('A can sign in and create an experiment', async () => {
      const r = await call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { auth: basicAuth(a.name, a.pw), body: { name: `den-${suffix}` } });
      return r.status === 200 ? r.body : undefined;
    });
    exp = created.experiment_id;
    await waitFor('B can sign in', async () => (await call('GET', '/api/2.0/mlflow/users/current', { auth: basicAuth(b.name, b.pw) })).status === 200);
  });

  it('a hidden experiment answers 404 to B, with no trace of the denial header, and audit records why', async () => {
    const r = await call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${exp}`, { auth: basicAuth(b.name, b.pw) });
    expect(r.status).toBe(404);
    const correlationId = r.headers.get('x-correlation-id');
    expect(r.headers.get('x-custos-denial')).toBeNull();
    const entry = await audited(correlationId);
    expect(entry).toMatchObject({ actorId: bId, data: { reason: 'forbidden', status: 404, method: 'GET', path: '/api/2.0/mlflow/experiments/get' } });
    expect(entry.data.detail).toMatch(new RegExp(`lacks READ on experiment ${exp}`));
  });

  it('a write B may not make answers 403 and is audited with the level B holds', async () => {
    expect((await call('POST', '/api/2.0/mlflow/experiments/permissions/create', { body: { experiment_id: exp, username: b.name, permission: 'READ' } })).status).toBe(200);
    await waitFor('B reads the experiment', async () => (await call('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${exp}`, { auth: basicAuth(b.name, b.pw) })).status === 200);
    const r = await call('POST', '/api/2.0/mlflow/experiments/update', {
      auth: basicAuth(b.name, b.pw),
      body: { experiment_id: exp, new_name: `den-renamed-${suffix}` },
    });
    expect(r.status).toBe(403);
    const correlationId = r.headers.get('x-correlation-id');
    const entry = await audited(correlationId);
    expect(entry).toMatchObject({ actorId: bId, data: { reason: 'forbidden', status: 403 } });
    expect(entry.data.detail).toMatch(/lacks (EDIT|MANAGE) on experiment .*has READ/);
  });

  it('an ordinary miss is not a denial', async () => {
    const r = await call('GET', '/api/2.0/mlflow/experiments/get?experiment_id=987654321', { auth: basicAuth(a.name, a.pw) });
    expect(r.status).toBe(404);
    const correlationId = r.headers.get('x-correlation-id');
    // The request itself is in audit only if something was recorded; give the pipeline time, then look.
    await new Promise((done) => setTimeout(done, 1500));
    const entries = await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`);
    expect(entries.body.entries ?? []).toEqual([]);
  });
});
