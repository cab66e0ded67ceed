import { generateKeyPairSync, sign } from 'node:crypto';
import { Principal } from '@custos/rbac';
import { InternalTokenError, principalFromClaims, signInternalToken, verifyInternalToken } from './internal-token';

describe('internal token', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const alice: Principal = { id: 'u1', kind: 'user', roles: ['admin'], groups: ['ml'] };
  const roundTrip = (p: Principal) => principalFromClaims(verifyInternalToken(publicKey, signInternalToken(privateKey, p, 'cid-1', '127.0.0.1')));

  it('carries a principal without scopes as unrestricted (no scopes field at all)', () => {
    expect(roundTrip(alice)).toEqual(alice);
    expect('scopes' in roundTrip(alice)).toBe(false);
  });

  it("carries a scoped key's scopes, including an empty list (which allows nothing)", () => {
    expect(roundTrip({ ...alice, scopes: ['experiments:read'] })).toEqual({ ...alice, scopes: ['experiments:read'] });
    expect(roundTrip({ ...alice, scopes: [] })).toEqual({ ...alice, scopes: [] });
  });

  it('refuses a signed token whose scopes are not a list of strings, rather than reading them as absent', () => {
    const now = Math.floor(Date.now() / 1000);
    for (const scp of ['experiments:read', [1], null, {}]) {
      const body = Buffer.from(JSON.stringify({ v: 1, sub: 'u1', kind: 'user', roles: [], groups: [], scp, cid: 'c', iat: now, exp: now + 60 })).toString('base64url');
      const token = `${body}.${sign(null, Buffer.from(body), privateKey).toString('base64url')}`;
      expect(() => verifyInternalToken(publicKey, token)).toThrow(InternalTokenError);
    }
  });
});
