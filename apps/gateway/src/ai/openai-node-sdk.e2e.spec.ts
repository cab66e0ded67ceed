import { expect } from '@jest/globals';
import OpenAI from 'openai';
import { OpenAiFake, startOpenAiFake } from '@custos/ai-fakes';
import { stackEnv } from '@custos/testing';
import { createEndpoint } from './ai-e2e.spec-helper';

/**
 * The stock `openai` Node SDK pointed at Custos (`baseURL: <gateway>/v1`, a Custos API key as its
 * `apiKey`), as a TypeScript app would use it: chat, streamed chat, tools and embeddings, with the
 * endpoint's name as `model`, and failures as the SDK's own error classes.
 */
describe('the openai Node SDK through the gateway', () => {
  let fake: OpenAiFake;
  let sdk: OpenAI;
  let chat: string;
  let embeddings: string;
  const weather: OpenAI.Chat.Completions.ChatCompletionTool = {
    type: 'function',
    function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
  };
  const hello: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello AI' }];

  beforeAll(async () => {
    fake = await startOpenAiFake();
    sdk = new OpenAI({ baseURL: `${stackEnv().gatewayUrl}/v1`, apiKey: stackEnv().adminKey, maxRetries: 0 });
    chat = await createEndpoint('llm/v1/chat', [{ baseUrl: fake.openAiBase }]);
    embeddings = await createEndpoint('llm/v1/embeddings', [{ baseUrl: fake.openAiBase, model: 'text-embedding-3-small' }]);
  });
  afterAll(async () => fake?.close());

  it('chats', async () => {
    const reply = await sdk.chat.completions.create({ model: chat, messages: hello });
    expect(reply.object).toBe('chat.completion');
    expect(reply.choices[0].message.content).toBeTruthy();
    expect(reply.choices[0].finish_reason).toBe('stop');
    expect(reply.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams the same answer chunk by chunk, usage last', async () => {
    const whole = (await sdk.chat.completions.create({ model: chat, messages: hello })).choices[0].message.content;
    const stream = await sdk.chat.completions.create({ model: chat, messages: hello, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe(whole);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('returns tool calls the SDK parses', async () => {
    const reply = await sdk.chat.completions.create({ model: chat, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weather] });
    const call = reply.choices[0].message.tool_calls?.[0];
    expect(reply.choices[0].finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.function.name).toBe('get_weather');
    expect(typeof JSON.parse(call.function.arguments)).toBe('object');
  });

  it('embeds, one vector per input', async () => {
    const reply = await sdk.embeddings.create({ model: embeddings, input: ['first', 'second'] });
    expect(reply.data.map((d) => d.index)).toEqual([0, 1]);
    expect(reply.data[1].embedding.length).toBeGreaterThan(0);
  });

  it('raises the SDK error classes for an unknown endpoint and a wrong key', async () => {
    await expect(sdk.chat.completions.create({ model: 'no-such-endpoint', messages: hello })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const stranger = new OpenAI({ baseURL: `${stackEnv().gatewayUrl}/v1`, apiKey: 'cus_not_a_real_key', maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
