import { anthropicAdapter, ChatChunk, ProviderTarget, UpstreamError } from '@custos/ai-domain';
import { startAnthropicFake } from './anthropic-fake';
import { FAKE_MODELS, FAKE_REPLY_TEXT, FAKE_TOOL_INPUT, FakeScenario } from './fake-scenarios';
import { FakeUpstream } from './fake-server';
import { sendOverLoopback } from './loopback-send';

const key = { api_key: 'sk-ant-test-0123456789' };
const chat = anthropicAdapter.chat!;
const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('anthropic adapter against its fake over loopback', () => {
  let fake: FakeUpstream;
  const target = (model: string = FAKE_MODELS.ok): ProviderTarget => ({ provider: 'anthropic', model, baseUrl: fake.url });
  beforeAll(async () => (fake = await startAnthropicFake()));
  afterAll(() => fake.close());

  it('sends a chat call and reads the reply with usage', async () => {
    const reply = await sendOverLoopback(await chat.request(target(), key, { messages }));
    expect(reply.status).toBe(200);
    const res = chat.response(reply, target());
    expect(res.choices[0].message.content).toBe(FAKE_REPLY_TEXT);
    expect(res.usage).toEqual({ prompt_tokens: 17, completion_tokens: 7, total_tokens: 24, cached_tokens: 3, cache_write_tokens: 2 });
    const sent = fake.requests[fake.requests.length - 1];
    expect(sent.headers['x-api-key']).toBe(key.api_key);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('streams text and a tool call', async () => {
    const decode = async (req: Parameters<typeof chat.request>[2]): Promise<ChatChunk[]> => {
      const reply = await sendOverLoopback(await chat.request(target(), key, req));
      const d = chat.stream!(target());
      return [...d.push(reply.bytes), ...d.end()];
    };
    const text = await decode({ messages, stream: true });
    expect(text.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(FAKE_REPLY_TEXT);
    const tools = await decode({ messages, stream: true, tools: [{ type: 'function', function: { name: 'get_weather' } }] });
    const args = tools.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? '');
    expect(JSON.parse(args.join(''))).toEqual(FAKE_TOOL_INPUT);
    expect(tools.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
  });

  it.each<{ scenario: FakeScenario; kind: string; retryAfter?: number }>([
    { scenario: 'unauthorized', kind: 'auth' },
    { scenario: 'missingModel', kind: 'not_found' },
    { scenario: 'rateLimited', kind: 'rate_limited', retryAfter: 7000 },
    { scenario: 'contextLength', kind: 'context_length' },
    { scenario: 'serverError', kind: 'server' },
    { scenario: 'overloaded', kind: 'server' },
  ])('classifies the $scenario reply as $kind', async ({ scenario, kind, retryAfter }) => {
    const reply = await sendOverLoopback(await chat.request(target(FAKE_MODELS[scenario]), key, { messages }));
    const e = anthropicAdapter.error(reply);
    expect({ kind: e.kind, retryAfterMs: e.retryAfterMs }).toEqual({ kind, retryAfterMs: retryAfter });
  });

  it('raises a stream error event midway and calls a broken stream a protocol error', async () => {
    for (const [scenario, kind] of [['streamError', 'server'], ['streamBreak', 'protocol']] as const) {
      const reply = await sendOverLoopback(await chat.request(target(FAKE_MODELS[scenario]), key, { messages, stream: true })).catch(() => undefined);
      const d = chat.stream!(target());
      // a broken connection may surface as a fetch failure; the decoder sees what arrived
      const bytes = reply?.bytes ?? new Uint8Array();
      let error: unknown;
      try {
        d.push(bytes);
        d.end();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).kind).toBe(kind);
    }
  });
});
