import { signAws } from './bedrock-sign';

// The "get-vanilla" case of AWS's published Signature Version 4 test suite.
const EXAMPLE_CREDENTIAL = { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('SigV4 signing', () => {
  it('reproduces the published get-vanilla signature', async () => {
    const signed = await signAws({ method: 'GET', url: 'https://example.amazonaws.com/', headers: {} }, EXAMPLE_CREDENTIAL, {
      region: 'us-east-1',
      service: 'service',
      signingDate: new Date('2015-08-30T12:36:00Z'),
    });
    expect(signed.headers['x-amz-date']).toBe('20150830T123600Z');
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs the session token and sends a Bedrock API key as a bearer token instead', async () => {
    const req = { method: 'POST' as const, url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse', headers: { 'content-type': 'application/json' }, body: '{}' };
    const withToken = await signAws(req, { ...EXAMPLE_CREDENTIAL, aws_session_token: 'session-token' }, { region: 'us-east-1', service: 'bedrock' });
    expect(withToken.headers['x-amz-security-token']).toBe('session-token');
    expect(withToken.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
    const bearer = await signAws(req, { api_key: 'bedrock-api-key' }, { region: 'us-east-1', service: 'bedrock' });
    expect(bearer.headers.authorization).toBe('Bearer bedrock-api-key');
    await expect(signAws(req, {}, { region: 'us-east-1', service: 'bedrock' })).rejects.toMatchObject({ kind: 'auth' });
  });
});
