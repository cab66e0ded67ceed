import { parseConfig } from '@custos/platform';
import { createLogger } from '@custos/platform';
import { describeAction, scopeNeedOf } from '@custos/rbac';
import { listRoutePolicies, offlineServiceEnv } from '@custos/testing';
import { AuthzModule, authzService } from './app.module';

// Deny by default: every route of the service declares its policy (or is explicitly public).
describe('authz route policies', () => {
  it('declares a policy on every registered route', async () => {
    const config = parseConfig(authzService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(AuthzModule.forRoot(config as never, createLogger('authz', 'silent')));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.policy === 'missing')).toEqual([]);
    expect(
      routes
        .filter((r) => r.policy === 'public')
        .map((r) => r.route)
        .sort(),
    ).toEqual(['0 /health/live', '0 /health/ready']);
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

  // Reads of other people's accounts, keys, grants, roles and settings are administration. The few
  // reads open to a non-admin are listed here with the check that keeps each to the caller's own
  // data (or to a resource it manages); any new read route must be added here deliberately.
  it('makes every read admin-only except the listed self-service ones', async () => {
    const config = parseConfig(authzService.configSchema, offlineServiceEnv());
    const routes = await listRoutePolicies(AuthzModule.forRoot(config as never, createLogger('authz', 'silent')));
    const reads = routes.filter((r) => r.route.startsWith('0 /api') || r.route.startsWith('0 /ajax-api'));
    expect(reads.length).toBeGreaterThan(10);
    const nonAdmin = reads.filter((r) => r.action?.kind !== 'admin').map((r) => `${r.route}: ${describeAction(r.action!)}`);
    expect(nonAdmin.sort()).toEqual(
      [
        // Permission reads of one resource: MANAGE on it, as MLflow's validate_can_manage_*.
        '0 /api/2.0/mlflow/experiments/permissions/get: MANAGE on experiment',
        '0 /api/2.0/mlflow/registered-models/permissions/get: MANAGE on registered_model',
        // users/get: the handler answers oneself or an admin (MLflow's username_is_sender), else 403.
        '0 /api/2.0/mlflow/users/get: authenticated (account:read)',
        // users/current: the caller's own identity.
        '0 /api/2.0/mlflow/users/current: authenticated',
        // MLflow 3 per-user reads: the handler answers oneself or an admin, else 403.
        '0 /api/3.0/mlflow/users/permissions/get: authenticated (account:read)',
        '0 /api/3.0/mlflow/users/permissions/list: authenticated (account:read)',
        '0 /api/3.0/mlflow/users/roles/list: authenticated (account:read)',
        '0 /api/3.0/mlflow/users/current/permissions: authenticated (account:read)',
        // Custos accounts and keys: one's own account and keys; anyone else's answers 404 to a non-admin.
        '0 /api/authz/users/:userId: authenticated (account:read)',
        '0 /api/authz/api-keys/: authenticated (account:read)',
        '0 /api/authz/api-keys/:keyId: authenticated (account:read)',
      ]
        .flatMap((r) => (r.startsWith('0 /api/authz') ? [r] : [r, r.replace('0 /api/', '0 /ajax-api/')]))
        .sort(),
    );
  });
});
