import { expect } from '@jest/globals';
import { classifyBearer, credentialKindOf, parseAuthorization, parsePresented, safeAccountName } from './credentials';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

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
    expect(credentialKindOf(parseAuthorization(`Basic ${b64('a\u0000:p')}`))).toBe('basic');
    expect(credentialKindOf(parseAuthorization('Bearer cus_\u0001'))).toBe('api_key');
  });
});

/** Credentials that can never be valid are known before any lookup, with what they claimed for the audit record. */
describe('credentials that cannot be valid', () => {
  it.each<[string, string, RegExp, string | undefined]>([
    ['a NUL in the user name', `Basic ${b64('al\u0000ice:secret')}`, /user name has control characters/, 'al\\u0000ice'],
    ['another control character in the user name', `Basic ${b64('bob\u001b[2J:secret')}`, /control characters/, 'bob\\u001b[2J'],
    ['a C1 control character in the user name', `Basic ${b64('bob\u0085:secret')}`, /control characters/, 'bob\\u0085'],
    ['an over-long user name', `Basic ${b64(`${'u'.repeat(257)}:secret`)}`, /longer than 256/, 'u'.repeat(256)],
    ['an empty user name', `Basic ${b64(':secret')}`, /empty user name/, undefined],
    ['an empty password', `Basic ${b64('alice:')}`, /empty password/, 'alice'],
    ['a NUL in the password', `Basic ${b64('alice:se\u0000cret')}`, /NUL/, 'alice'],
    ['an over-long password', `Basic ${b64(`alice:${'p'.repeat(1025)}`)}`, /longer than 1024/, 'alice'],
    ['bytes that are not UTF-8', `Basic ${b64(Buffer.from([0x61, 0xff, 0x3a, 0x70]))}`, /not UTF-8/, 'a\ufffd'],
    ['an encoded lone surrogate', `Basic ${b64(Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x3a, 0x70]))}`, /not UTF-8/, 'a\ufffd\ufffd\ufffd'],
    ['base64 with foreign characters', 'Basic YWxp*2U6cHc=', /not base64/, undefined],
    ['base64 of impossible length', 'Basic YWxpY2U6c', /not base64/, undefined],
    ['base64 padded at the wrong length', 'Basic YWxpY2U6cA=', /not base64/, undefined],
    ['nothing after Basic', 'Basic', /not base64/, undefined],
  ])('basic: %s', (_name, header, detail, claimed) => {
    const c = parseAuthorization(header);
    expect(c).toMatchObject({ kind: 'malformed', presented: 'basic', detail: expect.stringMatching(detail) });
    expect(c.kind === 'malformed' && c.claimedAccount).toBe(claimed ?? undefined);
  });

  it.each<[string, string, 'api_key' | 'bearer', string]>([
    ['a NUL in an API key', 'Bearer cus_abc\u0000def', 'api_key', 'invalid API key'],
    ['a control character in an API key', 'Bearer cus_abc\u0007def', 'api_key', 'invalid API key'],
    ['a non-ASCII character in an API key', 'Bearer cus_abcdéf', 'api_key', 'invalid API key'],
    ['a non-ASCII opaque token', 'Bearer tökén', 'bearer', 'invalid API key'],
    ['an over-long API key', `Bearer cus_${'a'.repeat(8200)}`, 'api_key', 'invalid API key'],
    ['an over-long JWT', `Bearer eyJ.${'a'.repeat(8200)}.sig`, 'bearer', 'invalid token'],
  ])('bearer: %s, refused as its strategy would refuse a wrong one', (_name, header, presented, description) => {
    expect(parseAuthorization(header)).toMatchObject({ kind: 'malformed', presented, bearerDescription: description });
  });

  it('accepts what a valid credential may hold', () => {
    expect(parseAuthorization(`Basic ${b64('Zoë O’Brien:pässwörd with spaces\tand a tab')}`)).toEqual({ kind: 'basic', username: 'Zoë O’Brien', password: 'pässwörd with spaces\tand a tab' });
    expect(parseAuthorization(`Basic ${b64(`${'u'.repeat(256)}:${'p'.repeat(1024)}`)}`).kind).toBe('basic');
    expect(parseAuthorization(`Basic ${b64('alice:pw').replace(/=+$/, '')}`)).toEqual({ kind: 'basic', username: 'alice', password: 'pw' });
    expect(parseAuthorization('Bearer cus_abcdefgh_0123456789-_ABC')).toEqual({ kind: 'bearer', token: 'cus_abcdefgh_0123456789-_ABC' });
  });

  it('spells control characters in a claimed name so any store can hold it', () => {
    expect(safeAccountName('a\u0000b\u007f')).toBe('a\\u0000b\\u007f');
    expect(safeAccountName('x'.repeat(300))).toHaveLength(256);
  });
});

describe('parsePresented', () => {
  it('reads an x-api-key or api-key header as a bearer token when Authorization is absent', () => {
    expect(parsePresented({ apiKey: 'cus_abc' })).toEqual({ kind: 'bearer', token: 'cus_abc' });
    expect(parsePresented({ apiKey: ' cus_abc ' })).toEqual({ kind: 'bearer', token: 'cus_abc' });
  });
  it('lets Authorization win over an API-key header', () => {
    expect(parsePresented({ authorization: 'Bearer one', apiKey: 'two' })).toEqual({ kind: 'bearer', token: 'one' });
  });
  it('refuses an empty or non-ASCII API-key header like a bearer token', () => {
    expect(parsePresented({ apiKey: '' }).kind).toBe('malformed');
    expect(parsePresented({ apiKey: 'k\u0000ey' }).kind).toBe('malformed');
    expect(parsePresented({})).toEqual({ kind: 'none' });
  });
});
