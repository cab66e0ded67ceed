import { Principal } from '@custos/rbac';
import { CredentialCache } from './credential-cache';

const alice: Principal = { id: 'u1', kind: 'user', roles: [], groups: [] };

describe('verified-credential cache', () => {
  it('keys by a hash of the parts, never holding the secret', () => {
    const k = CredentialCache.keyOf('custos-basic', 'alice', 's3cret');
    expect(k).not.toContain('s3cret');
    expect(k).not.toBe(CredentialCache.keyOf('custos-basic', 'alices', '3cret'));
  });

  it('expires at the TTL or the credential expiry, whichever is first', () => {
    const c = new CredentialCache(1000, 10);
    c.set('a', alice, undefined, c.generation, 0);
    c.set('b', alice, 300, c.generation, 0);
    expect(c.get('a', 999)).toBe(alice);
    expect(c.get('a', 1000)).toBeUndefined();
    expect(c.get('b', 299)).toBe(alice);
    expect(c.get('b', 300)).toBeUndefined();
  });

  it('drops everything on clear and refuses answers that started before it', () => {
    const c = new CredentialCache(1000, 10);
    const started = c.generation;
    c.set('a', alice, undefined, started, 0);
    c.clear();
    expect(c.get('a', 1)).toBeUndefined();
    c.set('a', alice, undefined, started, 1);
    expect(c.get('a', 2)).toBeUndefined();
    c.set('a', alice, undefined, c.generation, 2);
    expect(c.get('a', 3)).toBe(alice);
  });

  it('stays within its size', () => {
    const c = new CredentialCache(1000, 2);
    for (const k of ['a', 'b', 'c']) c.set(k, alice, undefined, c.generation, 0);
    expect(c.size).toBe(2);
    expect(c.get('a', 1)).toBeUndefined();
  });
});
