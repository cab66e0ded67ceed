import { expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { ApiKeyIssued, EventData } from '@custos/events';
import { VALID_SCOPES } from '@custos/rbac';
import { admin, ApiKeyView, AuthzApp, createAuthzApp, principalFor, UserBody } from '../testing/authz-app.spec-helper';

const KEYS = '/api/authz/api-keys';

describe('API keys and service accounts on real PostgreSQL', () => {
  let t: AuthzApp;
  let carol: string;
  let dave: string;
  beforeAll(async () => {
    t = await createAuthzApp('authz_keys');
    const create = async (username: string) => (await t.call<UserBody>(admin, 'post', '/api/2.0/mlflow/users/create', { username, password: `${username}-password-1` })).body.user.id as string;
    carol = await create('carol');
    dave = await create('dave');
  });
  afterAll(() => t.close());

  it('issues a key for oneself: shown once, stored as SHA-256 of the whole key, prefix visible', async () => {
    const r = await t.call(principalFor(carol), 'post', KEYS, { name: 'laptop', scopes: ['experiments:read'], expiresAt: '2099-01-01T00:00:00Z' });
    expect(r.status).toBe(201);
    const { key, apiKey } = r.body as { key: string; apiKey: Record<string, unknown> };
    expect(key).toMatch(/^cus_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({
      prefix: key.slice(0, 12),
      ownerId: carol,
      ownerUsername: 'carol',
      name: 'laptop',
      scopes: ['experiments:read'],
      expiresAt: '2099-01-01T00:00:00.000Z',
      status: 'active',
    });
    expect(apiKey.keyId).toMatch(/^[0-9a-f-]{36}$/);

    const [event] = await t.stream(`apikey-${apiKey.keyId as string}`);
    const data = event.data as EventData<typeof ApiKeyIssued>;
    expect(data.keyHash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(data.prefix).toBe(key.slice(0, 12));
    expect(JSON.stringify(event)).not.toContain(key.slice(13));
    expect(event.metadata.actor).toEqual({ type: 'user', id: carol });

    // Never again: neither the list nor the single read carries the key or its hash.
    const listed = await t.call(principalFor(carol), 'get', KEYS);
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(13));
    expect(JSON.stringify(listed.body)).not.toContain(data.keyHash);
  });

  it('keeps keys private: others see only their own, and someone else’s key is "not found"', async () => {
    const mine = await t.call<{ apiKey: ApiKeyView }>(principalFor(dave), 'post', KEYS, { name: 'ci' });
    const keyId = mine.body.apiKey.keyId as string;
    const carolsView = await t.call<{ apiKeys: ApiKeyView[] }>(principalFor(carol), 'get', KEYS);
    expect(carolsView.body.apiKeys.every((k: { ownerId: string }) => k.ownerId === carol)).toBe(true);
    expect((await t.call(principalFor(carol), 'get', `${KEYS}/${keyId}`)).status).toBe(404);
    expect((await t.call(principalFor(carol), 'delete', `${KEYS}/${keyId}`)).status).toBe(404);
    const forOther = await t.call(principalFor(carol), 'post', KEYS, { ownerId: dave });
    expect(forOther.status).toBe(403);
    expect(forOther.headers['content-type']).toContain('application/problem+json');
    const all = await t.call<{ apiKeys: ApiKeyView[] }>(admin, 'get', KEYS);
    expect(all.body.apiKeys.map((k: { ownerUsername: string }) => k.ownerUsername).sort()).toEqual(['carol', 'dave']);
  });

  it('revokes a key with an event carrying the owner; revoking again is harmless', async () => {
    const issued = await t.call<{ apiKey: ApiKeyView }>(principalFor(dave), 'post', KEYS, { name: 'to-revoke' });
    const keyId = issued.body.apiKey.keyId as string;
    const revoked = await t.call(principalFor(dave), 'delete', `${KEYS}/${keyId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.apiKey).toMatchObject({ status: 'revoked', revokedBy: dave });
    expect((await t.call(admin, 'delete', `${KEYS}/${keyId}`)).status).toBe(200);
    const events = await t.stream(`apikey-${keyId}`);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['authz.ApiKeyIssued', expect.anything()],
      ['authz.ApiKeyRevoked', { keyId, ownerId: dave }],
    ]);
  });

  it('refuses bad input with problem details, and keys for principals without an account', async () => {
    for (const body of [{ expiresAt: '2001-01-01T00:00:00Z' }, { expiresAt: 'soon' }, { scopes: ['bad scope'] }, { unexpected: true }]) {
      const r = await t.call(principalFor(carol), 'post', KEYS, body);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ status: 400, title: expect.any(String), detail: expect.any(String) });
    }
    const orphan = await t.call(admin, 'post', KEYS, { name: 'for bootstrap' });
    expect(orphan.status).toBe(400);
    expect(orphan.body.detail).toContain('has no account');
  });

  it('creates a service account without a password; an admin issues its key; deleting it revokes its keys', async () => {
    const created = await t.call<{ serviceAccount: { userId: string } }>(admin, 'post', '/api/authz/service-accounts', { name: 'ci-bot', groups: ['ml'] });
    expect(created.status).toBe(201);
    const sa = created.body.serviceAccount;
    expect(sa).toMatchObject({ username: 'ci-bot', kind: 'service_account', hasPassword: false, groups: ['ml'], isAdmin: false });
    const [event] = await t.stream(`user-${sa.userId}`);
    expect(event.data).toMatchObject({ kind: 'service_account', passwordHash: null });

    const k1 = await t.call(admin, 'post', KEYS, { ownerUsername: 'ci-bot', name: 'deploy' });
    const k2 = await t.call(admin, 'post', KEYS, { ownerId: sa.userId, name: 'nightly' });
    expect([k1.status, k2.status]).toEqual([201, 201]);
    expect((await t.call<{ serviceAccounts: { username: string }[] }>(admin, 'get', '/api/authz/service-accounts')).body.serviceAccounts.map((s: { username: string }) => s.username)).toEqual([
      'ci-bot',
    ]);

    const pw = await t.call(admin, 'patch', '/api/2.0/mlflow/users/update-password', { username: 'ci-bot', password: 'cannot-have-one' });
    expect(pw.body.error_code).toBe('INVALID_PARAMETER_VALUE');

    expect((await t.call(admin, 'delete', `/api/authz/service-accounts/${sa.userId}`)).status).toBe(204);
    const keys = (await t.call<{ apiKeys: ApiKeyView[] }>(admin, 'get', KEYS, { ownerId: sa.userId })).body.apiKeys as { status: string }[];
    expect(keys.map((k) => k.status)).toEqual(['revoked', 'revoked']);
    expect((await t.call(admin, 'delete', `/api/authz/service-accounts/${carol}`)).status).toBe(404);
  });

  it('rejects unknown scopes with 400 naming the valid ones, and stores scopes canonical', async () => {
    const bad = await t.call(principalFor(carol), 'post', KEYS, { scopes: ['experiments:read', 'mlflow:write'] });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe(`Invalid scope 'mlflow:write'. Valid scopes are: ${VALID_SCOPES.join(', ')}`);
    const ok = await t.call<{ apiKey: ApiKeyView }>(principalFor(carol), 'post', KEYS, { scopes: ['experiments:read', 'audit:read', 'experiments:edit'] });
    expect(ok.body.apiKey.scopes).toEqual(['audit:read', 'experiments:edit']);
  });

  it('lets a scoped key manage keys only with the account scope, and mint none broader than itself', async () => {
    const scoped = (...scopes: string[]) => principalFor(carol, { scopes });
    // experiments:read alone: no key reads or changes, and no password change.
    for (const [method, path, body] of [
      ['get', KEYS],
      ['post', KEYS, { scopes: ['experiments:read'] }],
      ['get', '/api/2.0/mlflow/users/list'],
    ] as const) {
      const r = await t.call(scoped('experiments:read'), method, path, body);
      expect({ path, status: r.status }).toEqual({ path, status: 403 });
    }
    const pw = await t.call(scoped('experiments:read'), 'patch', '/api/2.0/mlflow/users/update-password', { username: 'carol', password: 'carol-password-2', current_password: 'carol-password-1' });
    expect([pw.status, pw.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    expect(pw.body.message).toContain('key scope does not include account (needs account:manage)');
    // Any key may ask who it is.
    expect((await t.call<UserBody>(scoped('experiments:read'), 'get', '/api/2.0/mlflow/users/current')).body.user.username).toBe('carol');
    // account:read reads, but does not issue.
    expect((await t.call(scoped('account:read'), 'get', KEYS)).status).toBe(200);
    expect((await t.call(scoped('account:read'), 'post', KEYS, { scopes: ['account:read'] })).status).toBe(403);
    // account:manage issues within its own scopes only.
    const holder = scoped('account:manage', 'experiments:edit');
    const within = await t.call(holder, 'post', KEYS, { scopes: ['experiments:read'] });
    expect(within.status).toBe(201);
    const unscoped = await t.call(holder, 'post', KEYS, {});
    expect(unscoped.status).toBe(403);
    expect(unscoped.body.detail).toContain('cannot issue an unscoped key');
    const broader = await t.call(holder, 'post', KEYS, { scopes: ['experiments:manage', 'audit:read'] });
    expect(broader.status).toBe(403);
    expect(broader.body.detail).toContain('scopes audit:read, experiments:manage exceed');
  });

  it("caps an admin's key: without admin:manage it is a plain user in authz", async () => {
    const adminKey = (...scopes: string[]) => ({ ...admin, scopes });
    expect((await t.call(adminKey('experiments:read'), 'post', '/api/2.0/mlflow/users/create', { username: 'erin', password: 'erin-password-1' })).status).toBe(403);
    expect((await t.call(adminKey('account:read'), 'get', KEYS, { ownerId: dave })).body.apiKeys).toEqual([]);
    expect((await t.call(adminKey('account:read'), 'get', '/api/2.0/mlflow/users/get', { username: 'dave' })).status).toBe(403);
    expect((await t.call<UserBody>(adminKey('experiments:read'), 'get', '/api/2.0/mlflow/users/current')).body.user.is_admin).toBe(false);
    expect((await t.call(adminKey('admin:manage'), 'post', '/api/2.0/mlflow/users/create', { username: 'erin', password: 'erin-password-1' })).status).toBe(200);
    expect((await t.call<{ apiKeys: ApiKeyView[] }>(adminKey('admin:manage', 'account:read'), 'get', KEYS, { ownerId: dave })).body.apiKeys.length).toBeGreaterThan(0);
  });
});
