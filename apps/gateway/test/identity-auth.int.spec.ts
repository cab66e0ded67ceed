import { expect } from '@jest/globals';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { exportJWK, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { EventEnvelope } from '@custos/events';
import { AccessGrants1732000001000 } from '@custos/access';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { GatewayIdentity1732000000700 } from '../src/migrations/1732000000700-gateway-identity';
import { GatewayIpRules1732000000710 } from '../src/migrations/1732000000710-gateway-ip-rules';
import { GatewayReplicaAcks1732000000720 } from '../src/migrations/1732000000720-gateway-replica-acks';
import { IdentityProjectionHandler } from '../src/identity/identity-projection.handler';
import { VersionWatch } from '../src/identity/version-watch.service';
import { Authenticator, AuthResult } from '../src/auth/authenticator';
import { hashScryptPhc } from '../src/domain/scrypt-phc';
import { basic, credentialsContext, envelope, request, testGatewayConfig } from './gateway-harness';

const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');
const newKey = () => `cus_${randomBytes(24).toString('base64url')}`;

/**
 * The identity projection and the authenticator together on the real PostgreSQL: events as the
 * consumer applies them, credentials as the proxy presents them, revocation through the version
 * poll that every replica runs.
 */
describe('identity projection + authenticator', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let auth: Authenticator;
  let watch: VersionWatch;
  const handler = new IdentityProjectionHandler();
  const config = testGatewayConfig({ IDENTITY_POLL_MS: '50', AUTH_FAILURES_PER_ACCOUNT_BURST: '3', AUTH_FAILURES_PER_ADDRESS_BURST: '1000' });

  const apply = (...events: EventEnvelope[]) => db.dataSource.transaction((tx) => handler.handleBatch(events, tx));
  const login = async (authorization: string | undefined, ip = '192.0.2.10'): Promise<AuthResult> => {
    const { req, res } = request(authorization);
    return auth.authenticate(req, res, ip);
  };
  const settled = () => watch.pollNow();

  const aliceId = 'u-alice';
  const bobId = 'u-bob';
  const aliceKey = newKey();
  const bobKey = newKey();

  beforeAll(async () => {
    db = await createTestDatabase('gw_identity', [GatewayIdentity1732000000700, GatewayIpRules1732000000710, GatewayReplicaAcks1732000000720, AccessGrants1732000001000]);
    app = await credentialsContext(db.dataSource, config);
    auth = app.get(Authenticator);
    watch = app.get(VersionWatch);
    // ln=10 keeps the suite quick; the format and the check are the same as authz's real cost.
    const alicePw = await hashScryptPhc('alice-password', randomBytes(16), 10);
    await apply(
      envelope('authz.UserCreated', { userId: aliceId, username: 'alice', kind: 'user', isAdmin: false, platformRoles: [], passwordHash: alicePw }),
      envelope('authz.UserGroupsChanged', { userId: aliceId, groups: ['ml'] }),
      envelope('authz.UserCreated', { userId: bobId, username: 'bob', kind: 'service_account', isAdmin: false, platformRoles: ['auditor'], passwordHash: null }),
      envelope('authz.ApiKeyIssued', { keyId: 'k-alice', prefix: aliceKey.slice(0, 8), keyHash: sha256hex(aliceKey), ownerId: aliceId, name: 'laptop', scopes: [], expiresAt: null }),
      envelope('authz.ApiKeyIssued', { keyId: 'k-bob', prefix: bobKey.slice(0, 8), keyHash: sha256hex(bobKey), ownerId: bobId, name: 'ci', scopes: [], expiresAt: null }),
    );
    await settled();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('signs in with basic username + password (scrypt) and with an API key, as bearer or as the basic password', async () => {
    expect(await login(basic('alice', 'alice-password'))).toEqual({ ok: true, credentialKind: 'basic', principal: { id: aliceId, kind: 'user', roles: [], groups: ['ml'] } });
    expect(await login(`Bearer ${aliceKey}`)).toMatchObject({ ok: true, credentialKind: 'api_key', principal: { id: aliceId } });
    expect(await login(basic('alice', aliceKey))).toMatchObject({ ok: true, principal: { id: aliceId } });
    expect(await login(`Bearer ${bobKey}`)).toMatchObject({ ok: true, principal: { id: bobId, kind: 'service_account', roles: ['auditor'] } });
  });

  it('keeps the bootstrap admin key working', async () => {
    expect(await login(`Bearer ${config.BOOTSTRAP_ADMIN_API_KEY}`)).toMatchObject({ ok: true, principal: { id: 'bootstrap-admin', roles: ['admin'] } });
    expect(await login(basic('anyone', config.BOOTSTRAP_ADMIN_API_KEY))).toMatchObject({ ok: true, principal: { id: 'bootstrap-admin' } });
  });

  it('refuses wrong passwords, unknown users, unknown keys and a key presented under another name', async () => {
    expect(await login(basic('alice', 'wrong'))).toMatchObject({ ok: false, reason: 'invalid_credentials', claimedAccount: 'alice', detail: `wrong password for user ${aliceId}` });
    expect(await login(basic('nobody', 'whatever'))).toMatchObject({ ok: false, reason: 'invalid_credentials' });
    expect(await login(`Bearer ${newKey()}`)).toMatchObject({ ok: false, reason: 'invalid_credentials', credentialKind: 'api_key', bearer: { error: 'invalid_token' } });
    expect(await login(basic('bob', aliceKey))).toMatchObject({ ok: false, detail: 'API key k-alice: presented with another username' });
    expect(await login(basic('bob', 'no-password-account'))).toMatchObject({ ok: false });
    expect(await login(undefined)).toEqual({ ok: false, reason: 'unauthenticated', credentialKind: 'none' });
    expect(await login('Digest abc')).toMatchObject({ ok: false, reason: 'invalid_credentials' });
  });

  it('revokes a cached key within one poll of the version', async () => {
    expect((await login(`Bearer ${bobKey}`)).ok).toBe(true);
    await apply(envelope('authz.ApiKeyRevoked', { keyId: 'k-bob', ownerId: bobId }));
    // Without waiting on anything but the replica's own poll loop (50 ms here).
    const started = Date.now();
    for (;;) {
      if (!(await login(`Bearer ${bobKey}`)).ok) break;
      if (Date.now() - started > 5_000) throw new Error('revocation not applied within 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await login(`Bearer ${bobKey}`)).toMatchObject({ ok: false, detail: 'API key k-bob: revoked' });
  });

  it('refuses an expired key, and caches a key no longer than its expiry', async () => {
    const soon = newKey();
    const expired = newKey();
    await apply(
      envelope('authz.ApiKeyIssued', { keyId: 'k-soon', prefix: 'cus_soon', keyHash: sha256hex(soon), ownerId: aliceId, name: 'x', scopes: [], expiresAt: new Date(Date.now() + 1_500).toISOString() }),
      envelope('authz.ApiKeyIssued', {
        keyId: 'k-old',
        prefix: 'cus_old_',
        keyHash: sha256hex(expired),
        ownerId: aliceId,
        name: 'x',
        scopes: [],
        expiresAt: new Date(Date.now() - 1_000).toISOString(),
      }),
    );
    await settled();
    expect(await login(`Bearer ${expired}`)).toMatchObject({ ok: false, detail: 'API key k-old: expired' });
    expect((await login(`Bearer ${soon}`)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1_600));
    expect(await login(`Bearer ${soon}`)).toMatchObject({ ok: false, detail: 'API key k-soon: expired' });
  });

  it('applies admin and role changes to the next request', async () => {
    expect(await login(basic('alice', 'alice-password'))).toMatchObject({ principal: { roles: [] } });
    await apply(envelope('authz.UserAdminChanged', { userId: aliceId, isAdmin: true }));
    await settled();
    expect(await login(basic('alice', 'alice-password'))).toMatchObject({ principal: { roles: ['admin'] } });
    const newPw = await hashScryptPhc('new-password', randomBytes(16), 10);
    await apply(envelope('authz.UserPasswordChanged', { userId: aliceId, passwordHash: newPw }));
    await settled();
    expect((await login(basic('alice', 'alice-password'))).ok).toBe(false);
    expect((await login(basic('alice', 'new-password'))).ok).toBe(true);
  });

  it('rate-limits failed attempts per claimed account (429 data), while a verified credential still passes', async () => {
    const carolPw = await hashScryptPhc('carol-password', randomBytes(16), 10);
    await apply(envelope('authz.UserCreated', { userId: 'u-carol', username: 'carol', kind: 'user', isAdmin: false, platformRoles: [], passwordHash: carolPw }));
    await settled();
    expect((await login(basic('carol', 'carol-password'), '198.51.100.1')).ok).toBe(true);
    for (let i = 0; i < 3; i++) expect(await login(basic('carol', `guess-${i}`), `198.51.100.${10 + i}`)).toMatchObject({ reason: 'invalid_credentials' });
    const limited = await login(basic('carol', 'guess-4'), '198.51.100.99');
    expect(limited).toMatchObject({ ok: false, reason: 'rate_limited', claimedAccount: 'carol', detail: expect.stringMatching(/account/) });
    expect(limited.ok === false && limited.reason === 'rate_limited' && limited.retryAfterSeconds).toBeGreaterThan(0);
    // The right password, already verified by this replica, is not locked out by the guesser.
    expect((await login(basic('carol', 'carol-password'), '198.51.100.1')).ok).toBe(true);
  });

  it('refuses everything of a deleted user, and a late creation does not bring it back', async () => {
    await apply(envelope('authz.UserDeleted', { userId: aliceId }));
    await settled();
    expect((await login(basic('alice', 'new-password'))).ok).toBe(false);
    expect(await login(`Bearer ${aliceKey}`)).toMatchObject({ ok: false, detail: 'API key k-alice: its owner does not exist or was deleted' });
    await apply(envelope('authz.UserCreated', { userId: aliceId, username: 'alice', kind: 'user', isAdmin: true, platformRoles: [], passwordHash: null }));
    await settled();
    expect((await login(`Bearer ${aliceKey}`)).ok).toBe(false);
    // A revocation consumed before its issue stays a revocation.
    const early = newKey();
    await apply(envelope('authz.ApiKeyRevoked', { keyId: 'k-early', ownerId: bobId }));
    await apply(envelope('authz.ApiKeyIssued', { keyId: 'k-early', prefix: 'cus_earl', keyHash: sha256hex(early), ownerId: bobId, name: 'x', scopes: [], expiresAt: null }));
    await settled();
    expect((await login(`Bearer ${early}`)).ok).toBe(false);
  });

  it('gives the same tables when the events are applied twice', async () => {
    const snapshot = async () =>
      JSON.stringify([
        await db.dataSource.query(`SELECT user_id, username, kind, is_admin, platform_roles, groups, password_hash, deleted FROM gw_users ORDER BY user_id`),
        await db.dataSource.query(`SELECT key_id, prefix, key_hash, owner_id, scopes, expires_at, revoked FROM gw_api_keys ORDER BY key_id`),
        await db.dataSource.query(`SELECT provider_id, kind, enabled, settings, group_role_map FROM gw_identity_providers ORDER BY provider_id`),
      ]);
    const dave = [
      envelope('authz.UserCreated', { userId: 'u-dave', username: 'dave', kind: 'user', isAdmin: false, platformRoles: ['auditor'], passwordHash: null }),
      envelope('authz.UserPlatformRolesChanged', { userId: 'u-dave', platformRoles: [] }),
      envelope('authz.ApiKeyIssued', { keyId: 'k-dave', prefix: 'cus_dave', keyHash: sha256hex('dave'), ownerId: 'u-dave', name: 'x', scopes: ['read'], expiresAt: null }),
      envelope('authz.ApiKeyRevoked', { keyId: 'k-dave', ownerId: 'u-dave' }),
      envelope('authz.UserDeleted', { userId: 'u-dave' }),
    ];
    await apply(...dave);
    const once = await snapshot();
    await apply(...dave);
    expect(await snapshot()).toBe(once);
  });

  describe('OIDC through the projection', () => {
    let server: http.Server;
    let privateKey: KeyLike;
    let jwksUri: string;
    const issuer = 'https://login.example.test';

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'int-1', alg: 'ES256' };
      server = http.createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
      await apply(
        envelope('authz.IdentityProviderConfigured', {
          providerId: 'corp',
          kind: 'oidc',
          enabled: true,
          oidc: { issuer, audience: 'custos', jwksUri, allowedAlgorithms: ['ES256'], usernameClaim: 'email', groupsClaim: 'roles' },
          groupRoleMap: { 'platform-admins': ['admin'] },
        }),
        envelope('authz.UserCreated', { userId: 'u-erin', username: 'erin@example.test', kind: 'user', isAdmin: false, platformRoles: [], passwordHash: null }),
      );
      await settled();
    });

    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const jwt = (email: string, roles: string[]) =>
      new SignJWT({ email, roles }).setProtectedHeader({ alg: 'ES256', kid: 'int-1' }).setIssuer(issuer).setAudience('custos').setIssuedAt().setExpirationTime('5m').sign(privateKey);

    it('signs in provider users, maps groups to roles, and links password-less accounts', async () => {
      expect(await login(`Bearer ${await jwt('frank@example.test', ['platform-admins', 'ml'])}`)).toMatchObject({
        ok: true,
        credentialKind: 'bearer',
        principal: { id: 'idp:corp:frank@example.test', roles: ['admin'], groups: ['platform-admins', 'ml'] },
      });
      expect(await login(`Bearer ${await jwt('erin@example.test', [])}`)).toMatchObject({ ok: true, principal: { id: 'u-erin' } });
    });

    it('stops accepting the issuer once the provider is removed', async () => {
      const token = `Bearer ${await jwt('frank@example.test', [])}`;
      expect((await login(token)).ok).toBe(true);
      await apply(envelope('authz.IdentityProviderRemoved', { providerId: 'corp' }));
      await settled();
      expect(await login(token)).toMatchObject({ ok: false, bearer: { error: 'invalid_token' } });
    });
  });
});
