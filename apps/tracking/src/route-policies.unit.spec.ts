import { parseConfig } from '@custos/platform';
import { createLogger } from '@custos/platform';
import { scopeNeedOf } from '@custos/rbac';
import { listRoutePolicies, offlineServiceEnv } from '@custos/testing';
import { TrackingModule, trackingService } from './app.module';

// Deny by default: every route of the service declares its policy (or is explicitly public).
describe('tracking route policies', () => {
  it('declares a policy on every registered route', async () => {
    const config = parseConfig(trackingService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(TrackingModule.forRoot(config as never, createLogger('tracking', 'silent')));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.policy === 'missing')).toEqual([]);
    expect(
      routes
        .filter((r) => r.policy === 'public')
        .map((r) => r.route)
        .sort(),
    ).toEqual(['0 /health/live', '0 /health/ready']);
  });

  // Everything tracking serves is in the experiments area of a key's scopes; no route is open to any key.
  it('needs an experiments scope on every route', async () => {
    const config = parseConfig(trackingService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(TrackingModule.forRoot(config as never, createLogger('tracking', 'silent')));
    const declared = routes.filter((r) => r.action);
    expect(declared.length).toBeGreaterThan(10);
    expect(declared.filter((r) => scopeNeedOf(r.action!)?.area !== 'experiments').map((r) => r.route)).toEqual([]);
  });
});
