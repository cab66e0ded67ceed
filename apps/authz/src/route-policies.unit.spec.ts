import { parseConfig } from '@custos/platform';
import { createLogger } from '@custos/platform';
import { scopeNeedOf } from '@custos/rbac';
import { listRoutePolicies, offlineServiceEnv } from '@custos/testing';
import { AuthzModule, authzService } from './app.module';

// Deny by default: every route of the service declares its policy (or is explicitly public).
describe('authz route policies', () => {
  it('declares a policy on every registered route', async () => {
    const config = parseConfig(authzService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(AuthzModule.forRoot(config as never, createLogger('authz', 'silent')));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.policy === 'missing')).toEqual([]);
    expect(routes.filter((r) => r.policy === 'public').map((r) => r.route).sort()).toEqual(['0 /health/live', '0 /health/ready']);
  });

  // Any API key, whatever its scopes, may call these; every other route names the scope it needs.
  it('lets only "who am I" and handler-checked grants through without a key scope', async () => {
    const config = parseConfig(authzService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(AuthzModule.forRoot(config as never, createLogger('authz', 'silent')));
    const anyKey = routes.filter((r) => r.action && scopeNeedOf(r.action) === undefined).map((r) => r.route);
    expect(anyKey.sort()).toEqual([
      // GET users/current: the caller's own identity.
      '0 /ajax-api/2.0/mlflow/users/current',
      '0 /api/2.0/mlflow/users/current',
      // permissions grant/revoke: the resource type is in the body; the handler checks MANAGE on it through `authorize`, key scope included.
      '1 /ajax-api/3.0/mlflow/users/permissions/grant',
      '1 /ajax-api/3.0/mlflow/users/permissions/revoke',
      '1 /api/3.0/mlflow/users/permissions/grant',
      '1 /api/3.0/mlflow/users/permissions/revoke',
    ]);
  });
});
