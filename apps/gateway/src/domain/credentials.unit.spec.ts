import { classifyBearer, credentialKindOf, parseAuthorization } from './credentials';

describe('parseAuthorization', () => {
  it('reads bearer tokens and basic credentials (password may contain colons)', () => {
    expect(parseAuthorization('Bearer abc.def')).toEqual({ kind: 'bearer', token: 'abc.def' });
    const basic = Buffer.from('alice:pa:ss').toString('base64');
    expect(parseAuthorization(`Basic ${basic}`)).toEqual({ kind: 'basic', username: 'alice', password: 'pa:ss' });
  });
  it('tells missing from malformed', () => {
    expect(parseAuthorization(undefined)).toEqual({ kind: 'none' });
    expect(parseAuthorization('Bearer ').kind).toBe('malformed');
    expect(parseAuthorization('Digest x').kind).toBe('malformed');
    expect(parseAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`).kind).toBe('malformed');
  });
});

describe('bearer tokens', () => {
  it.each([
    ['cus_abcdefgh_0123456789abcdefghijABCDEFGHIJ0123456789abc', 'api_key'],
    ['eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln', 'jwt'],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.', 'jwt'],
    ['opaque-token', 'unknown'],
    ['a.b.c.d', 'unknown'],
  ])('%s is %s', (token, kind) => expect(classifyBearer(token)).toBe(kind));

  it('names the credential kind for events, never the secret', () => {
    expect(credentialKindOf(parseAuthorization('Bearer cus_x'))).toBe('api_key');
    expect(credentialKindOf(parseAuthorization('Bearer a.b.c'))).toBe('bearer');
    expect(credentialKindOf(parseAuthorization(`Basic ${Buffer.from('u:p').toString('base64')}`))).toBe('basic');
    expect(credentialKindOf(parseAuthorization(undefined))).toBe('none');
    expect(credentialKindOf(parseAuthorization('Digest x'))).toBeUndefined();
  });
});
