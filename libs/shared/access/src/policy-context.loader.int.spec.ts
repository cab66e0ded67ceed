import { Principal } from '@custos/rbac';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { AccessGrants1732000001000 } from './access-grants.migration';
import { GrantsPolicyLoader } from './policy-context.loader';

const bob: Principal = { id: 'bob', kind: 'user', roles: [], groups: ['g1'] };
const eve: Principal = { id: 'eve', kind: 'user', roles: [], groups: [] };

describe('GrantsPolicyLoader (one query for grants and the default permission)', () => {
  let db: TestDatabase;
  let loader: GrantsPolicyLoader;
  beforeAll(async () => {
    db = await createTestDatabase('policyload', [AccessGrants1732000001000]);
    loader = new GrantsPolicyLoader(db.dataSource, { DEFAULT_PERMISSION: 'READ' });
  });
  afterAll(() => db.drop());

  it('falls back to the service default when authz set none, with no grants', async () => {
    expect(await loader.load(eve)).toEqual({ grants: [], defaultPermission: 'READ' });
  });

  it('loads direct, group and role grants (attributed to the assignment subject) and authz default', async () => {
    const q = (sql: string, params: unknown[]) => db.dataSource.query(sql, params);
    await q(`INSERT INTO access_grants VALUES ('principal', 'bob', 'experiment', '1', 'EDIT'), ('group', 'g1', 'experiment', '2*', 'READ'), ('principal', 'eve', 'experiment', '9', 'MANAGE')`, []);
    await q(`INSERT INTO access_roles VALUES ('r1', 'analysts', $1)`, [JSON.stringify([{ resourceType: 'registered_model', resourcePattern: '*', permission: 'USE' }])]);
    await q(`INSERT INTO access_role_assignments VALUES ('r1', 'group', 'g1')`, []);
    await q(`INSERT INTO access_settings VALUES ('default_permission', 'NO_PERMISSIONS')`, []);

    const ctx = await loader.load(bob);
    expect(ctx.defaultPermission).toBe('NO_PERMISSIONS');
    expect(ctx.grants).toHaveLength(3);
    expect(ctx.grants).toEqual(
      expect.arrayContaining([
        { subject: { kind: 'principal', id: 'bob' }, resourceType: 'experiment', resourcePattern: '1', permission: 'EDIT' },
        { subject: { kind: 'group', id: 'g1' }, resourceType: 'experiment', resourcePattern: '2*', permission: 'READ' },
        { subject: { kind: 'group', id: 'g1' }, resourceType: 'registered_model', resourcePattern: '*', permission: 'USE' },
      ]),
    );
    expect(await loader.load({ ...bob, id: 'nobody', groups: [] })).toEqual({ grants: [], defaultPermission: 'NO_PERMISSIONS' });
  });
});
