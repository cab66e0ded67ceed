import { randomUUID } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import { INTERNAL_OPENAPI_PATH, INTERNAL_TOKEN_HEADER, InternalTokenSecret, openApiProblems, signInternalToken, undocumentedOperations } from '@custos/platform';
import { Principal } from '@custos/rbac';
import { call, stackEnv, waitFor } from '@custos/testing';
import { routeFor, Upstream } from '../src/domain/route-table';

const SERVICES: Upstream[] = ['tracking', 'registry', 'authz', 'audit'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'] as const;
const operations = (doc: OpenAPIObject) => Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, key: `${m.toUpperCase()} ${path}` })));

/**
 * The public OpenAPI document, fetched through the gateway as a client would: behind the same
 * authentication, structurally valid, and holding every operation each live service documents for
 * the paths the gateway routes to it (each service's own test checks its document covers its routes).
 */
describe('OpenAPI at the gateway', () => {
  const env = stackEnv();
  const gatewaySecret = InternalTokenSecret.fromBase64(env.secrets.INTERNAL_TOKEN_SECRET);
  const system: Principal = { id: 'e2e', kind: 'system', roles: [], groups: [] };
  let merged: OpenAPIObject;

  beforeAll(async () => {
    await waitFor('merged document collected', async () => (await call('GET', '/api/openapi.json')).status === 200, 60_000, 250);
    merged = (await call<OpenAPIObject>('GET', '/api/openapi.json')).body;
  });

  it('asks for credentials like every route, for the document and the page', async () => {
    for (const path of ['/api/openapi.json', '/api/docs', '/api/docs/swagger-ui-bundle.js']) {
      const r = await call('GET', path, { auth: null });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toContain('Basic');
    }
  });

  it('is a valid OpenAPI 3 document in which every operation has its shapes', () => {
    expect(merged.openapi).toMatch(/^3\./);
    expect(openApiProblems(merged)).toEqual([]);
    expect(undocumentedOperations(merged)).toEqual([]);
    const listed = new Set(operations(merged).map((o) => o.key));
    for (const route of ['POST /api/2.0/mlflow/runs/log-batch', 'POST /ajax-api/2.0/mlflow/runs/log-batch', 'GET /api/2.0/mlflow/users/current', 'GET /api/audit/events', 'GET /api/openapi.json']) {
      expect(listed).toContain(route);
    }
  });

  it.each(SERVICES)('holds every operation %s documents for the paths the gateway sends it', async (service) => {
    const token = await signInternalToken(gatewaySecret, system, { audience: service, method: 'GET', url: INTERNAL_OPENAPI_PATH, correlationId: randomUUID() });
    // Like every path of a service: not without the gateway's token for it.
    expect((await call('GET', `${env.serviceUrl[service]}${INTERNAL_OPENAPI_PATH}`, { auth: null })).status).toBe(401);
    const own = await call<OpenAPIObject>('GET', `${env.serviceUrl[service]}${INTERNAL_OPENAPI_PATH}`, { auth: null, headers: { [INTERNAL_TOKEN_HEADER]: token } });
    expect(own.status).toBe(200);
    const listed = new Set(operations(merged).map((o) => o.key));
    const routed = operations(own.body).filter((o) => routeFor(o.path) === service);
    expect(routed.filter((o) => !listed.has(o.key)).map((o) => o.key)).toEqual([]);
    // What the gateway does not route to the service is its probes, nothing else.
    expect(
      operations(own.body)
        .filter((o) => routeFor(o.path) !== service)
        .map((o) => o.key)
        .sort(),
    ).toEqual(['GET /health/live', 'GET /health/ready']);
  });

  it('serves Swagger UI over the document, and not the services’ internal path', async () => {
    const page = await fetch(`${env.gatewayUrl}/api/docs`, { headers: { authorization: `Bearer ${env.adminKey}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/api/docs/swagger-ui-bundle.js');
    const script = await fetch(`${env.gatewayUrl}/api/docs/swagger-ui-bundle.js`, { headers: { authorization: `Bearer ${env.adminKey}` } });
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    expect((await call('GET', '/api/docs/package.json')).status).toBe(404);
    expect((await call('GET', INTERNAL_OPENAPI_PATH)).status).toBe(404);
  });
});
