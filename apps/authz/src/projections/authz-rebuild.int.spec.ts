import { EventStore, rebuildProjections } from '@custos/eventing';
import { eventCatalog } from '@custos/events';
import { admin, ApiKeyView, AuthzApp, createAuthzApp, principalFor, UserBody } from '../testing/authz-app.spec-helper';
import { AuthzProjection } from './authz.projection';

/** Every projection table, rows sorted, so two states compare by value. */
async function snapshot(t: AuthzApp, projection: AuthzProjection): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of projection.tables) {
    const rows = (await t.ds.query(`SELECT to_jsonb(x) AS r FROM "${table}" x`)) as { r: unknown }[];
    out[table] = rows.map((row) => JSON.stringify(row.r)).sort();
  }
  return out;
}

describe('authz read models rebuild by replay', () => {
  let t: AuthzApp;
  beforeAll(async () => {
    t = await createAuthzApp('authz_rebuild');
  });
  afterAll(() => t.close());

  it('replaying the store twice gives exactly the state the inline projection built', async () => {
    const user = async (username: string) => (await t.call<UserBody>(admin, 'post', '/api/2.0/mlflow/users/create', { username, password: `${username}-password-1` })).body.user.id as string;
    const gina = await user('gina');
    const hank = await user('hank');
    const ivan = await user('ivan');
    await t.call(admin, 'patch', '/api/2.0/mlflow/users/update-admin', { username: 'hank', is_admin: true });
    await t.call(admin, 'put', `/api/authz/users/${gina}/groups`, { groups: ['ml'] });
    await t.call(admin, 'patch', '/api/2.0/mlflow/users/update-password', { username: 'gina', password: 'gina-password-2' });
    const k1 = (await t.call<{ apiKey: ApiKeyView }>(principalFor(gina), 'post', '/api/authz/api-keys', { name: 'a', scopes: ['experiments:read'] })).body.apiKey.keyId;
    await t.call(principalFor(gina), 'post', '/api/authz/api-keys', { name: 'b', expiresAt: '2099-01-01T00:00:00Z' });
    await t.call(principalFor(gina), 'delete', `/api/authz/api-keys/${k1}`);
    await t.call(admin, 'post', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: '1', username: 'gina', permission: 'EDIT' });
    await t.call(admin, 'post', '/api/2.0/mlflow/experiments/permissions/create', { experiment_id: '1', username: 'ivan', permission: 'READ' });
    await t.call(admin, 'post', '/api/2.0/mlflow/registered-models/permissions/create', { name: 'm', username: 'gina', permission: 'MANAGE' });
    const role = (
      await t.call<{ role: { roleId: string } }>(admin, 'post', '/api/authz/roles', { name: 'r', description: 'd', grants: [{ resourceType: 'experiment', resourcePattern: '*', permission: 'READ' }] })
    ).body.role.roleId;
    await t.call(admin, 'post', `/api/authz/roles/${role}/assignments`, { kind: 'principal', id: hank });
    await t.call(admin, 'post', `/api/authz/roles/${role}/assignments`, { kind: 'principal', id: ivan });
    await t.call(admin, 'post', `/api/authz/roles/${role}/assignments`, { kind: 'group', id: 'ml' });
    await t.call(admin, 'post', '/api/3.0/mlflow/roles/permissions/add', { role_id: Number(role), resource_type: 'registered_model', resource_pattern: 'x-*', permission: 'EDIT' });
    const gone = (await t.call<{ role: { roleId: string } }>(admin, 'post', '/api/authz/roles', { name: 'temp', grants: [] })).body.role.roleId;
    await t.call(admin, 'delete', `/api/authz/roles/${gone}`);
    await t.call(admin, 'put', '/api/authz/settings/default-permission', { permission: 'READ' });
    await t.call(admin, 'put', '/api/authz/identity-providers/sso', {
      kind: 'oidc',
      oidc: { issuer: 'https://id.example.com', audience: 'custos', jwksUri: 'https://id.example.com/jwks', allowedAlgorithms: ['RS256'] },
    });
    // Deleting ivan drops his grants and assignments from the read models.
    await t.call(admin, 'delete', '/api/2.0/mlflow/users/delete', { username: 'ivan' });

    const projection = new AuthzProjection();
    const inline = await snapshot(t, projection);
    expect(inline.users).toHaveLength(2);
    expect(inline.grants).toHaveLength(2);
    expect(inline.role_assignments).toHaveLength(2);
    expect(inline.api_keys).toHaveLength(2);

    const store = new EventStore('authz', eventCatalog);
    const replayed = await rebuildProjections(t.ds, store, [projection]);
    expect(replayed).toBeGreaterThan(20);
    const first = await snapshot(t, projection);
    await rebuildProjections(t.ds, store, [projection], 7);
    const second = await snapshot(t, projection);
    expect(first).toEqual(inline);
    expect(second).toEqual(first);
  });
});
