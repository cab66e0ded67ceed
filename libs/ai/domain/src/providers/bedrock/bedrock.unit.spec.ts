import { ChatRequest } from '../../canonical';
import { EventFixture, encodeEventStream } from '../testing/event-stream-fixtures';
import { ErrorCase, expectErrorCases, expectSameAtEverySplit, fixtureJson, fixtureText, okReply, withoutCreated } from '../testing/provider-fixtures';
import { bedrockAdapter } from './bedrock.adapter';

const target = { provider: 'bedrock' as const, model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', options: { region: 'us-east-1' } };
const key = { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const chat = bedrockAdapter.chat!;
const events = (name: string) => encodeEventStream(fixtureJson<EventFixture[]>('bedrock', `${name}.events.json`));

describe('bedrock adapter', () => {
  it('translates a chat call to Converse, signed for the region', async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>('bedrock', 'chat-request.canonical.json'));
    expect(req.url).toBe('https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse');
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(req.headers.host).toBe('bedrock-runtime.us-east-1.amazonaws.com');
    expect(JSON.parse(req.body!)).toEqual(fixtureJson('bedrock', 'chat-request.wire.json'));
  });

  it('translates tools, toolUse and toolResult blocks, and streams through converse-stream', async () => {
    const req = await chat.request(target, key, fixtureJson<ChatRequest>('bedrock', 'tools-request.canonical.json'));
    expect(req.url).toMatch(/\/converse-stream$/);
    expect(req.headers.accept).toBe('application/vnd.amazon.eventstream');
    expect(JSON.parse(req.body!)).toEqual(fixtureJson('bedrock', 'tools-request.wire.json'));
  });

  it('maps tool choices; "none" leaves the tools out when the history has no tool blocks', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    const config = async (tool_choice: ChatRequest['tool_choice']) =>
      (JSON.parse((await chat.request(target, key, { messages: [{ role: 'user', content: 'x' }], tools, tool_choice })).body!) as { toolConfig?: { toolChoice?: unknown } }).toolConfig;
    expect((await config('auto'))?.toolChoice).toEqual({ auto: {} });
    expect((await config({ type: 'function', function: { name: 'f' } }))?.toolChoice).toEqual({ tool: { name: 'f' } });
    expect(await config('none')).toBeUndefined();
  });

  it('refuses a target without a region, a web image link, and a credential without keys', async () => {
    const m = { messages: [{ role: 'user' as const, content: 'x' }] };
    await expect(async () => chat.request({ ...target, options: {} }, key, m)).rejects.toMatchObject({ kind: 'bad_request' });
    await expect(async () => chat.request(target, key, { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] })).rejects.toMatchObject({
      kind: 'bad_request',
    });
    await expect(async () => chat.request(target, {}, m)).rejects.toMatchObject({ kind: 'auth' });
    expect(bedrockAdapter.validateTarget({ ...target, options: {} })).toEqual(['options.region is required (e.g. us-east-1)']);
    expect(bedrockAdapter.validateTarget(target)).toEqual([]);
  });

  it('reads a reply with cache usage, its id from the request id header', () => {
    const res = chat.response(okReply(fixtureText('bedrock', 'chat-response.wire.json'), { 'x-amzn-requestid': 'a1b2c3' }), target);
    expect(withoutCreated([res])[0]).toEqual({
      id: 'a1b2c3',
      model: target.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! Ça va?' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 530, completion_tokens: 628, total_tokens: 1158, cached_tokens: 400, cache_write_tokens: 100 },
    });
  });

  it('reads toolUse blocks as tool calls', () => {
    const res = chat.response(okReply(fixtureText('bedrock', 'tools-response.wire.json')), target);
    expect(res.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: "I'll look that up.",
        tool_calls: [{ id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'top_song', arguments: '{"sign":"WZPZ"}' } }],
      },
      finish_reason: 'tool_calls',
    });
  });

  it('decodes a binary event stream split at every byte, with usage last', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), events('stream-text'));
    expect(error).toBeUndefined();
    const chunks = withoutCreated(items).map(({ id: _id, ...rest }) => rest);
    expect(chunks).toEqual([
      { model: target.model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { model: target.model, choices: [{ index: 0, delta: { content: 'Hello' }, finish_reason: null }] },
      { model: target.model, choices: [{ index: 0, delta: { content: '! Ça va?' }, finish_reason: null }] },
      { model: target.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      { model: target.model, choices: [], usage: { prompt_tokens: 20, completion_tokens: 6, total_tokens: 26, cached_tokens: 8 } },
    ]);
  });

  it('decodes tool use from contentBlockStart and toolUse input deltas', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), events('stream-tools'));
    expect(error).toBeUndefined();
    const deltas = items.flatMap((c) => c.choices.map((ch) => ch.delta));
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Looking it up.');
    const calls = deltas.flatMap((d) => d.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'tooluse_2SDFYz7aQQ2pC8GzZjO9oA', type: 'function', function: { name: 'top_song', arguments: '' } });
    expect(JSON.parse(calls.map((c) => c.function?.arguments ?? '').join(''))).toEqual({ sign: 'WZPZ' });
    expect(items.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
  });

  it('raises an exception message midway after the text before it; a cut or corrupt stream is a protocol error', () => {
    const { items, error } = expectSameAtEverySplit(() => chat.stream!(target), events('stream-error'));
    expect(items.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Partial');
    expect(error).toMatchObject({ kind: 'protocol', message: 'bedrock: Model stream error: the model stopped responding' });
    const throttled = encodeEventStream([
      { type: 'messageStart', body: { role: 'assistant' } },
      { exception: 'throttlingException', body: { message: 'Too many tokens' } },
    ]);
    expect(expectSameAtEverySplit(() => chat.stream!(target), throttled).error).toMatchObject({ kind: 'rate_limited' });
    const bytes = events('stream-text');
    const cut = chat.stream!(target);
    cut.push(bytes.slice(0, bytes.length - 5));
    expect(() => cut.end()).toThrow(expect.objectContaining({ kind: 'protocol' }) as Error);
    const corrupt = bytes.slice();
    corrupt[20] ^= 0xff;
    expect(() => chat.stream!(target).push(corrupt)).toThrow(expect.objectContaining({ kind: 'protocol' }) as Error);
  });

  it('classifies every error reply by x-amzn-errortype and message', () => {
    expectErrorCases(bedrockAdapter, fixtureJson<ErrorCase[]>('bedrock', 'errors.json'));
  });

  it('embeds through InvokeModel for Titan (one text) and Cohere embed (a list)', async () => {
    const e = bedrockAdapter.embeddings!;
    const titan = { ...target, model: 'amazon.titan-embed-text-v2:0' };
    const t = await e.request(titan, key, { input: 'hello', dimensions: 256 });
    expect(t.url).toBe('https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke');
    expect(JSON.parse(t.body!)).toEqual({ inputText: 'hello', dimensions: 256 });
    expect(e.response(okReply('{"embedding":[0.5,-0.25],"inputTextTokenCount":2}'), titan)).toEqual({
      model: titan.model,
      data: [{ index: 0, embedding: [0.5, -0.25] }],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
    await expect(async () => e.request(titan, key, { input: ['a', 'b'] })).rejects.toMatchObject({ kind: 'bad_request' });
    const cohere = { ...target, model: 'cohere.embed-english-v3' };
    const c = await e.request(cohere, key, { input: ['a', 'b'] });
    expect(JSON.parse(c.body!)).toEqual({ texts: ['a', 'b'], input_type: 'search_document' });
    expect(e.response(okReply('{"embeddings":[[1],[2]],"id":"x","response_type":"embeddings_floats","texts":["a","b"]}'), cohere).data).toEqual([
      { index: 0, embedding: [1] },
      { index: 1, embedding: [2] },
    ]);
    await expect(async () => e.request({ ...target, model: 'meta.llama3' }, key, { input: 'a' })).rejects.toMatchObject({ kind: 'bad_request' });
  });

  it('serves completions through Converse', async () => {
    const c = bedrockAdapter.completions!;
    const req = await c.request(target, key, { prompt: 'Say hi', max_tokens: 5 });
    expect(JSON.parse(req.body!)).toEqual({ messages: [{ role: 'user', content: [{ text: 'Say hi' }] }], inferenceConfig: { maxTokens: 5 } });
    const { items } = expectSameAtEverySplit(() => c.stream!(target), events('stream-text'));
    expect(items.map((i) => i.choices[0]?.text ?? '').join('')).toBe('Hello! Ça va?');
  });
});
