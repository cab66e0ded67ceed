import { azureOpenAiAdapter, ChatChunk, ChatRequest, CompletionChunk, openAiAdapter, openAiCompatibleAdapter, ProviderAdapter, ProviderTarget, UpstreamError } from '@custos/ai-domain';
import { sendStream, sendOverLoopback } from './loopback-send';
import { OpenAiFake, startOpenAiFake } from './openai-fake';

let fake: OpenAiFake;
beforeAll(async () => {
  fake = await startOpenAiFake();
});
afterAll(() => fake.close());

interface Case {
  name: string;
  adapter: ProviderAdapter;
  target: (model: string) => ProviderTarget;
  credential: Record<string, string>;
  streamUsage: boolean;
}

const CASES: Case[] = [
  { name: 'openai', adapter: openAiAdapter, target: (model) => ({ provider: 'openai', model, baseUrl: fake.openAiBase }), credential: { api_key: 'sk-fake-1' }, streamUsage: true },
  {
    name: 'azure_openai',
    adapter: azureOpenAiAdapter,
    target: (model) => ({ provider: 'azure_openai', model, baseUrl: fake.azureBase, options: { api_version: '2024-10-21' } }),
    credential: { api_key: 'azure-fake-1' },
    streamUsage: true,
  },
  { name: 'openai_compatible', adapter: openAiCompatibleAdapter, target: (model) => ({ provider: 'openai_compatible', model, baseUrl: fake.compatibleBase }), credential: {}, streamUsage: false },
];

const hello: ChatRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello AI' },
  ],
};
const weather: ChatRequest = {
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
  tool_choice: 'auto',
};

describe.each(CASES)('$name adapter against the fake over loopback', (c) => {
  const chat = c.adapter.chat!;
  // the fake's port is known only once beforeAll ran
  let target: ProviderTarget;
  beforeAll(() => {
    target = c.target('gpt-4o-mini');
  });

  it('gets a chat answer with usage', async () => {
    const reply = await sendOverLoopback(await chat.request(target, c.credential, hello));
    expect(reply.status).toBe(200);
    const res = chat.response(reply, target);
    expect(res.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', content: 'Fake answer to: Hello AI' } });
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(res.usage?.total_tokens).toBe((res.usage?.prompt_tokens ?? 0) + (res.usage?.completion_tokens ?? 0));
  });

  it(`streams the same text${c.streamUsage ? ' with the usage chunk last' : ' without usage (the pipeline estimates)'}`, async () => {
    const { status, chunks } = await sendStream(await chat.request(target, c.credential, { ...hello, stream: true }), chat.stream!(target));
    expect(status).toBe(200);
    expect(chunks.map((k: ChatChunk) => k.choices[0]?.delta.content ?? '').join('')).toBe('Fake answer to: Hello AI');
    expect(chunks.flatMap((k) => k.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['stop']);
    const usage = chunks.map((k) => k.usage).filter(Boolean);
    expect(usage).toHaveLength(c.streamUsage ? 1 : 0);
    if (c.streamUsage) expect(chunks[chunks.length - 1].usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('gets tool calls whole and streamed', async () => {
    const whole = chat.response(await sendOverLoopback(await chat.request(target, c.credential, weather)), target);
    const call = whole.choices[0].message.tool_calls?.[0];
    expect(whole.choices[0].finish_reason).toBe('tool_calls');
    expect(call?.function.name).toBe('get_weather');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ city: 'Paris' });
    const { chunks } = await sendStream(await chat.request(target, c.credential, { ...weather, stream: true }), chat.stream!(target));
    const deltas = chunks.flatMap((k) => k.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    expect(deltas[0]).toMatchObject({ index: 0, id: call?.id, function: { name: 'get_weather' } });
    expect(deltas.map((d) => d.function?.arguments ?? '').join('')).toBe(call?.function.arguments);
  });

  it('gets completions whole and streamed', async () => {
    const t = c.target('gpt-3.5-turbo-instruct');
    const completions = c.adapter.completions!;
    const whole = completions.response(await sendOverLoopback(await completions.request(t, c.credential, { prompt: 'Say hello', max_tokens: 16 })), t);
    expect(whole.choices[0].text).toBe(' Fake completion of: Say hello');
    const { chunks } = await sendStream(await completions.request(t, c.credential, { prompt: 'Say hello', stream: true }), completions.stream!(t));
    expect(chunks.map((k: CompletionChunk) => k.choices[0]?.text ?? '').join('')).toBe(whole.choices[0].text);
  });

  it('gets one embedding per input', async () => {
    const t = c.target('text-embedding-3-small');
    const embeddings = c.adapter.embeddings!;
    const res = embeddings.response(await sendOverLoopback(await embeddings.request(t, c.credential, { input: ['first text', 'second text'], dimensions: 4 })), t);
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    expect(res.data.every((d) => Array.isArray(d.embedding) && d.embedding.length === 4)).toBe(true);
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it.each([
    ['not_found', 'not_found'],
    ['rate_limited', 'rate_limited'],
    ['context_length', 'context_length'],
    ['server', 'server'],
    ['content_filter', 'content_filter'],
  ])('classifies the fake %s reply as %s', async (fault, kind) => {
    const reply = await sendOverLoopback(await chat.request(c.target(`fail-${fault}`), c.credential, hello));
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(c.adapter.error(reply).kind).toBe(kind);
  });

  it.each([
    ['fake-401', 'auth', 401],
    ['fake-404', 'not_found', 404],
    ['fake-400-context', 'context_length', 400],
    ['fake-500', 'server', 500],
    ['fake-overloaded', 'server', 503],
  ])('answers the shared scenario model %s with %s', async (model, kind, status) => {
    const e = c.adapter.error(await sendOverLoopback(await chat.request(c.target(model), c.credential, hello)));
    expect(e).toMatchObject({ kind, upstreamStatus: status });
  });

  it('answers the shared rate-limit scenario with its retry-after, and the shared bad key with a 401', async () => {
    expect(c.adapter.error(await sendOverLoopback(await chat.request(c.target('fake-429'), c.credential, hello)))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    if (c.name === 'openai_compatible') return; // a keyless server has no key to refuse
    expect(c.adapter.error(await sendOverLoopback(await chat.request(target, { api_key: 'bad-key' }, hello)))).toMatchObject({ kind: 'auth', upstreamStatus: 401 });
  });

  it('carries retry-after from a scripted 429', async () => {
    fake.fail('rate_limited', { retryAfterSec: 2 });
    const e = c.adapter.error(await sendOverLoopback(await chat.request(target, c.credential, hello)));
    expect(e).toMatchObject({ kind: 'rate_limited', upstreamStatus: 429, retryAfterMs: 2000 });
  });

  it('reports a stream that errors midway with the class it names', async () => {
    fake.fail('stream_error');
    await expect(sendStream(await chat.request(target, c.credential, { ...hello, stream: true }), chat.stream!(target))).rejects.toMatchObject({ kind: 'server' });
  });

  it('reports a stream whose connection breaks midway as a protocol failure', async () => {
    fake.fail('stream_break');
    const err: unknown = await sendStream(await chat.request(target, c.credential, { ...hello, stream: true }), chat.stream!(target)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind: 'protocol' });
  });
});

describe('the fake checks what each dialect requires', () => {
  it('refuses an OpenAI call without a key, in the OpenAI error body', async () => {
    const req = await openAiAdapter.chat!.request({ provider: 'openai', model: 'gpt-4o-mini', baseUrl: fake.openAiBase }, {}, hello);
    expect(openAiAdapter.error(await sendOverLoopback({ ...req, headers: { 'content-type': 'application/json' } })).kind).toBe('auth');
  });

  it('sees the Azure key header, the deployment in the path and no model in the body', async () => {
    const t: ProviderTarget = { provider: 'azure_openai', model: 'my-deployment', baseUrl: fake.azureBase, options: { api_version: '2024-10-21' } };
    await sendOverLoopback(await azureOpenAiAdapter.chat!.request(t, { api_key: 'azure-fake-2' }, { ...hello, extra: { model: 'smuggled' } }));
    const seen = fake.requests[fake.requests.length - 1];
    expect(seen.url).toBe('/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21');
    expect(seen.headers['api-key']).toBe('azure-fake-2');
    expect(JSON.parse(seen.body)).not.toHaveProperty('model');
  });

  it('answers an Azure call without api-version with its 404', async () => {
    const reply = await sendOverLoopback({
      method: 'POST',
      url: `${fake.azureBase}/openai/deployments/d/chat/completions`,
      headers: { 'api-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify(hello),
    });
    expect(azureOpenAiAdapter.error(reply).kind).toBe('not_found');
  });
});
