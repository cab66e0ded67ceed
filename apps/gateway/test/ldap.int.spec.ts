import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { AccessGrants1732000001000 } from '@custos/access';
import { createTestDatabase, TestDatabase } from '@custos/testing';
import { GatewayIdentity1732000000700 } from '../src/migrations/1732000000700-gateway-identity';
import { GatewayIpRules1732000000710 } from '../src/migrations/1732000000710-gateway-ip-rules';
import { GatewayReplicaAcks1732000000720 } from '../src/migrations/1732000000720-gateway-replica-acks';
import { IdentityProjectionHandler } from '../src/identity/identity-projection.handler';
import { LdapProvider } from '../src/identity/identity.store';
import { VersionWatch } from '../src/identity/version-watch.service';
import { Authenticator } from '../src/auth/authenticator';
import { LdapDirectory } from '../src/auth/ldap/ldap-directory.service';
import { basic, credentialsContext, envelope, request, testGatewayConfig } from './gateway-harness';
import { freePort, ROOT_DN, SUFFIX, TestSlapd } from './slapd';

/**
 * LDAP simple bind against a real OpenLDAP (Debian's slapd, started here on a loopback port):
 * DN-template and search-then-bind modes, groups from memberOf, hostile user names, an empty
 * password, a directory that is down.
 */
describe('LDAP sign-in against slapd', () => {
  let slapd: TestSlapd;
  let db: TestDatabase;
  let app: INestApplicationContext;
  let ldap: LdapDirectory;
  let auth: Authenticator;
  const handler = new IdentityProjectionHandler();
  const config = testGatewayConfig({ IDP_SECRETS: JSON.stringify({ 'ldap-reader': 'admin-secret-for-tests' }), LDAP_TIMEOUT_MS: '2000' });

  const templateDir = (): LdapProvider => ({
    providerId: 'dir-a',
    kind: 'ldap',
    groupRoleMap: { 'ml-admins': ['admin'], auditors: ['auditor'] },
    ldap: { url: slapd.url, userDnTemplate: `uid={username},ou=people,${SUFFIX}`, groupsAttribute: 'memberOf' },
  });
  const searchDir = (over: Partial<LdapProvider['ldap']> = {}): LdapProvider => ({
    providerId: 'dir-b',
    kind: 'ldap',
    groupRoleMap: {},
    ldap: {
      url: slapd.url,
      searchBase: `ou=people,${SUFFIX}`,
      searchFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
      bindDn: ROOT_DN,
      bindPasswordSecretName: 'ldap-reader',
      groupsAttribute: 'memberOf',
      ...over,
    },
  });

  beforeAll(async () => {
    if (!TestSlapd.available()) throw new Error('slapd is not installed: apt-get install -y slapd ldap-utils');
    slapd = await TestSlapd.start();
    await slapd.seed(
      [
        { uid: 'ada', password: 'ada-ldap-password' },
        { uid: 'grace', password: 'grace-ldap-password' },
        { uid: 'a,b', password: 'comma-password' },
      ],
      [
        { cn: 'ml-admins', members: ['ada'] },
        { cn: 'auditors', members: ['ada', 'grace'] },
      ],
    );
    db = await createTestDatabase('gw_ldap', [GatewayIdentity1732000000700, GatewayIpRules1732000000710, GatewayReplicaAcks1732000000720, AccessGrants1732000001000]);
    app = await credentialsContext(db.dataSource, config);
    ldap = app.get(LdapDirectory);
    auth = app.get(Authenticator);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await slapd?.stop();
  });

  it('binds with a DN template and maps memberOf groups to roles', async () => {
    expect(await ldap.verify([templateDir()], 'ada', 'ada-ldap-password')).toEqual({
      ok: true,
      principal: { id: 'idp:dir-a:ada', kind: 'user', roles: ['admin', 'auditor'], groups: ['ml-admins', 'auditors'] },
    });
  });

  it('searches, then binds as the user found', async () => {
    expect(await ldap.verify([searchDir()], 'grace', 'grace-ldap-password')).toMatchObject({ ok: true, principal: { id: 'idp:dir-b:grace', groups: ['auditors'] } });
    // Anonymous search works too when no reader account is configured.
    expect(await ldap.verify([searchDir({ bindDn: undefined, bindPasswordSecretName: undefined })], 'grace', 'grace-ldap-password')).toMatchObject({ ok: true });
  });

  it('refuses a wrong password and an empty one (which LDAP would take as an anonymous bind)', async () => {
    expect(await ldap.verify([templateDir()], 'ada', 'wrong')).toMatchObject({ ok: false, detail: expect.stringMatching(/invalid credentials/) });
    expect(await ldap.verify([templateDir(), searchDir()], 'ada', '')).toMatchObject({ ok: false, detail: 'empty LDAP user name or password' });
  });

  it('escapes hostile names into plain values (RFC 4514 DN, RFC 4515 filter)', async () => {
    // Filter injection: unescaped, `ad*` would find exactly ada and her password would sign "ad*" in.
    expect((await ldap.verify([searchDir()], 'ad*', 'ada-ldap-password')).ok).toBe(false);
    // `*` and `ada)(uid=*` match nobody instead of everybody.
    expect((await ldap.verify([searchDir()], '*', 'ada-ldap-password')).ok).toBe(false);
    expect((await ldap.verify([searchDir()], 'ada)(uid=*', 'ada-ldap-password')).ok).toBe(false);
    expect((await ldap.verify([searchDir()], '*)(|(uid=*', 'ada-ldap-password')).ok).toBe(false);
    // DN injection: the comma stays inside the uid value instead of starting a new RDN.
    expect((await ldap.verify([templateDir()], 'ada,ou=people', 'ada-ldap-password')).ok).toBe(false);
    // And a real name with a comma works through both modes.
    expect((await ldap.verify([templateDir()], 'a,b', 'comma-password')).ok).toBe(true);
    expect((await ldap.verify([searchDir()], 'a,b', 'comma-password')).ok).toBe(true);
  });

  it('answers unavailable when no directory can be reached, and falls through to a reachable one', async () => {
    const down: LdapProvider = { ...templateDir(), providerId: 'down', ldap: { ...templateDir().ldap, url: `ldap://127.0.0.1:${await freePort()}` } };
    await expect(ldap.verify([down], 'ada', 'ada-ldap-password')).rejects.toThrow(/no LDAP directory answered/);
    expect((await ldap.verify([down, templateDir()], 'ada', 'ada-ldap-password')).ok).toBe(true);
  });

  it('signs in through the gateway door once the directory is configured in authz, linking a password-less account', async () => {
    await db.dataSource.transaction((tx) =>
      handler.handleBatch(
        [
          envelope('authz.IdentityProviderConfigured', { providerId: 'dir-a', kind: 'ldap', enabled: true, ldap: templateDir().ldap, groupRoleMap: templateDir().groupRoleMap }),
          envelope('authz.UserCreated', { userId: 'u-grace', username: 'grace', kind: 'user', isAdmin: false, platformRoles: [], passwordHash: null }),
        ],
        tx,
      ),
    );
    await app.get(VersionWatch).pollNow();
    const login = (authorization: string) => {
      const { req, res } = request(authorization);
      return auth.authenticate(req, res, '192.0.2.1');
    };
    expect(await login(basic('ada', 'ada-ldap-password'))).toMatchObject({ ok: true, credentialKind: 'basic', principal: { id: 'idp:dir-a:ada', roles: ['admin', 'auditor'] } });
    expect(await login(basic('grace', 'grace-ldap-password'))).toMatchObject({ ok: true, principal: { id: 'u-grace', roles: ['auditor'], groups: ['auditors'] } });
    expect(await login(basic('ada', `wrong-${randomBytes(4).toString('hex')}`))).toMatchObject({ ok: false, reason: 'invalid_credentials', claimedAccount: 'ada' });
    expect(await login(basic('ada', ''))).toMatchObject({ ok: false, reason: 'invalid_credentials' });
  });
});
