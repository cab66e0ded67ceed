import { TrackingError } from './errors';
import { decodePageToken, encodePageToken } from './page-token';

describe('page tokens', () => {
  it('round-trips an offset and treats no token as the first page', () => {
    expect(decodePageToken(encodePageToken(1000))).toBe(1000);
    expect(decodePageToken(encodePageToken(0))).toBe(0);
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it("reads MLflow's own token shape", () => {
    expect(decodePageToken(Buffer.from('{"offset": 100}').toString('base64'))).toBe(100);
  });

  it.each([
    ['not base64', 'not base64!'],
    ['bad length', 'abc'],
    ['not JSON', Buffer.from('hello').toString('base64')],
    ['no offset', Buffer.from('{"page":1}').toString('base64')],
    ['a string offset', Buffer.from('{"offset":"5"}').toString('base64')],
    ['a negative offset', Buffer.from('{"offset":-5}').toString('base64')],
    ['a fractional offset', Buffer.from('{"offset":1.5}').toString('base64')],
    ['JSON null', Buffer.from('null').toString('base64')],
    ['an absurdly long token', 'A'.repeat(400)],
  ])('refuses %s with INVALID_PARAMETER_VALUE', (_label, token) => {
    let error: unknown;
    try {
      decodePageToken(token);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrackingError);
    expect((error as TrackingError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((error as TrackingError).message).toMatch(/^Invalid page token/);
  });
});
