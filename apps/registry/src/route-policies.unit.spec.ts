import { parseConfig } from '@custos/platform';
import { createLogger } from '@custos/platform';
import { listRoutePolicies, offlineServiceEnv } from '@custos/testing';
import { RegistryModule, registryService } from './app.module';

// Deny by default: every route of the service declares its policy (or is explicitly public).
describe('registry route policies', () => {
  it('declares a policy on every registered route', async () => {
    const config = parseConfig(registryService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(RegistryModule.forRoot(config as never, createLogger('registry', 'silent')));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.policy === 'missing')).toEqual([]);
    expect(
      routes
        .filter((r) => r.policy === 'public')
        .map((r) => r.route)
        .sort(),
    ).toEqual(['0 /health/live', '0 /health/ready']);
  });
});
