import { ChatRequest } from '../../canonical';
import { ErrorCase, expectErrorCases, expectSameAtEverySplit, fixtureBytes, fixtureJson, fixtureText, okReply, withoutCreated } from '../testing/provider-fixtures';
import { geminiAdapter } from './gemini.adapter';

const target = { provider: 'gemini' as const, model: 'gemini-2.5-flash' };
const key = { api_key: 'AIzaSyTest0123456789abcdef' };
const chat = geminiAdapter.chat!;

describe('gemini adapter', () => {
  it('translates a chat call: systemInstruction, inline and file images, generationConfig with a JSON schema', async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>('gemini', 'chat-request.canonical.json'));
    expect(req.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(req.headers).toEqual({ 'content-type': 'application/json', 'x-goog-api-key': key.api_key });
    expect(JSON.parse(req.body!)).toEqual(fixtureJson('gemini', 'chat-request.wire.json'));
  });

  it('translates tools, calls and results (by function name) and streams through streamGenerateContent?alt=sse', async () => {
    const req = await chat.request({ ...target, model: 'models/gemini-2.5-flash' }, key, fixtureJson<ChatRequest>('gemini', 'tools-request.canonical.json'));
    expect(req.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(JSON.parse(req.body!)).toEqual(fixtureJson('gemini', 'tools-request.wire.json'));
  });

  it('maps each tool_choice to a function calling mode', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    const config = async (tool_choice: ChatRequest['tool_choice']) =>
      (JSON.parse((await chat.request(target, key, { messages: [{ role: 'user', content: 'x' }], tools, tool_choice })).body!) as { toolConfig?: unknown }).toolConfig;
    expect(await config('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(await config('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(await config('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(await config(undefined)).toBeUndefined();
  });

  it('refuses a tool result it cannot name and a credential without a key', async () => {
    await expect(async () => chat.request(target, key, { messages: [{ role: 'tool', tool_call_id: 'unknown', content: 'x' }] })).rejects.toMatchObject({ kind: 'bad_request' });
    await expect(async () => chat.request(target, {}, { messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('reads candidates as choices, skips thoughts, and counts thinking as completion tokens', () => {
    const res = chat.response(okReply(fixtureText('gemini', 'chat-response.wire.json')), target);
    expect(withoutCreated([res])[0]).toEqual({
      id: 'mCbqaKrSOtqvz7IPnuSo8QM',
      model: 'gemini-2.5-flash',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'A dog on grass.' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'A puppy.' }, finish_reason: 'length' },
      ],
      usage: { prompt_tokens: 1290, completion_tokens: 39, total_tokens: 1329, cached_tokens: 1024 },
    });
  });

  it('reads function calls as tool calls with generated ids and finish reason tool_calls', () => {
    const res = chat.response(okReply(fixtureText('gemini', 'tools-response.wire.json')), target);
    const calls = res.choices[0].message.tool_calls!;
    expect(calls.map((c) => [c.function.name, JSON.parse(c.function.arguments) as unknown])).toEqual([
      ['get_weather', { location: 'Paris' }],
      ['get_weather', { location: 'Rome' }],
    ]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(res.choices[0]).toMatchObject({ message: { content: null }, finish_reason: 'tool_calls' });
  });

  it('calls a blocked prompt a content filter refusal and a reply without candidates a protocol error', () => {
    expect(() => chat.response(okReply('{"promptFeedback":{"blockReason":"SAFETY"}}'), target)).toThrow(expect.objectContaining({ kind: 'content_filter' }) as Error);
    expect(() => chat.response(okReply('{"foo":1}'), target)).toThrow(expect.objectContaining({ kind: 'protocol' }) as Error);
  });

  it('decodes a text stream split at every byte, with usage last', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), fixtureBytes('gemini', 'stream-text.sse'));
    expect(error).toBeUndefined();
    expect(withoutCreated(items)).toEqual(fixtureJson('gemini', 'stream-text.chunks.json'));
  });

  it('decodes a function call in a stream as one whole tool-call delta', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), fixtureBytes('gemini', 'stream-tools.sse'));
    expect(error).toBeUndefined();
    const calls = items.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(calls).toEqual([{ index: 0, id: expect.any(String) as string, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }]);
    expect(items.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
    expect(items[items.length - 1].usage).toEqual({ prompt_tokens: 60, completion_tokens: 14, total_tokens: 74 });
  });

  it('raises an error event midway as its class, after the text before it; a stream without finishReason is broken', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), fixtureBytes('gemini', 'stream-error.sse'));
    expect(items.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Partial');
    expect(error).toMatchObject({ kind: 'server', message: 'gemini: The model is overloaded. Please try again later.' });
    const text = fixtureText('gemini', 'stream-text.sse');
    const d = chat.stream!(target);
    d.push(new TextEncoder().encode(text.slice(0, text.lastIndexOf('data:'))));
    expect(() => d.end()).toThrow(expect.objectContaining({ kind: 'protocol' }) as Error);
  });

  it('classifies every error reply, a bad key included', () => {
    expectErrorCases(geminiAdapter, fixtureJson<ErrorCase[]>('gemini', 'errors.json'));
  });

  it('embeds through batchEmbedContents', async () => {
    const e = geminiAdapter.embeddings!;
    const req = await e.request({ ...target, model: 'gemini-embedding-001' }, key, { input: ['a', 'b'], dimensions: 3 });
    expect(req.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(JSON.parse(req.body!)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 3 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 3 },
      ],
    });
    const res = e.response(okReply(fixtureText('gemini', 'embeddings-response.wire.json')), target);
    expect(res.data).toEqual([
      { index: 0, embedding: [0.013168523, -0.008711934, -0.046782676] },
      { index: 1, embedding: [0.25, -0.5, 0.125] },
    ]);
    expect(e.response(okReply('{"embedding":{"values":[1,2]}}'), target).data).toEqual([{ index: 0, embedding: [1, 2] }]);
    await expect(async () => e.request(target, key, { input: [[1, 2]] })).rejects.toMatchObject({ kind: 'bad_request' });
  });

  it('serves completions through generateContent', async () => {
    const c = geminiAdapter.completions!;
    const req = await c.request(target, key, { prompt: 'Say hi' });
    expect(JSON.parse(req.body!)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Say hi' }] }] });
    const { items } = expectSameAtEverySplit(() => c.stream!(target), fixtureBytes('gemini', 'stream-text.sse'));
    expect(items.map((i) => i.choices[0]?.text ?? '').join('')).toBe('The sky is blue. Ça va.');
  });
});
