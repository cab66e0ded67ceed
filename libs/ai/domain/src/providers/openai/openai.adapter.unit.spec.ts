import { ChatChunk, ChatRequest, CompletionRequest, EmbeddingsRequest } from '../../canonical';
import { ProviderTarget } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { decodeAll, errorCases, errorReply, fixtureJson, okReply, splits, sseBytes, thrownBy } from '../testing/fixtures';
import { openAiAdapter } from './openai.adapter';

const P = 'openai';
const chat = openAiAdapter.chat!;
const completions = openAiAdapter.completions!;
const embeddings = openAiAdapter.embeddings!;
const target: ProviderTarget = { provider: 'openai', model: 'gpt-4o-mini' };
const key = { api_key: 'sk-test-123456' };

async function body(p: Promise<{ body?: string }> | { body?: string }): Promise<unknown> {
  return JSON.parse((await p).body ?? 'null') as unknown;
}

describe('openai adapter: requests', () => {
  it('sends a chat request as OpenAI wire JSON with the target model, the extras, and the bearer key', async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>(P, 'chat.request.canonical.json'));
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(req.headers).toMatchObject({ authorization: 'Bearer sk-test-123456', 'content-type': 'application/json', accept: 'application/json' });
    expect(JSON.parse(req.body ?? '')).toEqual(fixtureJson(P, 'chat.request.wire.json'));
  });

  it('asks for the usage chunk on streams and takes the base URL and organisation from the target', async () => {
    const t: ProviderTarget = { ...target, baseUrl: 'https://proxy.example.com/v1/', options: { organization: 'org-1', project: 'proj-1' } };
    const req = await chat.request(t, key, fixtureJson<ChatRequest>(P, 'chat-stream.request.canonical.json'));
    expect(req.url).toBe('https://proxy.example.com/v1/chat/completions');
    expect(req.headers).toMatchObject({ accept: 'text/event-stream', 'openai-organization': 'org-1', 'openai-project': 'proj-1' });
    expect(JSON.parse(req.body ?? '')).toEqual(fixtureJson(P, 'chat-stream.request.wire.json'));
  });

  it('names the token limit max_completion_tokens for reasoning models', async () => {
    const wire = (await body(chat.request({ ...target, model: 'o3-mini' }, key, { messages: [{ role: 'user', content: 'x' }], max_tokens: 50 }))) as Record<string, unknown>;
    expect(wire['max_completion_tokens']).toBe(50);
    expect(wire).not.toHaveProperty('max_tokens');
  });

  it('sends completions and embeddings requests with the target model', async () => {
    const c = await completions.request({ ...target, model: 'gpt-3.5-turbo-instruct' }, key, fixtureJson<CompletionRequest>(P, 'completions.request.canonical.json'));
    expect(c.url).toBe('https://api.openai.com/v1/completions');
    expect(JSON.parse(c.body ?? '')).toEqual(fixtureJson(P, 'completions.request.wire.json'));
    const e = await embeddings.request({ ...target, model: 'text-embedding-3-small' }, key, fixtureJson<EmbeddingsRequest>(P, 'embeddings.request.canonical.json'));
    expect(e.url).toBe('https://api.openai.com/v1/embeddings');
    expect(JSON.parse(e.body ?? '')).toEqual(fixtureJson(P, 'embeddings.request.wire.json'));
  });
});

describe('openai adapter: replies', () => {
  it('reads a chat completion with tool calls, logprobs and cached prompt tokens', () => {
    expect(chat.response(okReply(P, 'chat.response.wire.json'), target)).toEqual(fixtureJson(P, 'chat.response.canonical.json'));
  });

  it('reads completions and embeddings replies', () => {
    expect(completions.response(okReply(P, 'completions.response.wire.json'), target)).toEqual(fixtureJson(P, 'completions.response.canonical.json'));
    expect(embeddings.response(okReply(P, 'embeddings.response.wire.json'), target)).toEqual(fixtureJson(P, 'embeddings.response.canonical.json'));
  });

  it('refuses a 200 reply that is not a completion as a protocol failure', () => {
    expect(thrownBy(() => chat.response({ status: 200, headers: {}, body: '<html>hi</html>' }, target))).toMatchObject({ kind: 'protocol' });
    expect(thrownBy(() => chat.response({ status: 200, headers: {}, body: '{"object":"list"}' }, target))).toMatchObject({ kind: 'protocol' });
  });
});

describe('openai adapter: streams', () => {
  const expected = fixtureJson<ChatChunk[]>(P, 'chat.stream.canonical.json');
  it.each(splits(sseBytes(P, 'chat.stream.sse')))('decodes a chat stream with tool call deltas and the usage chunk ($name)', ({ parts }) => {
    expect(decodeAll(chat.stream!(target), parts)).toEqual(expected);
  });

  it.each(splits(sseBytes(P, 'completions.stream.sse')))('decodes a completions stream ($name)', ({ parts }) => {
    expect(decodeAll(completions.stream!(target), parts)).toEqual(fixtureJson(P, 'completions.stream.canonical.json'));
  });

  it('turns an error event inside the stream into the error class it names', () => {
    const d = chat.stream!(target);
    let err: unknown;
    const got: ChatChunk[] = [];
    try {
      got.push(...d.push(sseBytes(P, 'chat.stream-error.sse')));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind: 'server' });
    expect((err as Error).message).toContain('The server had an error');
  });

  it('reports a stream that ended before [DONE] as a protocol failure', () => {
    const d = chat.stream!(target);
    expect(d.push(sseBytes(P, 'chat.stream-cut.sse'))).toHaveLength(3);
    expect(thrownBy(() => d.end())).toMatchObject({ kind: 'protocol' });
  });

  it('reports a chunk that is not JSON as a protocol failure', () => {
    expect(thrownBy(() => chat.stream!(target).push(new TextEncoder().encode('data: {"id":\n\n')))).toMatchObject({ kind: 'protocol' });
  });
});

describe('openai adapter: errors', () => {
  it.each(errorCases(P))('classifies $name ($status) as $kind', (c) => {
    const e = openAiAdapter.error(errorReply(c));
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.kind).toBe(c.kind);
    expect(e.upstreamStatus).toBe(c.status);
    expect(e.retryAfterMs).toBe(c.retryAfterMs);
  });

  it('never repeats the provider key, even masked, in an error message', () => {
    const invalidKey = errorCases(P).find((c) => c.kind === 'auth')!;
    expect(openAiAdapter.error(errorReply(invalidKey)).message).not.toMatch(/sk-|abcd/);
  });
});

describe('openai adapter: targets', () => {
  it('needs a model and accepts only an http(s) base URL', () => {
    expect(openAiAdapter.validateTarget(target)).toEqual([]);
    expect(openAiAdapter.validateTarget({ ...target, model: '' })).toEqual(['model is required']);
    expect(openAiAdapter.validateTarget({ ...target, baseUrl: 'ftp://x' })).toHaveLength(1);
  });
});
