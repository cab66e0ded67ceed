import { parseConfig } from '@custos/platform';
import { createLogger } from '@custos/platform';
import { listRoutePolicies, offlineServiceEnv } from '@custos/testing';
import { GatewayModule, gatewayService } from './app.module';

/** The AI call routes (decision 043), by their listed spelling. */
const AI_CALL_ROUTE = / \/(v1\/|api\/2\.0\/endpoints\/|endpoints\/|gateway\/)/;

// Deny by default: every route of the service declares its policy (or is explicitly public).
describe('gateway route policies', () => {
  it('declares a policy on every registered route', async () => {
    const config = parseConfig(gatewayService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(GatewayModule.forRoot(config as never, createLogger('gateway', 'silent')));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.policy === 'missing')).toEqual([]);
    expect(
      routes
        .filter((r) => r.policy === 'public')
        .map((r) => r.route)
        .sort(),
    ).toEqual(['0 /health/live', '0 /health/ready']);
  });

  // The gateway's own API (IP rules, AI credentials) is administration, reads included; an existing AI
  // endpoint is a `gateway_route` resource (USE to read, EDIT to change, MANAGE to delete); the API's
  // documentation is for any signed-in caller.
  it('makes every API route admin-only, except the documentation and the AI endpoints', async () => {
    const config = parseConfig(gatewayService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(GatewayModule.forRoot(config as never, createLogger('gateway', 'silent')));
    const docs = ['0 /api/openapi.json', '0 /api/docs', '0 /api/docs/:file'];
    const api = routes.filter((r) => r.route.includes(' /api/gateway/'));
    expect(api.length).toBeGreaterThan(0);
    const onRoute = (permission: string) => ({ kind: 'resource', resourceType: 'gateway_route', permission });
    const endpoints: Record<string, unknown> = {
      '0 /api/gateway/ai/endpoints/': onRoute('USE'),
      '0 /api/gateway/ai/endpoints/:name': onRoute('USE'),
      '2 /api/gateway/ai/endpoints/:name': onRoute('EDIT'),
      '3 /api/gateway/ai/endpoints/:name': onRoute('MANAGE'),
    };
    expect(api.filter((r) => r.action?.kind !== 'admin').map((r) => [r.route, r.action])).toEqual(Object.entries(endpoints));
    expect(api.filter((r) => r.route === '1 /api/gateway/ai/endpoints/').map((r) => r.action)).toEqual([{ kind: 'admin' }]);
    expect(api.filter((r) => r.route.includes('/ai/secrets')).length).toBe(5);
    // MLflow 3's gateway secrets API, under both prefixes: administration too.
    const mlflowSecrets = routes.filter((r) => r.route.includes('/mlflow/gateway/secrets/'));
    expect(mlflowSecrets.length).toBe(10);
    expect(mlflowSecrets.filter((r) => r.action?.kind !== 'admin')).toEqual([]);
    expect(routes.filter((r) => docs.includes(r.route)).map((r) => r.action)).toEqual(docs.map(() => ({ kind: 'authenticated' })));
  });

  // MLflow's web UI and its informational routes: anyone signed in, nothing more (no scope needed).
  it('lets any authenticated caller load the web UI and the MLflow info routes', async () => {
    const config = parseConfig(gatewayService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(GatewayModule.forRoot(config as never, createLogger('gateway', 'silent')));
    const ui = routes.filter((r) => !r.route.includes(' /api/gateway/') && !r.route.includes('/mlflow/gateway/') && !r.route.includes(' /health/') && !AI_CALL_ROUTE.test(r.route));
    expect(ui.map((r) => r.route)).toEqual(expect.arrayContaining(['0 /', '0 /static-files/*rest', '0 /ajax-api/3.0/mlflow/server-info']));
    expect(ui.filter((r) => r.action?.kind !== 'authenticated' || r.action.scope).map((r) => r.route)).toEqual([]);
  });

  // Calling an AI endpoint, or listing those one may call, is USE on a gateway route: a scoped key needs gateway_routes:use, the endpoint itself is checked per call.
  it('makes every AI call route need USE on gateway routes', async () => {
    const config = parseConfig(gatewayService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(GatewayModule.forRoot(config as never, createLogger('gateway', 'silent')));
    const ai = routes.filter((r) => AI_CALL_ROUTE.test(r.route));
    expect(ai.map((r) => r.route).sort()).toEqual(
      [
        '1 /v1/chat/completions',
        '1 /v1/completions',
        '1 /v1/embeddings',
        '0 /v1/models',
        '0 /v1/models/:model',
        '1 /v1/messages',
        '0 /api/2.0/endpoints/',
        '0 /api/2.0/endpoints/:name',
        '1 /endpoints/:name/invocations',
        '1 /gateway/:name/mlflow/invocations',
        '1 /gateway/mlflow/v1/chat/completions',
      ].sort(),
    );
    expect(ai.filter((r) => JSON.stringify(r.action) !== JSON.stringify({ kind: 'resource', resourceType: 'gateway_route', permission: 'USE' })).map((r) => r.route)).toEqual([]);
  });
});
