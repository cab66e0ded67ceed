import { specFor } from './decider.spec-helper';
import { settingsDecider, SettingsEvent } from './settings.decider';

const spec = specFor(settingsDecider);

const oidc = {
  providerId: 'corp-sso',
  kind: 'oidc' as const,
  enabled: true,
  oidc: {
    issuer: 'https://id.example.com/',
    audience: 'custos',
    jwksUri: 'https://id.example.com/.well-known/jwks.json',
    allowedAlgorithms: ['RS256' as const],
    usernameClaim: 'preferred_username',
    groupsClaim: 'groups',
    maxClockSkewSeconds: 30,
  },
  groupRoleMap: { 'ml-admins': ['admin'] },
};
const ldap = {
  providerId: 'ad',
  kind: 'ldap' as const,
  enabled: true,
  ldap: {
    url: 'ldaps://ad.example.com:636',
    searchBase: 'ou=people,dc=example,dc=com',
    searchFilter: '(uid={username})',
    bindDn: 'cn=svc,dc=example,dc=com',
    bindPasswordSecretName: 'LDAP_BIND_PASSWORD',
  },
  groupRoleMap: {},
};

describe('settings decider', () => {
  it('sets the default permission, and records nothing when unchanged', () => {
    const set: SettingsEvent = { type: 'authz.DefaultPermissionSet', data: { permission: 'READ' } };
    spec.given().when({ type: 'SetDefaultPermission', permission: 'READ' }).then([set]);
    spec.given(set).when({ type: 'SetDefaultPermission', permission: 'READ' }).thenNothing();
  });

  it('configures OIDC and LDAP providers, filling schema defaults', () => {
    spec
      .given()
      .when({ type: 'ConfigureIdentityProvider', provider: oidc })
      .then([{ type: 'authz.IdentityProviderConfigured', data: oidc }]);
    spec
      .given()
      .when({ type: 'ConfigureIdentityProvider', provider: ldap })
      .then([{ type: 'authz.IdentityProviderConfigured', data: ldap }]);
    const minimal = { ...oidc, oidc: { issuer: oidc.oidc.issuer, audience: 'custos', jwksUri: oidc.oidc.jwksUri, allowedAlgorithms: ['ES256'] } };
    const [event] = spec
      .given()
      .when({ type: 'ConfigureIdentityProvider', provider: minimal })
      .then([
        { type: 'authz.IdentityProviderConfigured', data: { ...oidc, oidc: { ...minimal.oidc, allowedAlgorithms: ['ES256'], usernameClaim: 'sub', groupsClaim: 'groups', maxClockSkewSeconds: 60 } } },
      ]);
    spec.given(event).when({ type: 'ConfigureIdentityProvider', provider: minimal }).thenNothing();
  });

  it.each([
    ['an LDAP bind password', { ...ldap, ldap: { ...ldap.ldap, bindPassword: 'hunter2' } }, /never stored/],
    ['plaintext OIDC discovery', { ...oidc, oidc: { ...oidc.oidc, jwksUri: 'http://id.example.com/jwks' } }, /https/],
    ['plaintext LDAP off loopback', { ...ldap, ldap: { ...ldap.ldap, url: 'ldap://ad.example.com' } }, /ldaps/],
    ['the none algorithm', { ...oidc, oidc: { ...oidc.oidc, allowedAlgorithms: ['none'] } }, /allowedAlgorithms/],
    ['no algorithms', { ...oidc, oidc: { ...oidc.oidc, allowedAlgorithms: [] } }, /allowedAlgorithms/],
    ['OIDC without settings', { ...oidc, oidc: undefined }, /needs oidc settings/],
    ['LDAP without a way to find users', { ...ldap, ldap: { url: 'ldaps://ad.example.com' } }, /userDnTemplate or searchBase/],
    ['a bind DN without its secret name', { ...ldap, ldap: { ...ldap.ldap, bindPasswordSecretName: undefined } }, /go together/],
    ['a bad provider id', { ...oidc, providerId: 'Corp SSO' }, /Invalid provider id/],
  ])('refuses %s', (_label, provider, message) => {
    spec.given().when({ type: 'ConfigureIdentityProvider', provider }).thenError('INVALID_PARAMETER_VALUE', message);
  });

  it('allows plaintext on loopback for local development', () => {
    const local = { ...oidc, oidc: { ...oidc.oidc, issuer: 'http://127.0.0.1:9000/', jwksUri: 'http://localhost:9000/jwks' } };
    spec
      .given()
      .when({ type: 'ConfigureIdentityProvider', provider: local })
      .then([{ type: 'authz.IdentityProviderConfigured', data: local }]);
  });

  it('removes a configured provider only', () => {
    const configured: SettingsEvent = { type: 'authz.IdentityProviderConfigured', data: oidc };
    spec
      .given(configured)
      .when({ type: 'RemoveIdentityProvider', providerId: 'corp-sso' })
      .then([{ type: 'authz.IdentityProviderRemoved', data: { providerId: 'corp-sso' } }]);
    spec.given().when({ type: 'RemoveIdentityProvider', providerId: 'corp-sso' }).thenError('RESOURCE_DOES_NOT_EXIST');
    spec.given().when({ type: 'RemoveIdentityProvider', providerId: '__proto__' }).thenError('RESOURCE_DOES_NOT_EXIST');
  });
});
