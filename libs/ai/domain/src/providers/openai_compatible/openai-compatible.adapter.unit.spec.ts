import { ChatChunk } from '../../canonical';
import { ProviderTarget } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { decodeAll, errorCases, errorReply, fixtureJson, okReply, splits, sseBytes, thrownBy } from '../testing/fixtures';
import { openAiCompatibleAdapter } from './openai-compatible.adapter';

const P = 'openai_compatible';
const chat = openAiCompatibleAdapter.chat!;
const ollama: ProviderTarget = { provider: 'openai_compatible', model: 'llama3.2', baseUrl: 'http://127.0.0.1:11434/v1' };

describe('openai-compatible adapter: requests', () => {
  it('sends no authorization header when the server takes no key', async () => {
    const req = await chat.request(ollama, {}, { messages: [{ role: 'user', content: 'hi' }] });
    expect(req.url).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(Object.keys(req.headers).map((h) => h.toLowerCase())).not.toContain('authorization');
    expect(JSON.parse(req.body ?? '')).toEqual({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('sends a bearer key when one is stored, and asks for stream usage unless the target says the server refuses it', async () => {
    const groq: ProviderTarget = { provider: 'openai_compatible', model: 'llama-3.3-70b-versatile', baseUrl: 'https://api.groq.com/openai/v1' };
    const req = await chat.request(groq, { api_key: 'gsk_abc' }, { messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(req.headers['authorization']).toBe('Bearer gsk_abc');
    expect(JSON.parse(req.body ?? '')).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const noUsage = await chat.request({ ...ollama, options: { stream_usage: 'false' } }, {}, { messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(JSON.parse(noUsage.body ?? '')).not.toHaveProperty('stream_options');
  });

  it('sends developer turns as system turns, which every local server template knows', async () => {
    const req = await chat.request(
      ollama,
      {},
      {
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: 'hi' },
        ],
      },
    );
    expect(JSON.parse(req.body ?? '')).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
  });

  it('serves completions and embeddings at the same base', async () => {
    expect((await openAiCompatibleAdapter.completions!.request(ollama, {}, { prompt: 'x' })).url).toBe('http://127.0.0.1:11434/v1/completions');
    expect((await openAiCompatibleAdapter.embeddings!.request(ollama, {}, { input: 'x' })).url).toBe('http://127.0.0.1:11434/v1/embeddings');
  });
});

describe('openai-compatible adapter: replies and streams', () => {
  it('reads a DeepSeek reply with its cache fields', () => {
    expect(chat.response(okReply(P, 'deepseek.response.wire.json'), { ...ollama, model: 'deepseek-chat' })).toEqual(fixtureJson(P, 'deepseek.response.canonical.json'));
  });

  it.each(splits(sseBytes(P, 'ollama.stream.sse')))('decodes a stream without usage, leaving usage absent for the pipeline to estimate ($name)', ({ parts }) => {
    const chunks = decodeAll(chat.stream!(ollama), parts);
    expect(chunks).toEqual(fixtureJson<ChatChunk[]>(P, 'ollama.stream.canonical.json'));
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it.each(splits(sseBytes(P, 'vllm.stream.sse')))('decodes vLLM usage sent in a chunk without choices ($name)', ({ parts }) => {
    expect(decodeAll(chat.stream!(ollama), parts)).toEqual(fixtureJson<ChatChunk[]>(P, 'vllm.stream.canonical.json'));
  });

  it.each(splits(sseBytes(P, 'groq.stream.sse')))('reads Groq stream usage from x_groq ($name)', ({ parts }) => {
    expect(decodeAll(chat.stream!(ollama), parts)).toEqual(fixtureJson<ChatChunk[]>(P, 'groq.stream.canonical.json'));
  });

  it('classifies an error object a server sent with status 200 by its fields', () => {
    const body = JSON.stringify({ error: { message: "This model's maximum context length is 2048 tokens", type: 'invalid_request_error', code: 'context_length_exceeded' } });
    expect(thrownBy(() => chat.response({ status: 200, headers: {}, body }, ollama))).toMatchObject({ kind: 'context_length' });
    expect(thrownBy(() => openAiCompatibleAdapter.embeddings!.response({ status: 200, headers: {}, body: '{"error":"boom"}' }, ollama))).toMatchObject({ kind: 'protocol' });
  });

  it('accepts a stream without [DONE] once every choice finished, but not one cut before that', () => {
    expect(decodeAll(chat.stream!(ollama), [sseBytes(P, 'llamacpp.stream-no-done.sse')])).toHaveLength(2);
    const cut = chat.stream!(ollama);
    cut.push(new TextEncoder().encode('data: {"id":"x","choices":[{"index":0,"delta":{"content":"o"},"finish_reason":null}]}\n\n'));
    expect(thrownBy(() => cut.end())).toMatchObject({ kind: 'protocol' });
  });

  it('does not take one finished choice of several for the end of the stream', () => {
    const d = chat.stream!(ollama);
    const enc = new TextEncoder();
    d.push(enc.encode('data: {"id":"x","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\n\n'));
    d.push(enc.encode('data: {"id":"x","choices":[{"index":1,"delta":{"content":"b"},"finish_reason":null}]}\n\n'));
    d.push(enc.encode('data: {"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'));
    expect(thrownBy(() => d.end())).toMatchObject({ kind: 'protocol' });
  });

  it('reads a vLLM error object sent inside a stream as the error it is', () => {
    const d = chat.stream!(ollama);
    const bytes = new TextEncoder().encode('data: {"object":"error","message":"This model\'s maximum context length is 4096 tokens.","type":"BadRequestError","code":400}\n\n');
    expect(thrownBy(() => d.push(bytes))).toMatchObject({ kind: 'context_length' });
  });
});

describe('openai-compatible adapter: errors and targets', () => {
  it.each(errorCases(P))('classifies $name ($status) as $kind', (c) => {
    const e = openAiCompatibleAdapter.error(errorReply(c));
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.kind).toBe(c.kind);
    expect(e.retryAfterMs).toBe(c.retryAfterMs);
  });

  it('masks key-like text that a server echoes in its message', () => {
    const e = openAiCompatibleAdapter.error({ status: 400, headers: {}, body: JSON.stringify({ error: { message: 'bad key gsk_abcdef123456 for model' } }) });
    expect(e.message).not.toContain('gsk_abcdef123456');
  });

  it('requires a base URL', () => {
    expect(openAiCompatibleAdapter.validateTarget(ollama)).toEqual([]);
    expect(openAiCompatibleAdapter.validateTarget({ provider: 'openai_compatible', model: 'm' })).toHaveLength(1);
  });
});
