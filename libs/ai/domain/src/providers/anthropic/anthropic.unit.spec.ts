import { ChatRequest } from '../../canonical';
import { UpstreamError } from '../../upstream-error';
import { ErrorCase, expectErrorCases, expectSameAtEverySplit, fixtureBytes, fixtureJson, fixtureText, okReply, withoutCreated } from '../testing/provider-fixtures';
import { anthropicAdapter } from './anthropic.adapter';

const target = { provider: 'anthropic' as const, model: 'claude-sonnet-4-5' };
const key = { api_key: 'sk-ant-test-0123456789' };
const chat = anthropicAdapter.chat!;

describe('anthropic adapter', () => {
  it('translates a chat call: system prompt apart, images, merged user turns, stop sequences, default max_tokens', async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>('anthropic', 'chat-request.canonical.json'));
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://api.anthropic.com/v1/messages');
    expect(req.headers).toMatchObject({ 'x-api-key': key.api_key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
    expect(JSON.parse(req.body!)).toEqual(fixtureJson('anthropic', 'chat-request.wire.json'));
  });

  it('translates tools, tool calls and tool results, and the forced tool choice without parallel calls', async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>('anthropic', 'tools-request.canonical.json'));
    expect(JSON.parse(req.body!)).toEqual(fixtureJson('anthropic', 'tools-request.wire.json'));
    expect(req.headers.accept).toBe('text/event-stream');
  });

  it('maps each tool_choice', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    const choice = async (tool_choice: ChatRequest['tool_choice']) =>
      (JSON.parse((await chat.request(target, key, { messages: [{ role: 'user', content: 'x' }], tools, tool_choice })).body!) as { tool_choice?: unknown }).tool_choice;
    expect(await choice('auto')).toEqual({ type: 'auto' });
    expect(await choice('required')).toEqual({ type: 'any' });
    expect(await choice('none')).toEqual({ type: 'none' });
    expect(await choice(undefined)).toBeUndefined();
  });

  it('honours a base URL, a version, a target max_tokens, and forwards passed-through parameters', async () => {
    const req = await chat.request({ ...target, baseUrl: 'http://127.0.0.1:9/', options: { version: '2024-01-01', max_tokens: '1000' } }, key, {
      messages: [{ role: 'user', content: 'x' }],
      extra: { top_k: 5, model: 'claude-opus-4-1', max_tokens: 9 },
    });
    expect(req.url).toBe('http://127.0.0.1:9/v1/messages');
    expect(req.headers['anthropic-version']).toBe('2024-01-01');
    // a passed-through parameter never overrides what the adapter sets (the model above all)
    expect(JSON.parse(req.body!)).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 1000, top_k: 5 });
  });

  it('refuses what the Messages API cannot do as a bad request, and a credential without a key as auth', async () => {
    const m = { messages: [{ role: 'user' as const, content: 'x' }] };
    await expect(async () => chat.request(target, key, { ...m, n: 2 })).rejects.toMatchObject({ kind: 'bad_request' });
    await expect(async () => chat.request(target, key, { ...m, response_format: { type: 'json_object' } })).rejects.toMatchObject({ kind: 'bad_request' });
    await expect(async () => chat.request(target, {}, m)).rejects.toMatchObject({ kind: 'auth' });
    await expect(async () =>
      chat.request(target, key, { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: 'not json' } }] }] }),
    ).rejects.toMatchObject({ kind: 'bad_request' });
  });

  it('reads a reply with cache usage (prompt tokens include cache reads and writes)', () => {
    const res = chat.response(okReply(fixtureText('anthropic', 'chat-response.wire.json')), target);
    expect(withoutCreated([res])[0]).toEqual({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      model: 'claude-sonnet-4-5-20250929',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi! My name is Claude.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3995, completion_tokens: 503, total_tokens: 4498, cached_tokens: 1800, cache_write_tokens: 100 },
    });
  });

  it('reads tool_use blocks as tool calls with JSON arguments', () => {
    const res = chat.response(okReply(fixtureText('anthropic', 'tools-response.wire.json')), target);
    expect(res.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: "I'll check the weather.",
        tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(res.usage).toEqual({ prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 });
  });

  it('refuses a 2xx body that is not a message', () => {
    expect(() => chat.response(okReply('{"type":"completion"}'), target)).toThrow(expect.objectContaining({ kind: 'protocol' }) as Error);
    expect(() => chat.response(okReply('<html>'), target)).toThrow(UpstreamError);
  });

  it('decodes a text stream split at every byte, with usage last', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), fixtureBytes('anthropic', 'stream-text.sse'));
    expect(error).toBeUndefined();
    expect(withoutCreated(items)).toEqual(fixtureJson('anthropic', 'stream-text.chunks.json'));
  });

  it('decodes a tool-use stream into tool-call deltas', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), fixtureBytes('anthropic', 'stream-tools.sse'));
    expect(error).toBeUndefined();
    const deltas = items.flatMap((c) => c.choices.map((ch) => ch.delta));
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Checking.');
    const calls = deltas.flatMap((d) => d.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.map((c) => c.function?.arguments ?? '').join('')).toBe('{"location": "San Francisco, CA"}');
    expect(items.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
    expect(items[items.length - 1].usage).toEqual({ prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 });
  });

  it('raises an error event midway as its error class, after the text that came before it', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), fixtureBytes('anthropic', 'stream-error.sse'));
    expect(items.map((c) => c.choices[0]?.delta.content).join('')).toBe('Partial');
    expect(error).toMatchObject({ kind: 'server', message: 'anthropic: Overloaded' });
  });

  it('calls a stream that stops before message_stop a protocol error', () => {
    const bytes = fixtureBytes('anthropic', 'stream-text.sse');
    const text = new TextDecoder().decode(bytes);
    const d = chat.stream!(target);
    d.push(new TextEncoder().encode(text.slice(0, text.indexOf('event: message_delta'))));
    expect(() => d.end()).toThrow(expect.objectContaining({ kind: 'protocol' }) as Error);
  });

  it('classifies every error reply', () => {
    expectErrorCases(anthropicAdapter, fixtureJson<ErrorCase[]>('anthropic', 'errors.json'));
  });

  it('serves completions through the Messages API', async () => {
    const c = anthropicAdapter.completions!;
    const req = await c.request(target, key, { prompt: 'Say hi', max_tokens: 20 });
    expect(JSON.parse(req.body!)).toMatchObject({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hi' }] }], max_tokens: 20 });
    const res = c.response(okReply(fixtureText('anthropic', 'chat-response.wire.json')), target);
    expect(res.choices).toEqual([{ index: 0, text: 'Hi! My name is Claude.', finish_reason: 'stop' }]);
    const { items } = expectSameAtEverySplit(() => c.stream!(target), fixtureBytes('anthropic', 'stream-text.sse'));
    expect(items.map((i) => i.choices[0]?.text ?? '').join('')).toBe('Hello! Ça va?');
    expect(items[items.length - 1].usage?.total_tokens).toBe(50);
  });
});
