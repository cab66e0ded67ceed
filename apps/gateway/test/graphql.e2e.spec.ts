import { randomUUID } from 'node:crypto';
import { call, stackEnv, waitFor } from '@custos/testing';
import { basicAuth } from './loopback-client';

interface AuditEntry {
  type: string;
  actorId: string;
  data: { reason: string; status: number; method: string; path: string; detail?: string };
}
type Gql = {
  data: Record<string, { run?: { info: { runName: string }; experiment: { name: string }; data: { metrics: { key: string; value: number; step: string }[] } } } | null> | null;
  errors: string[] | null;
};

// The run page's query as MLflow's web UI sends it (useGetRunQuery), trimmed to what is checked.
const GET_RUN = `query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
  mlflowGetRun(input: $data) { run { info { runName status runUuid } experiment { name } data { metrics { key value step timestamp } } } }
}`;

/**
 * MLflow's `/graphql` on the live stack, through the gateway: behind the same authentication as
 * every route, routed to tracking, a field B may not read answered as a missing run with the
 * denial audited, and a malformed document a 400, never a 5xx.
 */
describe('MLflow GraphQL through the gateway', () => {
  const suffix = randomUUID().slice(0, 8);
  const a = { name: `gql-a-${suffix}`, pw: `pw-a-${suffix}` };
  const b = { name: `gql-b-${suffix}`, pw: `pw-b-${suffix}` };
  let bId: string;
  let runId: string;

  beforeAll(async () => {
    for (const u of [a, b]) {
      const created = await call<{ user: { id: string } }>('POST', '/api/2.0/mlflow/users/create', { body: { username: u.name, password: u.pw } });
      expect(created.status).toBe(200);
      if (u === b) bId = created.body.user.id;
    }
    const exp = await waitFor('A can sign in and create an experiment', async () => {
      const r = await call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { auth: basicAuth(a.name, a.pw), body: { name: `gql-${suffix}` } });
      return r.status === 200 ? r.body.experiment_id : undefined;
    });
    const run = await call<{ run: { info: { run_id: string } } }>('POST', '/api/2.0/mlflow/runs/create', { auth: basicAuth(a.name, a.pw), body: { experiment_id: exp, run_name: 'gql-run' } });
    runId = run.body.run.info.run_id;
    const logged = await call('POST', '/api/2.0/mlflow/runs/log-batch', { auth: basicAuth(a.name, a.pw), body: { run_id: runId, metrics: [{ key: 'acc', value: 0.75, timestamp: 1, step: 3 }] } });
    expect(logged.status).toBe(200);
    await waitFor('B can sign in', async () => (await call('GET', '/api/2.0/mlflow/users/current', { auth: basicAuth(b.name, b.pw) })).status === 200);
  });

  it('asks a caller without credentials for them, as every route does', async () => {
    const res = await fetch(`${stackEnv().gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ test(inputString: "x") { output } }' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Basic/);
  });

  it("answers the run page's query to the run's owner", async () => {
    const r = await call<Gql>('POST', '/graphql', { auth: basicAuth(a.name, a.pw), body: { query: GET_RUN, variables: { data: { runId } }, operationName: 'GetRun' } });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeNull();
    const run = r.body.data?.mlflowGetRun?.run;
    expect(run).toMatchObject({ info: { runName: 'gql-run' }, experiment: { name: `gql-${suffix}` }, data: { metrics: [{ key: 'acc', value: 0.75, step: '3' }] } });
  });

  it('answers B, who may not read the run, as for a missing run, and audits the denial', async () => {
    const r = await call<Gql>('POST', '/graphql', { auth: basicAuth(b.name, b.pw), body: { query: GET_RUN, variables: { data: { runId } } } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { mlflowGetRun: null }, errors: [`Run with id=${runId} not found`] });
    expect(r.headers.get('x-custos-denial')).toBeNull();
    const correlationId = r.headers.get('x-correlation-id');
    const entry = await waitFor(`denial ${correlationId} in audit`, async () => {
      const found = await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`);
      return found.body.entries?.find((e) => e.type === 'gateway.RequestDenied');
    });
    expect(entry).toMatchObject({ actorId: bId, data: { reason: 'forbidden', method: 'POST', path: '/graphql' } });
  });

  it('answers a malformed document 400 and a wrongly typed variable with a GraphQL error, never a 5xx', async () => {
    const syntax = await call<Gql>('POST', '/graphql', { auth: basicAuth(a.name, a.pw), body: { query: '{ mlflowGetRun(input: {runId: "x"}' } });
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors?.[0]).toMatch(/^Syntax Error/);
    const wrongType = await call<Gql>('POST', '/graphql', { auth: basicAuth(a.name, a.pw), body: { query: GET_RUN, variables: { data: { runId: ['x'] } } } });
    expect(wrongType.status).toBe(200);
    expect(wrongType.body.data).toBeNull();
    expect(wrongType.body.errors?.length).toBeGreaterThan(0);
    const notJson = await fetch(`${stackEnv().gatewayUrl}/graphql`, { method: 'POST', headers: { authorization: basicAuth(a.name, a.pw), 'content-type': 'application/json' }, body: '{"query": ' });
    expect(notJson.status).toBe(400);
  });
});
