import { ChatRequest } from '../../canonical';
import { ErrorCase, expectErrorCases, expectSameAtEverySplit, fixtureBytes, fixtureJson, fixtureText, okReply, withoutCreated } from '../testing/provider-fixtures';
import { cohereAdapter } from './cohere.adapter';

const target = { provider: 'cohere' as const, model: 'command-a-03-2025' };
const key = { api_key: 'co-test-0123456789' };
const chat = cohereAdapter.chat!;

describe('cohere adapter', () => {
  it('translates a chat call to chat v2: developer as system, images, p, stop_sequences, JSON output', async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>('cohere', 'chat-request.canonical.json'));
    expect(req.url).toBe('https://api.cohere.com/v2/chat');
    expect(req.headers).toEqual({ 'content-type': 'application/json', authorization: `Bearer ${key.api_key}` });
    expect(JSON.parse(req.body!)).toEqual(fixtureJson('cohere', 'chat-request.wire.json'));
  });

  it('translates tool calls (the text as tool_plan), tool results, and a forced tool as that tool alone with REQUIRED', async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>('cohere', 'tools-request.canonical.json'));
    expect(JSON.parse(req.body!)).toEqual(fixtureJson('cohere', 'tools-request.wire.json'));
    expect(req.headers.accept).toBe('text/event-stream');
  });

  it('maps auto, none and required tool choices', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    const choice = async (tool_choice: ChatRequest['tool_choice']) =>
      (JSON.parse((await chat.request(target, key, { messages: [{ role: 'user', content: 'x' }], tools, tool_choice })).body!) as { tool_choice?: unknown }).tool_choice;
    expect(await choice('auto')).toBeUndefined();
    expect(await choice('none')).toBe('NONE');
    expect(await choice('required')).toBe('REQUIRED');
  });

  it('refuses n > 1 and a credential without a key', async () => {
    const m = { messages: [{ role: 'user' as const, content: 'x' }] };
    await expect(async () => chat.request(target, key, { ...m, n: 3 })).rejects.toMatchObject({ kind: 'bad_request' });
    await expect(async () => chat.request(target, {}, m)).rejects.toMatchObject({ kind: 'auth' });
  });

  it('reads a reply with the tokens the model saw and the cached ones', () => {
    const res = chat.response(okReply(fixtureText('cohere', 'chat-response.wire.json')), target);
    expect(withoutCreated([res])[0]).toEqual({
      id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
      model: 'command-a-03-2025',
      choices: [{ index: 0, message: { role: 'assistant', content: '{"animal": "cat"}' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 71, completion_tokens: 8, total_tokens: 79, cached_tokens: 64 },
    });
  });

  it('reads tool calls with the tool plan as content', () => {
    const res = chat.response(okReply(fixtureText('cohere', 'tools-response.wire.json')), target);
    expect(res.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'I will find the weather for Toronto.',
        tool_calls: [{ id: 'get_weather_1byjy32y4hvq', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Toronto"}' } }],
      },
      finish_reason: 'tool_calls',
    });
  });

  it('refuses a 2xx that is not a chat response, and one that finished with ERROR', () => {
    expect(() => chat.response(okReply('{"text":"v1 shape"}'), target)).toThrow(expect.objectContaining({ kind: 'protocol' }) as Error);
    expect(() => chat.response(okReply('{"finish_reason":"ERROR","message":{}}'), target)).toThrow(expect.objectContaining({ kind: 'server' }) as Error);
  });

  it('decodes a text stream split at every byte, with usage last', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), fixtureBytes('cohere', 'stream-text.sse'));
    expect(error).toBeUndefined();
    expect(withoutCreated(items)).toEqual(fixtureJson('cohere', 'stream-text.chunks.json'));
  });

  it('decodes a tool stream: the plan as text, then tool-call deltas', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), fixtureBytes('cohere', 'stream-tools.sse'));
    expect(error).toBeUndefined();
    const deltas = items.flatMap((c) => c.choices.map((ch) => ch.delta));
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('I will check.');
    const calls = deltas.flatMap((d) => d.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'get_weather_nsz5zm3w56q3', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(JSON.parse(calls.map((c) => c.function?.arguments ?? '').join(''))).toEqual({ location: 'Toronto' });
    expect(items.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
    expect(items[items.length - 1].usage).toEqual({ prompt_tokens: 913, completion_tokens: 81, total_tokens: 994 });
  });

  it('raises a message-end with ERROR as a server error after the text before it; a stream without message-end is broken', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), fixtureBytes('cohere', 'stream-error.sse'));
    expect(items.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Partial');
    expect(error).toMatchObject({ kind: 'server', message: 'cohere: internal server error, this has been reported to our developers' });
    const text = fixtureText('cohere', 'stream-text.sse');
    const d = chat.stream!(target);
    d.push(new TextEncoder().encode(text.slice(0, text.indexOf('event: message-end'))));
    expect(() => d.end()).toThrow(expect.objectContaining({ kind: 'protocol' }) as Error);
  });

  it('classifies every error reply', () => {
    expectErrorCases(cohereAdapter, fixtureJson<ErrorCase[]>('cohere', 'errors.json'));
  });

  it('embeds through embed v2 with float embedding_types', async () => {
    const e = cohereAdapter.embeddings!;
    const req = await e.request({ ...target, model: 'embed-v4.0' }, key, { input: ['hello', 'goodbye'], dimensions: 256 });
    expect(req.url).toBe('https://api.cohere.com/v2/embed');
    expect(JSON.parse(req.body!)).toEqual({ model: 'embed-v4.0', texts: ['hello', 'goodbye'], input_type: 'search_document', embedding_types: ['float'], output_dimension: 256 });
    const res = e.response(okReply(fixtureText('cohere', 'embeddings-response.wire.json')), { ...target, model: 'embed-v4.0' });
    expect(res).toEqual({
      model: 'embed-v4.0',
      data: [
        { index: 0, embedding: [0.016296387, -0.008354187, -0.04699707] },
        { index: 1, embedding: [0.25, -0.5, 0.125] },
      ],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
    expect(cohereAdapter.validateTarget({ ...target, options: { input_type: 'nope' } })).toHaveLength(1);
  });

  it('serves completions through chat v2', async () => {
    const c = cohereAdapter.completions!;
    const req = await c.request(target, key, { prompt: 'Say hi' });
    expect(JSON.parse(req.body!)).toEqual({ model: 'command-a-03-2025', messages: [{ role: 'user', content: 'Say hi' }] });
    const { items } = expectSameAtEverySplit(() => c.stream!(target), fixtureBytes('cohere', 'stream-text.sse'));
    expect(items.map((i) => i.choices[0]?.text ?? '').join('')).toBe('Hello! Ça va?');
  });
});
