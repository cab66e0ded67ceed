import { ChatRequest, mistralAdapter, ProviderTarget, UpstreamError } from '@custos/ai-domain';
import { sendStream, sendOverLoopback } from './loopback-send';
import { MistralFake, startMistralFake } from './mistral-fake';

let fake: MistralFake;
let target: ProviderTarget;
const key = { api_key: 'mistral-fake-key' };
const chat = mistralAdapter.chat!;
const embeddings = mistralAdapter.embeddings!;

beforeAll(async () => {
  fake = await startMistralFake();
  target = { provider: 'mistral', model: 'mistral-small-latest', baseUrl: fake.baseUrl, options: { safe_prompt: 'false' } };
});
afterAll(() => fake.close());

// Everything the canonical form carries that Mistral's schema does not: the adapter must leave it out or rename it.
const everything: ChatRequest = {
  messages: [
    { role: 'developer', content: 'Be brief.' },
    { role: 'user', name: 'alice', content: 'Hello AI' },
  ],
  seed: 1,
  user: 'u1',
  logprobs: true,
  top_logprobs: 2,
  temperature: 0.5,
  stop: ['END'],
};
const weather: ChatRequest = {
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  tool_choice: 'required',
};

describe('mistral adapter against the Mistral fake over loopback', () => {
  it('gets an answer from a request carrying every OpenAI-only field (none reaches Mistral)', async () => {
    const reply = await sendOverLoopback(await chat.request(target, key, everything));
    expect(reply.status).toBe(200);
    const res = chat.response(reply, target);
    expect(res.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Fake answer to: Hello AI' } });
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams the same text, with usage on the finishing chunk though none was asked for', async () => {
    const { chunks } = await sendStream(await chat.request(target, key, { ...everything, stream: true, stream_options: { include_usage: true } }), chat.stream!(target));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Fake answer to: Hello AI');
    const last = chunks[chunks.length - 1];
    expect(last.choices[0].finish_reason).toBe('stop');
    expect(last.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('round-trips a tool call: a foreign call id is accepted once translated', async () => {
    const first = chat.response(await sendOverLoopback(await chat.request(target, key, weather)), target);
    const call = first.choices[0].message.tool_calls?.[0];
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ city: 'Paris' });
    const followUp: ChatRequest = {
      messages: [
        ...weather.messages,
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_from_openai_123', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_from_openai_123', content: '{"celsius":18}' },
      ],
      tools: weather.tools,
    };
    const reply = await sendOverLoopback(await chat.request(target, key, followUp));
    expect(reply.status).toBe(200);
    expect(chat.response(reply, target).choices[0].message.content).toBeTruthy();
  });

  it('streams a tool call', async () => {
    const { chunks } = await sendStream(await chat.request(target, key, { ...weather, stream: true }), chat.stream!(target));
    const calls = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(calls).toHaveLength(1);
    expect(calls[0].id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(calls[0].function?.name).toBe('get_weather');
  });

  it('gets embeddings of the asked dimension', async () => {
    const t = { ...target, model: 'codestral-embed' };
    const res = embeddings.response(await sendOverLoopback(await embeddings.request(t, key, { input: ['a', 'b'], dimensions: 5 })), t);
    expect(res.data.map((d) => (d.embedding as number[]).length)).toEqual([5, 5]);
  });

  it('classifies the fake 422 for a field Mistral does not know as bad_request, with its field named', async () => {
    const reply = await sendOverLoopback(await chat.request(target, key, { messages: [{ role: 'user', content: 'x' }], extra: { logit_bias: { '1': 2 } } }));
    expect(reply.status).toBe(422);
    const e = mistralAdapter.error(reply);
    expect(e.kind).toBe('bad_request');
    expect(e.message).toContain('body.logit_bias');
  });

  it.each([
    ['auth', 'auth'],
    ['not_found', 'not_found'],
    ['context_length', 'context_length'],
    ['server', 'server'],
  ])('classifies the fake %s reply as %s', async (fault, kind) => {
    const reply = await sendOverLoopback(await chat.request({ ...target, model: `fail-${fault}` }, key, everything));
    expect(mistralAdapter.error(reply).kind).toBe(kind);
  });

  it('answers the shared scenario models and the shared bad key', async () => {
    expect(mistralAdapter.error(await sendOverLoopback(await chat.request({ ...target, model: 'fake-429' }, key, everything)))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(mistralAdapter.error(await sendOverLoopback(await chat.request({ ...target, model: 'fake-overloaded' }, key, everything)))).toMatchObject({ kind: 'server', upstreamStatus: 503 });
    expect(mistralAdapter.error(await sendOverLoopback(await chat.request(target, { api_key: 'bad-key' }, everything)))).toMatchObject({ kind: 'auth', upstreamStatus: 401 });
    await expect(sendStream(await chat.request({ ...target, model: 'fake-stream-error' }, key, { ...everything, stream: true }), chat.stream!(target))).rejects.toMatchObject({ kind: 'server' });
  });

  it('carries retry-after from a 429', async () => {
    fake.fail('rate_limited', { retryAfterSec: 3 });
    expect(mistralAdapter.error(await sendOverLoopback(await chat.request(target, key, everything)))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
  });

  it('reports a generation that failed midway, and a broken connection', async () => {
    fake.fail('stream_error');
    await expect(sendStream(await chat.request(target, key, { ...everything, stream: true }), chat.stream!(target))).rejects.toMatchObject({ kind: 'server' });
    fake.fail('stream_break');
    const err: unknown = await sendStream(await chat.request(target, key, { ...everything, stream: true }), chat.stream!(target)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind: 'protocol' });
  });
});
