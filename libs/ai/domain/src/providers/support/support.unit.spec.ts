import { UpstreamError } from '../../upstream-error';
import { anthropicAdapter } from '../anthropic/anthropic.adapter';
import { encodeEmbedding } from './embedding-input';
import { FailureAfterChunks } from './failure-after-chunks';
import { safeMessage } from './upstream-status';

describe('provider support', () => {
  it('never shows a provider key an upstream message echoes back', () => {
    expect(safeMessage('bad key sk-ant-api03-abcdefghijkl and AIzaSyAbcdefghijklmnop and AKIAABCDEFGHIJKLMNOP')).toBe('bad key [redacted] and [redacted] and [redacted]');
    const e = anthropicAdapter.error({
      status: 401,
      headers: {},
      body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key sk-ant-api03-secretsecret' } }),
    });
    expect(e.message).not.toContain('secretsecret');
  });

  it('holds back an error met after chunks of the same push until the next call', () => {
    const f = new FailureAfterChunks();
    const boom = new UpstreamError('server', 'boom');
    const handle = (n: number) => {
      if (n < 0) throw boom;
      return [n];
    };
    expect(f.run([1, 2, -1, 3], handle)).toEqual([1, 2]);
    expect(() => f.run([4], handle)).toThrow(boom);
    expect(() => f.rethrow()).toThrow(boom);
    expect(() => new FailureAfterChunks().run([-1, 5], handle)).toThrow(boom);
  });

  it('refuses completions options a chat API cannot honour', async () => {
    const c = anthropicAdapter.completions!;
    const t = { provider: 'anthropic' as const, model: 'm' };
    const k = { api_key: 'k' };
    await expect(async () => c.request(t, k, { prompt: ['a', 'b'] })).rejects.toMatchObject({ kind: 'bad_request' });
    await expect(async () => c.request(t, k, { prompt: 'a', echo: true })).rejects.toMatchObject({ kind: 'bad_request' });
    await expect(async () => c.request(t, k, { prompt: 'a', suffix: 'z' })).rejects.toMatchObject({ kind: 'bad_request' });
  });

  it('encodes embeddings as OpenAI does for base64: little-endian float32', () => {
    expect(encodeEmbedding([1, -2], 'float')).toEqual([1, -2]);
    const b64 = encodeEmbedding([1, -2], 'base64') as string;
    const buf = Buffer.from(b64, 'base64');
    expect([buf.readFloatLE(0), buf.readFloatLE(4)]).toEqual([1, -2]);
  });
});
