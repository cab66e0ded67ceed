import OpenAI, { AzureOpenAI } from 'openai';
import { OpenAiFake, startOpenAiFake } from './openai-fake';

// The fake is only worth its tests if the real client library accepts its wire format: the OpenAI
// Node SDK, pointed straight at it, parses its replies, streams and errors.
let fake: OpenAiFake;
let sdk: OpenAI;
beforeAll(async () => {
  fake = await startOpenAiFake();
  sdk = new OpenAI({ baseURL: fake.openAiBase, apiKey: 'sk-fake-sdk', maxRetries: 0 });
});
afterAll(() => fake.close());

const hello = [{ role: 'user' as const, content: 'Hello AI' }];

describe('the OpenAI SDK against the OpenAI fake', () => {
  it('reads a chat answer and its usage', async () => {
    const r = await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });
    expect(r.choices[0].message.content).toBe('Fake answer to: Hello AI');
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('reads a stream with the usage chunk last', async () => {
    const stream = await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages: hello, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let completionTokens = 0;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      completionTokens = c.usage?.completion_tokens ?? completionTokens;
    }
    expect(text).toBe('Fake answer to: Hello AI');
    expect(completionTokens).toBeGreaterThan(0);
  });

  it('decodes embeddings sent base64, the SDK default', async () => {
    const e = await sdk.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 6 });
    expect(fake.requests[fake.requests.length - 1].body).toContain('"encoding_format":"base64"');
    expect(e.data.map((d) => d.embedding.length)).toEqual([6, 6]);
    expect(e.data[0].embedding.every((x) => typeof x === 'number' && Math.abs(x) <= 1)).toBe(true);
  });

  it('raises its own error types for the fake errors', async () => {
    await expect(sdk.chat.completions.create({ model: 'fail-rate_limited', messages: hello })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(sdk.chat.completions.create({ model: 'fail-not_found', messages: hello })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(sdk.chat.completions.create({ model: 'fail-context_length', messages: hello })).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });

  it('reaches the Azure deployment paths through the SDK Azure client', async () => {
    const azure = new AzureOpenAI({ endpoint: fake.azureBase, apiKey: 'azure-sdk-key', apiVersion: '2024-10-21', deployment: 'dep-1', maxRetries: 0 });
    const r = await azure.chat.completions.create({ model: 'dep-1', messages: hello });
    expect(r.choices[0].message.content).toBe('Fake answer to: Hello AI');
    expect(fake.requests[fake.requests.length - 1].url).toBe('/openai/deployments/dep-1/chat/completions?api-version=2024-10-21');
  });
});
