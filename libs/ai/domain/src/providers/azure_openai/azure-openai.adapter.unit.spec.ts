import { ChatChunk, ChatRequest, EmbeddingsRequest } from '../../canonical';
import { ProviderTarget } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { decodeAll, errorCases, errorReply, fixtureJson, okReply, splits, sseBytes, thrownBy } from '../testing/fixtures';
import { azureOpenAiAdapter } from './azure-openai.adapter';

const P = 'azure_openai';
const chat = azureOpenAiAdapter.chat!;
const target: ProviderTarget = { provider: 'azure_openai', model: 'gpt4o-prod', baseUrl: 'https://my-res.openai.azure.com/', options: { api_version: '2024-10-21' } };
const key = { api_key: 'azure-key-0123456789' };

describe('azure openai adapter: requests', () => {
  it('posts to the deployment URL with the api-key header and no model in the body, even one smuggled in extras', async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>(P, 'chat.request.canonical.json'));
    expect(req.url).toBe('https://my-res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21');
    expect(req.headers['api-key']).toBe('azure-key-0123456789');
    expect(req.headers).not.toHaveProperty('authorization');
    expect(JSON.parse(req.body ?? '')).toEqual(fixtureJson(P, 'chat.request.wire.json'));
  });

  it('builds the completions and embeddings URLs the same way and accepts a base that already ends in /openai', async () => {
    const t = { ...target, baseUrl: 'https://my-res.openai.azure.com/openai', model: 'embed large' };
    const e = await azureOpenAiAdapter.embeddings!.request(t, key, fixtureJson<EmbeddingsRequest>(P, 'embeddings.request.canonical.json'));
    expect(e.url).toBe('https://my-res.openai.azure.com/openai/deployments/embed%20large/embeddings?api-version=2024-10-21');
    expect(JSON.parse(e.body ?? '')).toEqual(fixtureJson(P, 'embeddings.request.wire.json'));
    const c = await azureOpenAiAdapter.completions!.request(target, key, { prompt: 'x' });
    expect(c.url).toBe('https://my-res.openai.azure.com/openai/deployments/gpt4o-prod/completions?api-version=2024-10-21');
  });

  it('does not ask for stream usage on api-versions that refuse stream_options', async () => {
    const old = await chat.request({ ...target, options: { api_version: '2024-06-01' } }, key, { messages: [{ role: 'user', content: 'x' }], stream: true });
    expect(JSON.parse(old.body ?? '')).not.toHaveProperty('stream_options');
    const preview = await chat.request({ ...target, options: { api_version: '2025-01-01-preview' } }, key, { messages: [{ role: 'user', content: 'x' }], stream: true });
    expect(JSON.parse(preview.body ?? '')).toMatchObject({ stream_options: { include_usage: true } });
  });
});

describe('azure openai adapter: replies and streams', () => {
  it('reads a reply whose answer the content filter cut short', () => {
    expect(chat.response(okReply(P, 'chat.response.wire.json'), target)).toEqual(fixtureJson(P, 'chat.response.canonical.json'));
  });

  it.each(splits(sseBytes(P, 'chat.stream.sse')))('skips the prompt-filter preamble and decodes the stream ($name)', ({ parts }) => {
    expect(decodeAll(chat.stream!(target), parts)).toEqual(fixtureJson<ChatChunk[]>(P, 'chat.stream.canonical.json'));
  });

  it('turns a content filter error event inside a stream into a content_filter error', () => {
    const d = chat.stream!(target);
    const bytes = new TextEncoder().encode('data: {"choices":[],"id":"","model":""}\n\ndata: {"error":{"code":"content_filter","message":"The response was filtered","status":400}}\n\n');
    expect(thrownBy(() => d.push(bytes))).toMatchObject({ kind: 'content_filter' });
  });
});

describe('azure openai adapter: errors and targets', () => {
  it.each(errorCases(P))('classifies $name ($status) as $kind', (c) => {
    const e = azureOpenAiAdapter.error(errorReply(c));
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.kind).toBe(c.kind);
    expect(e.retryAfterMs).toBe(c.retryAfterMs);
  });

  it('requires the resource URL, the deployment and the api-version', () => {
    expect(azureOpenAiAdapter.validateTarget(target)).toEqual([]);
    expect(azureOpenAiAdapter.validateTarget({ provider: 'azure_openai', model: '' })).toEqual([
      'model (the deployment name) is required',
      'baseUrl (https://<resource>.openai.azure.com) is required',
      'options.api_version is required',
    ]);
  });
});
