import { credentialFromInput, credentialHint } from './credential-input';

describe('credential input and its masked hint', () => {
  it('a string is the api_key; an object names its fields', () => {
    expect(credentialFromInput('openai', 'sk-abc')).toEqual({ api_key: 'sk-abc' });
    expect(credentialFromInput('bedrock', { aws_access_key_id: 'AKIA1', aws_secret_access_key: 's' })).toEqual({ aws_access_key_id: 'AKIA1', aws_secret_access_key: 's' });
  });

  it.each([
    ['bedrock', 'just-a-key', /needs aws_access_key_id, aws_secret_access_key/],
    ['openai', {}, /1-16 fields/],
    ['openai', { api_key: 7 }, /api_key must be a string/],
    ['openai', { 'Api-Key': 'x' }, /field names must be/],
    ['openai', '', /must be 1-65536 characters/],
    ['openai', ' sk-padded ', /leading or trailing white space/],
    ['anthropic', { token: 'x' }, /needs api_key/],
  ] as const)('refuses %s %j without echoing the value', (provider, value, message) => {
    let error: Error | undefined;
    try {
      credentialFromInput(provider, value);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    if (typeof value === 'string' && value.trim()) expect(error?.message).not.toContain(value.trim());
  });

  it('hints show the prefix and last four of a long key, less of a short one, nothing of a tiny one', () => {
    expect(credentialHint({ api_key: 'sk-proj-0123456789abcdefwxyz' })).toBe('sk-...wxyz');
    expect(credentialHint({ api_key: '0123456789ab' })).toBe('...ab');
    expect(credentialHint({ api_key: 'abc' })).toBe('...');
    expect(credentialHint({ aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' })).toBe('AKI...MPLE');
    // Never more than 7 characters of the value.
    const key = 'sk-' + 'x'.repeat(100);
    expect(credentialHint({ api_key: key }).replace('...', '').length).toBeLessThanOrEqual(7);
  });
});
