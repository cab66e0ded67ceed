import { anthropicAdapter, bedrockAdapter, ChatChunk, cohereAdapter, ChatRequest, geminiAdapter, ProviderAdapter, ProviderCredential, ProviderTarget, UpstreamError, Usage } from '@custos/ai-domain';
import { request } from 'undici';
import { startAnthropicFake } from './anthropic-fake';
import { startBedrockFake } from './bedrock-fake';
import { startCohereFake } from './cohere-fake';
import { FAKE_BAD_KEY, FAKE_EMBEDDING, FAKE_MODELS, FAKE_REPLY_TEXT, FAKE_TOOL_INPUT, FakeOptions, FakeScenario } from './fake-scenarios';
import { FakeUpstream } from './fake-server';
import { startGeminiFake } from './gemini-fake';
import { sendOverLoopback } from './loopback-send';

// Each adapter's request() sent to its provider's fake over loopback, and the reply parsed back.
interface Case {
  adapter: ProviderAdapter;
  start: (o?: FakeOptions) => Promise<FakeUpstream>;
  credential: ProviderCredential;
  usage: Usage;
  /** the status each scripted error comes back with */
  statuses: Partial<Record<FakeScenario, number>>;
  options?: Record<string, string>;
  /** the credential the fake refuses with its 401/403 */
  badCredential: ProviderCredential;
  embeddingModel?: string;
}

const CASES: Case[] = [
  {
    adapter: anthropicAdapter,
    start: startAnthropicFake,
    credential: { api_key: 'sk-ant-test-0123456789' },
    usage: { prompt_tokens: 17, completion_tokens: 7, total_tokens: 24, cached_tokens: 3, cache_write_tokens: 2 },
    statuses: { overloaded: 529 },
    badCredential: { api_key: FAKE_BAD_KEY },
  },
  {
    adapter: geminiAdapter,
    start: startGeminiFake,
    credential: { api_key: 'AIzaSyTest0123456789abcdef' },
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, cached_tokens: 3 },
    statuses: { unauthorized: 400, overloaded: 503 },
    badCredential: { api_key: FAKE_BAD_KEY },
  },
  {
    adapter: cohereAdapter,
    start: startCohereFake,
    credential: { api_key: 'co-test-0123456789' },
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, cached_tokens: 3 },
    statuses: { overloaded: 503 },
    badCredential: { api_key: FAKE_BAD_KEY },
  },
  {
    adapter: bedrockAdapter,
    start: startBedrockFake,
    credential: { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    usage: { prompt_tokens: 17, completion_tokens: 7, total_tokens: 24, cached_tokens: 3, cache_write_tokens: 2 },
    statuses: { unauthorized: 403, overloaded: 503 },
    options: { region: 'us-east-1' },
    badCredential: { aws_access_key_id: FAKE_BAD_KEY, aws_secret_access_key: 'secret' },
    embeddingModel: 'cohere.embed-english-v3',
  },
];

const ERRORS: { scenario: FakeScenario; kind: string; retryAfterMs?: number }[] = [
  { scenario: 'unauthorized', kind: 'auth' },
  { scenario: 'missingModel', kind: 'not_found' },
  { scenario: 'rateLimited', kind: 'rate_limited', retryAfterMs: 7000 },
  { scenario: 'contextLength', kind: 'context_length' },
  { scenario: 'serverError', kind: 'server' },
  { scenario: 'overloaded', kind: 'server' },
];
const DEFAULT_STATUS: Record<string, number> = { unauthorized: 401, missingModel: 404, rateLimited: 429, contextLength: 400, serverError: 500 };

const messages = [{ role: 'user' as const, content: 'Hi' }];
const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];

describe.each(CASES.map((c) => ({ ...c, name: c.adapter.name })))(
  '$name adapter against its fake over loopback',
  ({ adapter, start, credential, usage, statuses, options, badCredential, embeddingModel }) => {
    let fake: FakeUpstream;
    const chat = adapter.chat!;
    const target = (model: string = FAKE_MODELS.ok): ProviderTarget => ({ provider: adapter.name, model, baseUrl: fake.url, ...(options ? { options } : {}) });
    const send = async (req: ChatRequest, model?: string) => sendOverLoopback(await chat.request(target(model), credential, req));
    const decode = async (req: ChatRequest, model?: string): Promise<ChatChunk[]> => {
      const reply = await send({ ...req, stream: true }, model);
      expect(reply.status).toBe(200);
      const d = chat.stream!(target(model));
      return [...d.push(reply.bytes), ...d.end()];
    };
    beforeAll(async () => (fake = await start()));
    afterAll(() => fake.close());

    it('sends a chat call and reads the reply with usage', async () => {
      const reply = await send({ messages });
      expect(reply.status).toBe(200);
      const res = chat.response(reply, target());
      expect(res.choices[0].message.content).toBe(FAKE_REPLY_TEXT);
      expect(res.usage).toEqual(usage);
    });

    it('reads a tool call', async () => {
      const res = chat.response(await send({ messages, tools }), target());
      const call = res.choices[0].message.tool_calls![0];
      expect([call.function.name, JSON.parse(call.function.arguments)]).toEqual(['get_weather', FAKE_TOOL_INPUT]);
      expect(res.choices[0].finish_reason).toBe('tool_calls');
    });

    it('streams text with usage last, and a tool call', async () => {
      const text = await decode({ messages });
      expect(text.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(FAKE_REPLY_TEXT);
      expect(text[text.length - 1].usage).toEqual(usage);
      const called = await decode({ messages, tools });
      const args = called.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? '');
      expect(JSON.parse(args.join(''))).toEqual(FAKE_TOOL_INPUT);
      expect(called.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
    });

    it.each(ERRORS)('classifies the $scenario reply as $kind', async ({ scenario, kind, retryAfterMs }) => {
      const reply = await send({ messages }, FAKE_MODELS[scenario]);
      expect(reply.status).toBe(statuses[scenario] ?? DEFAULT_STATUS[scenario] ?? 500);
      const e = adapter.error(reply);
      expect({ kind: e.kind, retryAfterMs: e.retryAfterMs }).toEqual({ kind, retryAfterMs });
    });

    it('answers a bad key with its auth error', async () => {
      const reply = await sendOverLoopback(await chat.request(target(), badCredential, { messages }));
      expect(adapter.error(reply).kind).toBe('auth');
    });

    it('raises the stream error event midway with its class, and calls a broken stream a protocol error', async () => {
      const failing = async (scenario: FakeScenario): Promise<{ texts: string; error: unknown }> => {
        const reply = await send({ messages, stream: true }, FAKE_MODELS[scenario]).catch(() => undefined);
        const d = chat.stream!(target());
        const got: ChatChunk[] = [];
        try {
          got.push(...d.push(reply?.bytes ?? new Uint8Array()));
          got.push(...d.end());
        } catch (e) {
          return { texts: got.map((c) => c.choices[0]?.delta.content ?? '').join(''), error: e };
        }
        return { texts: '', error: undefined };
      };
      const midway = await failing('streamError');
      expect(midway.error).toBeInstanceOf(UpstreamError);
      expect((midway.error as UpstreamError).kind).toBe('server');
      const broken = await failing('streamBreak');
      expect((broken.error as UpstreamError).kind).toBe('protocol');
    });

    if (adapter.embeddings) {
      it('embeds', async () => {
        const e = adapter.embeddings!;
        const reply = await sendOverLoopback(await e.request(target(embeddingModel), credential, { input: ['a', 'b'] }));
        expect(e.response(reply, target(embeddingModel)).data).toEqual([
          { index: 0, embedding: FAKE_EMBEDDING },
          { index: 1, embedding: FAKE_EMBEDDING },
        ]);
      });
    }
  },
);

describe('bedrock fake authentication', () => {
  let fake: FakeUpstream;
  beforeAll(async () => (fake = await startBedrockFake()));
  afterAll(() => fake.close());

  it('refuses a request without a SigV4 Authorization header, or with a malformed one', async () => {
    const url = `${fake.url}/model/fake-model/converse`;
    const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }] });
    const missing = await sendOverLoopback({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body });
    expect([missing.status, missing.headers['x-amzn-errortype']]).toEqual([403, expect.stringMatching(/^MissingAuthenticationTokenException:/) as string]);
    const malformed = await sendOverLoopback({ method: 'POST', url, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/bedrock/aws4_request, Signature=abc' }, body });
    expect(malformed.status).toBe(403);
    expect(bedrockAdapter.error(malformed).kind).toBe('auth');
  });
});

describe('bedrock signed request over undici', () => {
  let fake: FakeUpstream;
  beforeAll(async () => (fake = await startBedrockFake()));
  afterAll(() => fake.close());

  it('is sent by undici with the host header it was signed with', async () => {
    const target: ProviderTarget = { provider: 'bedrock', model: 'fake-model', baseUrl: fake.url, options: { region: 'us-east-1' } };
    const req = await bedrockAdapter.chat!.request(target, { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'secret' }, { messages });
    const res = await request(req.url, { method: req.method, headers: req.headers, body: req.body });
    const body = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(bedrockAdapter.chat!.response({ status: 200, headers: {}, body }, target).choices[0].message.content).toBe(FAKE_REPLY_TEXT);
    expect(fake.requests[fake.requests.length - 1].headers.host).toBe(new URL(fake.url).host);
  });
});
