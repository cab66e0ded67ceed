import { parseConfig } from '@custos/platform';
import { createLogger } from '@custos/platform';
import { listRoutePolicies, offlineServiceEnv } from '@custos/testing';
import { GatewayModule, gatewayService } from './app.module';

// Deny by default: every route of the service declares its policy (or is explicitly public).
describe('gateway route policies', () => {
  it('declares a policy on every registered route', async () => {
    const config = parseConfig(gatewayService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(GatewayModule.forRoot(config as never, createLogger('gateway', 'silent')));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.policy === 'missing')).toEqual([]);
    expect(routes.filter((r) => r.policy === 'public').map((r) => r.route).sort()).toEqual(['0 /health/live', '0 /health/ready']);
  });

  // The gateway's own API (IP rules) is administration, reads included.
  it('makes every API route admin-only', async () => {
    const config = parseConfig(gatewayService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(GatewayModule.forRoot(config as never, createLogger('gateway', 'silent')));
    const api = routes.filter((r) => r.route.includes(' /api/'));
    expect(api.length).toBeGreaterThan(0);
    expect(api.filter((r) => r.action?.kind !== 'admin').map((r) => r.route)).toEqual([]);
  });
});
