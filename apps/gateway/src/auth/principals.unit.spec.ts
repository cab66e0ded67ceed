import { UserRecord } from '../identity/identity.store';
import { keyPrincipal, providerPrincipal, userPrincipal } from './principals';

const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  userId: 'u1',
  username: 'alice',
  kind: 'user',
  isAdmin: false,
  platformRoles: [],
  groups: ['ml'],
  passwordHash: null,
  ...over,
});

describe('principals', () => {
  it('maps isAdmin and platform roles into roles', () => {
    expect(userPrincipal(user({ isAdmin: true, platformRoles: ['auditor', 'admin'] }))).toEqual({ id: 'u1', kind: 'user', roles: ['admin', 'auditor'], groups: ['ml'] });
  });

  it("carries a key's scopes; an unscoped key carries none (the owner's full rights)", () => {
    expect(keyPrincipal(user({ isAdmin: true }), ['experiments:read'])).toEqual({ id: 'u1', kind: 'user', roles: ['admin'], groups: ['ml'], scopes: ['experiments:read'] });
    const unscoped = keyPrincipal(user(), []);
    expect(unscoped).toEqual(userPrincipal(user()));
    expect('scopes' in unscoped).toBe(false);
  });

  it('maps provider groups: platform roles into roles, group names into groups', () => {
    const p = providerPrincipal('corp', 'bob', ['ops', 'ml'], { ops: ['admin', 'deployers'], ml: ['auditor'] });
    expect(p).toEqual({ id: 'idp:corp:bob', kind: 'user', roles: ['admin', 'auditor'], groups: ['ops', 'ml'] });
  });

  it('links to a password-less account of the same name only', () => {
    const linked = providerPrincipal('corp', 'alice', ['ops'], { ops: ['auditor'] }, user());
    expect(linked).toEqual({ id: 'u1', kind: 'user', roles: ['auditor'], groups: ['ml', 'ops'] });
    const local = providerPrincipal('corp', 'alice', [], {}, user({ passwordHash: '$scrypt$...' }));
    expect(local.id).toBe('idp:corp:alice');
  });
});
