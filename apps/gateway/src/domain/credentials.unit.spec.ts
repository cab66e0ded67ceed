import { parseAuthorization } from './credentials';

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
