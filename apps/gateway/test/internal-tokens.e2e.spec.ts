import { randomUUID } from 'node:crypto';
import { INTERNAL_TOKEN_HEADER, InternalAudience, InternalTokenSecret, signInternalToken } from '@custos/platform';
import { Principal } from '@custos/rbac';
import { call, stackEnv } from '@custos/testing';

type Service = 'tracking' | 'registry' | 'authz' | 'audit';
const admin: Principal = { id: 'bootstrap-admin', kind: 'user', roles: ['admin'], groups: [] };

/**
 * What a token captured on loopback is worth: the gateway mints one per forwarded request, for the
 * owning service, method and path only, and each service takes it once (decision 026). Tokens are
 * minted here with the stack's own gateway secret, as the gateway would mint them.
 */
describe('internal tokens are bound to one service and one request', () => {
  const env = stackEnv();
  const secret = InternalTokenSecret.fromBase64(env.secrets.INTERNAL_TOKEN_SECRET);
  const read = '/api/2.0/mlflow/experiments/search?max_results=1';
  const mint = (audience: InternalAudience, method: string, url: string) => signInternalToken(secret, admin, { audience, method, url, correlationId: randomUUID(), clientIp: '127.0.0.1' });
  const direct = (svc: Service, method: string, path: string, token: string | undefined, body?: unknown) =>
    call(method, `${env.serviceUrl[svc]}${path}`, { auth: null, headers: token ? { [INTERNAL_TOKEN_HEADER]: token } : {}, body });

  it('a token minted for a tracking read is refused by audit, by authz and by tracking for a write; it opens its own request once', async () => {
    const captured = await mint('tracking', 'GET', read);
    expect((await direct('audit', 'GET', '/api/audit/events', captured)).status).toBe(401);
    expect((await direct('authz', 'GET', '/api/authz/users', captured)).status).toBe(401);
    expect((await direct('tracking', 'POST', '/api/2.0/mlflow/experiments/create', captured, { name: `e2e-replayed-${randomUUID()}` })).status).toBe(401);
    // The token is genuine: the request it was minted for passes, and only the first time.
    expect((await direct('tracking', 'GET', read, captured)).status).toBe(200);
    const replayed = await direct('tracking', 'GET', read, captured);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toMatchObject({ error_code: 'UNAUTHENTICATED', message: 'internal token already used' });
  });

  it("refuses a token for the very path but another service's audience", async () => {
    expect((await direct('audit', 'GET', '/api/audit/events?limit=1', await mint('tracking', 'GET', '/api/audit/events?limit=1'))).status).toBe(401);
    expect((await direct('audit', 'GET', '/api/audit/events?limit=1', await mint('audit', 'GET', '/api/audit/events?limit=1'))).status).toBe(200);
  });

  it.each(['tracking', 'registry', 'authz', 'audit'] as const)('%s answers 401 to any path without a token (probes stay open), 404 to an unknown one only with a token', async (svc) => {
    for (const path of ['/no/such/route', '/api/2.0/mlflow/nope', '/metrics']) expect([path, (await direct(svc, 'GET', path, undefined)).status]).toEqual([path, 401]);
    expect((await direct(svc, 'GET', '/health/live', undefined)).status).toBe(200);
    expect((await direct(svc, 'GET', '/no/such/route', await mint(svc, 'GET', '/no/such/route'))).status).toBe(404);
  });

  it("serves no /metrics on the gateway's public port (401 unauthenticated, 404 authenticated); its metrics listener does", async () => {
    expect((await call('GET', '/metrics', { auth: null })).status).toBe(401);
    expect((await call('GET', '/metrics')).status).toBe(404);
    const scrape = await fetch(env.metricsUrl.gateway);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('custos_http_request_duration_seconds');
  });

  it('marks JSON answers nosniff and no-store: forwarded, refused at the edge, probes, and refused by a service', async () => {
    const answers = [await call('GET', read), await call('GET', read, { auth: null }), await call('GET', '/health/ready', { auth: null }), await direct('tracking', 'GET', read, undefined)];
    for (const r of answers) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });
});
