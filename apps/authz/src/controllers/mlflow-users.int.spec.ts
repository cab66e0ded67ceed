import { expect } from '@jest/globals';
import { EventData, UserCreated } from '@custos/events';
import { verifyPassword } from '../credentials/password-hash';
import { BootstrapAdminTask } from '../commands/bootstrap-admin.task';
import { admin, AuthzApp, createAuthzApp, MlflowUser, principalFor, UserBody } from '../testing/authz-app.spec-helper';

const USERS = '/api/2.0/mlflow/users';

describe('MLflow users API on real PostgreSQL', () => {
  let t: AuthzApp;
  beforeAll(async () => {
    t = await createAuthzApp('authz_users', { AUTHZ_BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-password-1' });
  });
  afterAll(() => t.close());

  const createUser = async (username: string, password = 'alice-password-1') => {
    const r = await t.call<UserBody>(admin, 'post', `${USERS}/create`, { username, password });
    expect(r.status).toBe(200);
    return r.body.user as { id: string; username: string; is_admin: boolean };
  };

  it('creates a user: one event with a scrypt PHC hash, never the password; read model row; MLflow response', async () => {
    const user = await createUser('alice');
    expect(user).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), username: 'alice', is_admin: false });

    const [event] = await t.stream(`user-${user.id}`);
    expect(event).toMatchObject({ type: 'authz.UserCreated', metadata: { actor: { type: 'user', id: admin.id } } });
    const data = event.data as EventData<typeof UserCreated>;
    expect(data).toMatchObject({ userId: user.id, username: 'alice', kind: 'user', isAdmin: false, platformRoles: [] });
    expect(data.passwordHash).toMatch(/^\$scrypt\$ln=12,r=8,p=1\$/);
    expect(JSON.stringify(event)).not.toContain('alice-password-1');
    await expect(verifyPassword('alice-password-1', data.passwordHash!)).resolves.toBe(true);

    const [row] = (await t.ds.query(`SELECT username, kind, is_admin, has_password FROM users WHERE user_id = $1`, [user.id])) as unknown[];
    expect(row).toEqual({ username: 'alice', kind: 'user', is_admin: false, has_password: true });
    expect(await t.ds.query(`SELECT * FROM users WHERE to_jsonb(users)::text LIKE '%scrypt%'`)).toEqual([]);
  });

  it('answers MLflow errors: duplicate 400 RESOURCE_ALREADY_EXISTS, unknown 404, bad input 400', async () => {
    const dup = await t.call(admin, 'post', `${USERS}/create`, { username: 'alice', password: 'another-password' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({ error_code: 'RESOURCE_ALREADY_EXISTS', message: 'User (username=alice) already exists.' });

    const unknown = await t.call(admin, 'get', `${USERS}/get`, { username: 'nobody' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'User with username=nobody not found' });

    for (const [body, message] of [
      [{ username: 'bob' }, 'Username and password cannot be empty.'],
      [{ username: 'bob', password: 'short' }, 'Password must be at least 12 characters.'],
      [{ username: 'b\u0007ob', password: 'long-enough-password' }, 'Username must not contain control characters.'],
      [{ username: 'b:ob', password: 'long-enough-password' }, expect.stringContaining("':'")],
    ] as const) {
      const r = await t.call(admin, 'post', `${USERS}/create`, body);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message });
    }
  });

  it('lets only admins create, and users read only themselves', async () => {
    const bob = await createUser('bob');
    const asBob = principalFor(bob.id);
    expect((await t.call(asBob, 'post', `${USERS}/create`, { username: 'mallory', password: 'mallory-password' })).status).toBe(403);
    expect((await t.call<UserBody>(asBob, 'get', `${USERS}/get`, { username: 'bob' })).body.user.username).toBe('bob');
    const other = await t.call(asBob, 'get', `${USERS}/get`, { username: 'alice' });
    expect(other.status).toBe(403);
    expect(other.body.error_code).toBe('PERMISSION_DENIED');
    // Not even whether a username exists leaks to a non-admin.
    expect((await t.call(asBob, 'get', `${USERS}/get`, { username: 'nobody' })).status).toBe(403);
    expect((await t.call(null, 'get', `${USERS}/get`, { username: 'bob' })).status).toBe(401);
  });

  it('describes the caller on users/current, with or without an account', async () => {
    const bob = await t.call<UserBody>(admin, 'get', `${USERS}/get`, { username: 'bob' });
    const me = await t.call(principalFor(bob.body.user.id), 'get', `${USERS}/current`);
    expect(me.body).toEqual({ user: { id: bob.body.user.id, username: 'bob', is_admin: false }, is_basic_auth: true });
    const root = await t.call(admin, 'get', `${USERS}/current`);
    expect(root.body.user).toEqual({ id: admin.id, username: admin.id, is_admin: true });
  });

  it('changes passwords: admins freely, users only with the right current password', async () => {
    const bob = (await t.call<UserBody>(admin, 'get', `${USERS}/get`, { username: 'bob' })).body.user;
    const asBob = principalFor(bob.id);
    const missing = await t.call(asBob, 'patch', `${USERS}/update-password`, { username: 'bob', password: 'bob-new-password' });
    expect(missing.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Current password is required when changing your own password.' });
    const wrong = await t.call(asBob, 'patch', `${USERS}/update-password`, { username: 'bob', password: 'bob-new-password', current_password: 'not-it-at-all' });
    expect(wrong.body.message).toBe('Current password does not match.');
    const ok = await t.call(asBob, 'patch', `${USERS}/update-password`, { username: 'bob', password: 'bob-new-password', current_password: 'alice-password-1' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({});
    expect((await t.call(asBob, 'patch', `${USERS}/update-password`, { username: 'alice', password: 'hijacked-password' })).status).toBe(403);
    expect((await t.call(admin, 'patch', `${USERS}/update-password`, { username: 'alice', password: 'reset-by-admin' })).status).toBe(200);

    const changes = (await t.stream(`user-${bob.id}`)).filter((e) => e.type === 'authz.UserPasswordChanged');
    expect(changes).toHaveLength(1);
    await expect(verifyPassword('bob-new-password', (changes[0].data as { passwordHash: string }).passwordHash)).resolves.toBe(true);
  });

  it('updates admin with both facts, lists users, deletes (not oneself) and frees the username', async () => {
    const alice = (await t.call<UserBody>(admin, 'get', `${USERS}/get`, { username: 'alice' })).body.user;
    expect((await t.call(admin, 'patch', `${USERS}/update-admin`, { username: 'alice', is_admin: true })).status).toBe(200);
    expect((await t.stream(`user-${alice.id}`)).map((e) => e.type).slice(-2)).toEqual(['authz.UserAdminChanged', 'authz.UserPlatformRolesChanged']);
    expect((await t.call<UserBody>(admin, 'get', `${USERS}/get`, { username: 'alice' })).body.user.is_admin).toBe(true);

    const list = await t.call<{ users: MlflowUser[] }>(admin, 'get', `${USERS}/list`);
    expect(list.body.users.map((u: { username: string }) => u.username)).toEqual(['alice', 'bob']);
    expect(list.body.users[0]).toEqual({ id: alice.id, username: 'alice', is_admin: true, roles: [] });
    // The roster is for admins only (MLflow answers a non-admin 403), by either path; a user reads itself.
    const bob = (await t.call<UserBody>(admin, 'get', `${USERS}/get`, { username: 'bob' })).body.user;
    for (const path of [`${USERS}/list`, '/ajax-api/2.0/mlflow/users/list']) {
      const refused = await t.call(principalFor(bob.id), 'get', path);
      expect([path, refused.status, refused.body.error_code]).toEqual([path, 403, 'PERMISSION_DENIED']);
    }
    expect((await t.call<UserBody>(principalFor(bob.id), 'get', `${USERS}/get`, { username: 'bob' })).body.user.username).toBe('bob');
    expect((await t.call(principalFor(bob.id), 'get', `${USERS}/get`, { username: 'alice' })).status).toBe(403);

    const self = await t.call(principalFor(alice.id, { roles: ['admin'] }), 'delete', `${USERS}/delete`, { username: 'alice' });
    expect(self.status).toBe(400);
    expect(self.body.error_code).toBe('BAD_REQUEST');
    expect((await t.call(admin, 'delete', `${USERS}/delete`, { username: 'alice' })).status).toBe(200);
    expect((await t.call(admin, 'get', `${USERS}/get`, { username: 'alice' })).status).toBe(404);
    const again = await createUser('alice', 'a-brand-new-password');
    expect(again.id).not.toBe(alice.id);
  });

  it('serves the ajax-api alias and validates is_admin', async () => {
    expect((await t.call(admin, 'get', '/ajax-api/2.0/mlflow/users/get', { username: 'bob' })).status).toBe(200);
    const bad = await t.call(admin, 'patch', `${USERS}/update-admin`, { username: 'bob', is_admin: 'maybe' });
    expect(bad.status).toBe(400);
  });

  it('bootstraps the admin user only when no account exists', async () => {
    const task = t.app.get(BootstrapAdminTask);
    await task.run();
    expect(await t.ds.query(`SELECT 1 FROM users WHERE username = 'admin'`)).toEqual([]);
    await t.ds.query(`TRUNCATE users`);
    await task.run();
    await task.run();
    const [row] = (await t.ds.query(`SELECT user_id, is_admin, platform_roles FROM users WHERE username = 'admin'`)) as { user_id: string }[];
    expect(row).toMatchObject({ is_admin: true, platform_roles: ['admin'] });
    const [created] = await t.stream(`user-${row.user_id}`);
    expect(created.metadata.actor).toEqual({ type: 'system', id: 'system' });
    await expect(verifyPassword('bootstrap-password-1', (created.data as { passwordHash: string }).passwordHash)).resolves.toBe(true);
  });
});
