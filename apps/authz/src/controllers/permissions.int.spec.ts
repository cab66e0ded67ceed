import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { eventCatalog, uuidv7 } from '@custos/events';
import { ResourceOwnersHandler } from '../consumers/resource-owners.handler';
import { admin, AuthzApp, createAuthzApp, principalFor, UserBody } from '../testing/authz-app.spec-helper';

const EXP = '/api/2.0/mlflow/experiments/permissions';
const MODEL = '/api/2.0/mlflow/registered-models/permissions';
const V3 = '/api/3.0/mlflow/users/permissions';
const ROLES = '/api/3.0/mlflow/roles';

describe('grants, roles and settings on real PostgreSQL', () => {
  let t: AuthzApp;
  let erin: string;
  let frank: string;
  beforeAll(async () => {
    t = await createAuthzApp('authz_grants');
    const create = async (username: string) => (await t.call<UserBody>(admin, 'post', '/api/2.0/mlflow/users/create', { username, password: `${username}-password-1` })).body.user.id as string;
    erin = await create('erin');
    frank = await create('frank');
  });
  afterAll(() => t.close());

  it('creates, reads, updates and deletes an experiment permission with MLflow shapes and errors', async () => {
    const created = await t.call(admin, 'post', `${EXP}/create`, { experiment_id: '7', username: 'erin', permission: 'READ' });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ experiment_permission: { experiment_id: '7', user_id: erin, permission: 'READ' } });
    const [event] = await t.stream('grants-experiment-7');
    expect(event).toMatchObject({ type: 'authz.PermissionGranted', data: { subject: { kind: 'principal', id: erin }, resourceType: 'experiment', resourcePattern: '7', permission: 'READ' } });

    const dup = await t.call(admin, 'post', `${EXP}/create`, { experiment_id: '7', username: 'erin', permission: 'EDIT' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({ error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Experiment permission (experiment_id=7, username=erin) already exists.' });

    expect((await t.call(admin, 'patch', `${EXP}/update`, { experiment_id: '7', username: 'erin', permission: 'EDIT' })).body).toEqual({});
    expect((await t.call<{ experiment_permission: { permission: string } }>(admin, 'get', `${EXP}/get`, { experiment_id: '7', username: 'erin' })).body.experiment_permission.permission).toBe('EDIT');

    expect((await t.call(admin, 'delete', `${EXP}/delete`, { experiment_id: '7', username: 'erin' })).status).toBe(200);
    const gone = await t.call(admin, 'get', `${EXP}/get`, { experiment_id: '7', username: 'erin' });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Experiment permission with experiment_id=7 and username=erin not found' });
    expect((await t.call(admin, 'patch', `${EXP}/update`, { experiment_id: '7', username: 'erin', permission: 'EDIT' })).status).toBe(404);
    expect((await t.call(admin, 'post', `${EXP}/create`, { experiment_id: '7', username: 'ghost', permission: 'READ' })).status).toBe(404);
    expect((await t.call(admin, 'post', `${EXP}/create`, { experiment_id: '7', username: 'erin', permission: 'ALL' })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(await t.ds.query(`SELECT * FROM grants WHERE resource_pattern = '7'`)).toEqual([]);
  });

  it("caps permission changes by the calling key's scope, admins included", async () => {
    const adminKey = (...scopes: string[]) => ({ ...admin, scopes });
    const v2 = { experiment_id: '31', username: 'frank', permission: 'READ' };
    const v3 = { resource_type: 'experiment', resource_id: '32', username: 'frank', permission: 'READ' };
    // Scoped to administration only: no experiment is within reach, by either API.
    const viaV2 = await t.call(adminKey('admin:manage'), 'post', `${EXP}/create`, v2);
    expect(viaV2.body).toEqual({ error_code: 'PERMISSION_DENIED', message: 'Permission denied: key scope does not include experiments (needs experiments:manage)' });
    const viaV3 = await t.call(adminKey('admin:manage'), 'post', `${V3}/grant`, v3);
    expect(viaV3.status).toBe(403);
    expect(viaV3.body.message).toContain('key scope does not include experiments');
    // experiments:edit is below MANAGE; experiments:manage reaches it.
    expect((await t.call(adminKey('experiments:edit'), 'post', `${V3}/grant`, v3)).body.message).toContain('key scope caps experiments at edit');
    expect((await t.call(adminKey('experiments:manage'), 'post', `${V3}/grant`, v3)).status).toBe(200);
    expect((await t.call(adminKey('experiments:manage'), 'post', `${EXP}/create`, v2)).status).toBe(200);
    // A wildcard grant is administration: experiments:manage alone is not enough.
    expect((await t.call(adminKey('experiments:manage'), 'post', `${V3}/grant`, { ...v3, resource_id: 'team-*' })).status).toBe(403);
    expect(await t.ds.query(`SELECT resource_pattern FROM grants WHERE resource_pattern IN ('31', '32', 'team-*') ORDER BY 1`)).toEqual([{ resource_pattern: '31' }, { resource_pattern: '32' }]);
  });

  it('lets a non-admin change permissions only with MANAGE on the resource: a grant, a role, or being its creator', async () => {
    const asErin = principalFor(erin);
    const body = { experiment_id: '8', username: 'frank', permission: 'READ' };
    const denied = await t.call(asErin, 'post', `${EXP}/create`, body);
    expect(denied.status).toBe(403);
    expect(denied.body.error_code).toBe('PERMISSION_DENIED');

    await t.call(admin, 'post', `${EXP}/create`, { experiment_id: '8', username: 'erin', permission: 'MANAGE' });
    expect((await t.call(asErin, 'post', `${EXP}/create`, body)).status).toBe(200);
    expect((await t.call(asErin, 'post', `${EXP}/create`, { ...body, experiment_id: '9' })).status).toBe(403);

    // A role held through a group gives MANAGE on a prefix of models.
    const role = await t.call<{ role: { roleId: string } }>(admin, 'post', '/api/authz/roles', {
      name: 'model-owners',
      grants: [{ resourceType: 'registered_model', resourcePattern: 'fraud-*', permission: 'MANAGE' }],
    });
    await t.call(admin, 'post', `/api/authz/roles/${role.body.role.roleId}/assignments`, { kind: 'group', id: 'risk' });
    const inGroup = principalFor(erin, { groups: ['risk'] });
    expect((await t.call(inGroup, 'post', `${MODEL}/create`, { name: 'fraud-v2', username: 'frank', permission: 'EDIT' })).body).toEqual({
      registered_model_permission: { name: 'fraud-v2', user_id: frank, permission: 'EDIT' },
    });
    expect((await t.call(asErin, 'post', `${MODEL}/create`, { name: 'fraud-v3', username: 'frank', permission: 'EDIT' })).status).toBe(403);

    // The creator of an experiment (from tracking's event) manages its permissions.
    const handler = new ResourceOwnersHandler();
    const created = eventCatalog.parse({
      id: uuidv7(),
      type: 'tracking.ExperimentCreated',
      schemaVersion: 2,
      source: 'tracking',
      streamId: 'experiment-42',
      streamPosition: 0,
      occurredAt: new Date().toISOString(),
      data: { experimentId: '42', name: `e-${randomUUID()}`, artifactLocation: 'mlflow-artifacts:/42', tags: [] },
      metadata: { correlationId: 'c', actor: { type: 'user', id: frank } },
    });
    await t.ds.transaction((tx) => handler.handle(created, tx));
    await t.ds.transaction((tx) => handler.handle({ ...created, metadata: { ...created.metadata, actor: { type: 'user', id: erin } } }, tx));
    expect((await t.call(principalFor(frank), 'post', `${EXP}/create`, { experiment_id: '42', username: 'erin', permission: 'READ' })).status).toBe(200);
    expect((await t.call(asErin, 'patch', `${EXP}/update`, { experiment_id: '42', username: 'erin', permission: 'MANAGE' })).status).toBe(403);
  });

  it("shows the creator's MANAGE as MLflow shows the permission it records at creation", async () => {
    const handler = new ResourceOwnersHandler();
    const event = (type: string, streamId: string, data: unknown) =>
      eventCatalog.parse({
        id: uuidv7(),
        type,
        schemaVersion: eventCatalog.latestVersion(type),
        source: type.split('.')[0],
        streamId,
        streamPosition: 0,
        occurredAt: new Date().toISOString(),
        data,
        metadata: { correlationId: 'c', actor: { type: 'user', id: frank } },
      });
    const model = `creator-model-${randomUUID()}`;
    await t.ds.transaction(async (tx) => {
      await handler.handle(event('tracking.ExperimentCreated', 'experiment-77', { experimentId: '77', name: `e-${randomUUID()}`, artifactLocation: 'mlflow-artifacts:/77', tags: [] }), tx);
      await handler.handle(event('registry.RegisteredModelCreated', `registered-model-${model}`, { name: model }), tx);
    });
    // Read by the creator itself and by an admin, with no grant stored.
    for (const caller of [principalFor(frank), admin]) {
      const got = await t.call(caller, 'get', `${EXP}/get`, { experiment_id: '77', username: 'frank' });
      expect([got.status, got.body]).toEqual([200, { experiment_permission: { experiment_id: '77', user_id: frank, permission: 'MANAGE' } }]);
    }
    expect((await t.call(principalFor(frank), 'get', `${MODEL}/get`, { name: model, username: 'frank' })).body).toEqual({
      registered_model_permission: { name: model, user_id: frank, permission: 'MANAGE' },
    });
    // As in MLflow, the creator's permission already exists; here it is ownership, so it is not changed either.
    const dup = await t.call(admin, 'post', `${EXP}/create`, { experiment_id: '77', username: 'frank', permission: 'READ' });
    expect([dup.status, dup.body]).toEqual([400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Experiment permission (experiment_id=77, username=frank) already exists.' }]);
    const downgrade = await t.call(admin, 'patch', `${EXP}/update`, { experiment_id: '77', username: 'frank', permission: 'READ' });
    expect([downgrade.status, downgrade.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(downgrade.body.message).toContain('frank created experiment 77 and holds MANAGE on it as its creator');
    expect((await t.call(admin, 'delete', `${MODEL}/delete`, { name: model, username: 'frank' })).status).toBe(400);
    expect(await t.ds.query(`SELECT * FROM grants WHERE resource_pattern IN ('77', $1)`, [model])).toEqual([]);
    // Anyone else still has only what is granted.
    expect((await t.call(admin, 'get', `${EXP}/get`, { experiment_id: '77', username: 'erin' })).status).toBe(404);
    // MLflow 3's per-user API agrees: listed as a direct MANAGE, granting it again finds it there, revoking it is refused.
    const mine = (await t.call(principalFor(frank), 'get', `${V3}/list`, { username: 'frank' })).body.permissions;
    const direct = { role_id: null, role_name: `__user_${frank}__`, workspace: 'default', permission: 'MANAGE' };
    expect(mine).toContainEqual({ ...direct, resource_type: 'experiment', resource_pattern: '77' });
    expect(mine).toContainEqual({ ...direct, resource_type: 'registered_model', resource_pattern: model });
    const again = await t.call(admin, 'post', `${V3}/grant`, { username: 'frank', resource_type: 'experiment', resource_id: '77', permission: 'READ' });
    expect([again.status, again.body.error_code]).toEqual([400, 'RESOURCE_ALREADY_EXISTS']);
    expect((await t.call(admin, 'post', `${V3}/revoke`, { username: 'frank', resource_type: 'registered_model', resource_id: model })).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await t.call(principalFor(frank), 'get', `${V3}/get`, { username: 'frank', resource_type: 'experiment', resource_id: '77' })).body).toEqual({ allowed: true, permission: 'MANAGE' });
  });

  it('serves MLflow 3 per-user grant, revoke, check and list', async () => {
    expect((await t.call(admin, 'post', `${V3}/grant`, { username: 'frank', resource_type: 'experiment', resource_id: '100', permission: 'USE' })).body).toEqual({});
    expect((await t.call(admin, 'post', `${V3}/grant`, { username: 'frank', resource_type: 'experiment', resource_id: '100', permission: 'USE' })).body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await t.call(principalFor(frank), 'get', `${V3}/get`, { username: 'frank', resource_type: 'experiment', resource_id: '100' })).body).toEqual({ allowed: true, permission: 'USE' });
    expect((await t.call(admin, 'get', `${V3}/get`, { username: 'frank', resource_type: 'experiment', resource_id: '101' })).body).toEqual({
      allowed: false,
      permission: 'NO_PERMISSIONS',
    });
    expect((await t.call(principalFor(erin), 'get', `${V3}/get`, { username: 'frank', resource_type: 'experiment', resource_id: '100' })).status).toBe(403);
    expect((await t.call(principalFor(erin), 'post', `${V3}/grant`, { username: 'erin', resource_type: 'experiment', resource_id: '*', permission: 'READ' })).status).toBe(403);

    const listed = await t.call(principalFor(frank), 'get', '/api/3.0/mlflow/users/current/permissions');
    expect(listed.body.is_admin).toBe(false);
    expect(listed.body.permissions).toContainEqual({ role_id: null, role_name: `__user_${frank}__`, workspace: 'default', resource_type: 'experiment', resource_pattern: '100', permission: 'USE' });

    expect((await t.call(admin, 'post', `${V3}/revoke`, { username: 'frank', resource_type: 'experiment', resource_id: '100' })).body).toEqual({});
    expect((await t.call(admin, 'post', `${V3}/revoke`, { username: 'frank', resource_type: 'experiment', resource_id: '100' })).status).toBe(404);
    expect((await t.call(admin, 'post', `${V3}/grant`, { username: 'frank', resource_type: 'prompt', resource_id: 'p', permission: 'READ' })).status).toBe(400);
  });

  it('serves MLflow 3 roles with integer ids and stable permission ids', async () => {
    const created = await t.call<{ role: { id: number } }>(admin, 'post', `${ROLES}/create`, { workspace: 'default', name: 'readers', description: 'read all' });
    expect(created.status).toBe(200);
    const role = created.body.role;
    expect(role).toMatchObject({ id: expect.any(Number), name: 'readers', workspace: 'default', description: 'read all', permissions: [] });
    expect((await t.call(admin, 'post', `${ROLES}/create`, { workspace: 'default', name: 'readers' })).body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await t.call(admin, 'post', `${ROLES}/create`, { workspace: 'team-a', name: 'x' })).status).toBe(400);

    const added = await t.call<{ role_permission: { id: number } }>(admin, 'post', `${ROLES}/permissions/add`, {
      role_id: role.id,
      resource_type: 'experiment',
      resource_pattern: '*',
      permission: 'READ',
    });
    const rp = added.body.role_permission;
    expect(rp).toEqual({ id: expect.any(Number), role_id: role.id, resource_type: 'experiment', resource_pattern: '*', permission: 'READ' });
    const updated = await t.call(admin, 'patch', `${ROLES}/permissions/update`, { role_permission_id: rp.id, permission: 'EDIT' });
    expect(updated.body.role_permission).toEqual({ ...rp, permission: 'EDIT' });

    const assigned = await t.call(admin, 'post', `${ROLES}/assign`, { username: 'frank', role_id: role.id });
    expect(assigned.body.assignment).toEqual({ id: expect.any(Number), user_id: frank, role_id: role.id });
    expect((await t.call(admin, 'get', `${ROLES}/users/list`, { role_id: String(role.id) })).body.assignments).toEqual([assigned.body.assignment]);
    expect((await t.call<{ roles: unknown[] }>(principalFor(frank), 'get', '/api/3.0/mlflow/users/roles/list', { username: 'frank' })).body.roles[0]).toMatchObject({ id: role.id, name: 'readers' });
    expect((await t.call(principalFor(frank), 'get', `${V3}/get`, { username: 'frank', resource_type: 'experiment', resource_id: '555' })).body).toEqual({ allowed: true, permission: 'EDIT' });
    const byName = (body: { users: { username: string; roles: { name: string }[] }[] }) => Object.fromEntries(body.users.map((u) => [u.username, u.roles.map((r) => r.name)]));
    expect(byName((await t.call<Parameters<typeof byName>[0]>(admin, 'get', '/api/2.0/mlflow/users/list')).body).frank).toEqual(['readers']);
    expect((await t.call(principalFor(erin), 'get', '/api/2.0/mlflow/users/list')).status).toBe(403);

    expect((await t.call<{ role: { permissions: unknown[] } }>(admin, 'get', `${ROLES}/get`, { role_id: String(role.id) })).body.role.permissions).toEqual([{ ...rp, permission: 'EDIT' }]);
    expect((await t.call<{ roles: { name: string }[] }>(admin, 'get', `${ROLES}/list`)).body.roles.map((r: { name: string }) => r.name)).toContain('readers');
    expect((await t.call(admin, 'get', `${ROLES}/list`, { workspace: 'other' })).body.roles).toEqual([]);
    expect((await t.call<{ role: { name: string } }>(admin, 'patch', `${ROLES}/update`, { role_id: role.id, name: 'viewers' })).body.role.name).toBe('viewers');
    expect((await t.call(admin, 'delete', `${ROLES}/permissions/remove`, { role_permission_id: rp.id })).status).toBe(200);
    expect((await t.call(admin, 'delete', `${ROLES}/unassign`, { username: 'frank', role_id: role.id })).status).toBe(200);
    expect((await t.call(admin, 'delete', `${ROLES}/delete`, { role_id: role.id })).status).toBe(200);
    expect((await t.call(admin, 'get', `${ROLES}/get`, { role_id: String(role.id) })).status).toBe(404);
    expect((await t.call(principalFor(frank), 'get', `${ROLES}/list`)).status).toBe(403);
  });

  it('administers grants to groups, the default permission and identity providers, all as events', async () => {
    const g = await t.call(admin, 'put', '/api/authz/grants', { subject: { kind: 'group', id: 'analysts' }, resourceType: 'experiment', resourcePattern: 'x*', permission: 'READ' });
    expect(g.body.grant).toMatchObject({ subject: { kind: 'group', id: 'analysts' }, resourcePattern: 'x*', permission: 'READ' });
    expect((await t.call(admin, 'get', '/api/authz/grants', { subjectKind: 'group' })).body.grants).toHaveLength(1);
    expect((await t.call(admin, 'delete', '/api/authz/grants', { subject: { kind: 'group', id: 'analysts' }, resourceType: 'experiment', resourcePattern: 'x*' })).status).toBe(204);

    expect((await t.call(admin, 'get', '/api/authz/settings/default-permission')).body).toEqual({ permission: 'NO_PERMISSIONS' });
    await t.call(admin, 'put', '/api/authz/settings/default-permission', { permission: 'READ' });
    expect((await t.call(admin, 'get', '/api/authz/settings/default-permission')).body).toEqual({ permission: 'READ' });
    expect((await t.call(principalFor(erin), 'put', '/api/authz/settings/default-permission', { permission: 'MANAGE' })).status).toBe(403);

    const ldap = {
      kind: 'ldap',
      ldap: { url: 'ldaps://ad.example.com', searchBase: 'dc=example,dc=com', bindDn: 'cn=svc', bindPasswordSecretName: 'LDAP_BIND_PASSWORD' },
      groupRoleMap: { admins: ['admin'] },
    };
    const put = await t.call(admin, 'put', '/api/authz/identity-providers/corp-ad', ldap);
    expect(put.status).toBe(200);
    expect(put.body.identityProvider).toMatchObject({ providerId: 'corp-ad', kind: 'ldap', enabled: true });
    const secret = await t.call(admin, 'put', '/api/authz/identity-providers/corp-ad', { ...ldap, ldap: { ...ldap.ldap, bindPassword: 'hunter2' } });
    expect(secret.status).toBe(400);
    expect(secret.body.detail).toContain('never stored');
    expect((await t.call(admin, 'get', '/api/authz/identity-providers')).body.identityProviders).toHaveLength(1);
    expect((await t.call(admin, 'delete', '/api/authz/identity-providers/corp-ad')).status).toBe(204);
    expect((await t.call(admin, 'get', '/api/authz/identity-providers/corp-ad')).status).toBe(404);

    const settings = await t.stream('authz-settings');
    expect(settings.map((e) => e.type)).toEqual(['authz.DefaultPermissionSet', 'authz.IdentityProviderConfigured', 'authz.IdentityProviderRemoved']);
    expect(JSON.stringify(settings)).not.toContain('hunter2');
  });

  it('sets platform roles and groups on an account', async () => {
    const roles = await t.call(admin, 'put', `/api/authz/users/${frank}/platform-roles`, { platformRoles: ['auditor'] });
    expect(roles.body.user).toMatchObject({ platformRoles: ['auditor'], isAdmin: false });
    const groups = await t.call<UserBody>(admin, 'put', `/api/authz/users/${frank}/groups`, { groups: ['risk', 'ml', 'risk'] });
    expect(groups.body.user.groups).toEqual(['ml', 'risk']);
    expect((await t.call(admin, 'put', `/api/authz/users/${frank}/platform-roles`, { platformRoles: ['root'] })).status).toBe(400);
    expect((await t.call<UserBody>(principalFor(frank), 'get', `/api/authz/users/${frank}`)).body.user.username).toBe('frank');
    expect((await t.call(principalFor(frank), 'get', `/api/authz/users/${erin}`)).status).toBe(404);
  });
});
