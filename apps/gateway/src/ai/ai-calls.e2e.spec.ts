import { expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { FakeUpstream, startFakeUpstream } from '@custos/ai-fakes';
import { call, stackEnv, waitFor } from '@custos/testing';
import { basicAuth, callFrom, randomLoopback } from '../../test/loopback-client';
import { auditOf, createEndpoint, openAiWire } from './ai-e2e.spec-helper';

/**
 * The AI call path on the live stack (decision 043): OpenAI-dialect calls through the gateway to a
 * provider fake on loopback, behind the same authentication, IP rules and audit as every route,
 * each call ending in one `gateway.AiCallCompleted` in audit.
 */
describe('AI calls through the gateway', () => {
  let fake: FakeUpstream;
  let backup: FakeUpstream;
  const gateway = () => stackEnv().gatewayUrl;
  const admin = () => `Bearer ${stackEnv().adminKey}`;
  const hello = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'Hello AI' }], ...extra });
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    fake = await startFakeUpstream(() => ({ status: 200, headers: json, body: openAiWire.chat('Hello human') }));
    backup = await startFakeUpstream(() => ({ status: 200, headers: json, body: openAiWire.chat('from the backup') }));
  });
  afterAll(async () => {
    await fake?.close();
    await backup?.close();
  });
  beforeEach(() => {
    fake.handle(() => ({ status: 200, headers: json, body: openAiWire.chat('Hello human') }));
    fake.requests.length = 0;
    backup.requests.length = 0;
  });

  it('answers a chat call in OpenAI shape, and records its usage in audit with the provider counts', async () => {
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: `${fake.url}/v1` }]);
    const r = await call<{ object: string; model: string; choices: { message: { content: string } }[]; usage: { prompt_tokens: number } }>('POST', '/v1/chat/completions', { body: hello(name) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'chat.completion', choices: [{ message: { content: 'Hello human' } }], usage: { prompt_tokens: 11 } });
    expect(r.headers.get('x-custos-endpoint')).toBe(name);
    expect(r.headers.get('x-custos-target')).toBe('openai/gpt-4o-mini');
    expect(Number(r.headers.get('x-custos-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const requestId = r.headers.get('x-request-id') as string;
    expect(requestId).toBe(r.headers.get('x-correlation-id'));
    // The provider saw the stored key and the target's model, never the caller's key.
    expect(fake.requests[0].headers.authorization).toMatch(/^Bearer sk-e2e-/);
    expect(JSON.parse(fake.requests[0].body)).toMatchObject({ model: 'gpt-4o-mini' });
    const usage = await auditOf(requestId, 'gateway.AiCallCompleted');
    expect(usage.data).toMatchObject({
      endpoint: name,
      provider: 'openai',
      upstreamModel: 'gpt-4o-mini',
      front: 'openai',
      tokensIn: 11,
      tokensOut: 4,
      tokensCached: 2,
      estimated: false,
      status: 200,
      streamed: false,
      retries: 0,
      fallbackUsed: false,
    });
    expect(JSON.stringify(usage)).not.toContain('Hello');
  });

  it('streams a chat answer chunk by chunk as SSE, ending with [DONE], with the streamed token counts in audit', async () => {
    fake.handle(() => ({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: [
        { data: openAiWire.chunk({ role: 'assistant', content: '' }) },
        { data: openAiWire.chunk({ content: 'Hel' }) },
        { data: openAiWire.chunk({ content: 'lo' }, 'stop') },
        { data: openAiWire.usageChunk(9, 2) },
        { data: openAiWire.done },
      ],
    }));
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: `${fake.url}/v1` }]);
    const r = await request(`${gateway()}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...json, authorization: admin() },
      body: JSON.stringify(hello(name, { stream: true, stream_options: { include_usage: true } })),
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/event-stream');
    const text = await r.body.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const content = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.slice('data: '.length)) as { choices: { delta: { content?: string } }[] })
      .map((c) => c.choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toBe('Hello');
    expect(JSON.parse(fake.requests[0].body)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const usage = await auditOf(r.headers['x-request-id'] as string, 'gateway.AiCallCompleted');
    expect(usage.data).toMatchObject({ streamed: true, tokensIn: 9, tokensOut: 2, estimated: false, status: 200 });
  });

  it('answers embeddings in OpenAI shape', async () => {
    fake.handle(() => ({
      status: 200,
      headers: json,
      body: openAiWire.embeddings([
        [0.1, 0.2],
        [0.3, 0.4],
      ]),
    }));
    const name = await createEndpoint('llm/v1/embeddings', [{ baseUrl: `${fake.url}/v1`, model: 'text-embedding-3-small' }]);
    const r = await call<{ object: string; data: { embedding: number[]; index: number }[] }>('POST', '/v1/embeddings', { body: { model: name, input: ['a', 'b'] } });
    expect(r.status).toBe(200);
    expect(r.body.object).toBe('list');
    expect(r.body.data.map((d) => d.embedding)).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
  });

  it('passes tools to the provider and its tool calls back', async () => {
    const toolCalls = [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }];
    fake.handle(() => ({ status: 200, headers: json, body: openAiWire.chat(null, { tool_calls: toolCalls }) }));
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: `${fake.url}/v1` }]);
    const tools = [
      { type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } } },
    ];
    const r = await call<{ choices: { message: { tool_calls: unknown[] }; finish_reason: string }[] }>('POST', '/v1/chat/completions', { body: hello(name, { tools, tool_choice: 'auto' }) });
    expect(r.status).toBe(200);
    expect(r.body.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { tool_calls: toolCalls } });
    expect(JSON.parse(fake.requests[0].body)).toMatchObject({ tools, tool_choice: 'auto' });
  });

  it.each([
    [503, 'a 5xx'],
    [429, 'a 429'],
  ])('falls back to the second target on %s (%s) before anything reached the caller', async (status) => {
    fake.handle(() => openAiWire.error(status, 'busy'));
    const name = await createEndpoint('llm/v1/chat', [
      { baseUrl: `${fake.url}/v1`, order: 0 },
      { baseUrl: `${backup.url}/v1`, model: 'gpt-4o', order: 1 },
    ]);
    const r = await call<{ choices: { message: { content: string } }[] }>('POST', '/v1/chat/completions', { body: hello(name) });
    expect(r.status).toBe(200);
    expect(r.body.choices[0].message.content).toBe('from the backup');
    expect(r.headers.get('x-custos-target')).toBe('openai/gpt-4o');
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
    const usage = await auditOf(r.headers.get('x-request-id') as string, 'gateway.AiCallCompleted');
    expect(usage.data).toMatchObject({ fallbackUsed: true, status: 200, upstreamModel: 'gpt-4o' });
  });

  it('aborts the provider request at once when the caller disconnects mid-stream', async () => {
    fake.handle(() => ({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: [{ data: openAiWire.chunk({ role: 'assistant', content: 'one' }) }, { data: openAiWire.chunk({ content: 'two' }), delayMs: 60_000 }],
    }));
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: `${fake.url}/v1` }]);
    const r = await request(`${gateway()}/v1/chat/completions`, { method: 'POST', headers: { ...json, authorization: admin() }, body: JSON.stringify(hello(name, { stream: true })) });
    const first = await r.body[Symbol.asyncIterator]().next();
    expect(Buffer.from(first.value as Buffer).toString()).toContain('one');
    r.body.destroy();
    await waitFor('the provider saw the abort', async () => fake.requests.at(-1)?.aborted, 10_000, 25);
    const usage = await auditOf(r.headers['x-request-id'] as string, 'gateway.AiCallCompleted');
    expect(usage.data).toMatchObject({ status: 499, errorClass: 'client_closed', streamed: true });
  });

  it('refuses a target at the cloud metadata address (SSRF) without connecting, as a 502 in the dialect', async () => {
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: 'http://169.254.169.254/v1' }]);
    const r = await call<{ error: { type: string; code: string; message: string } }>('POST', '/v1/chat/completions', { body: hello(name) });
    expect(r.status).toBe(502);
    expect(r.body.error).toMatchObject({ type: 'api_error', code: 'upstream_address_blocked' });
    const usage = await auditOf(r.headers.get('x-request-id') as string, 'gateway.AiCallCompleted');
    expect(usage.data).toMatchObject({ status: 502, errorClass: 'upstream_blocked_address' });
  });

  it('hides an endpoint from a user without USE on it (as if missing), and audits the denial', async () => {
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: `${fake.url}/v1` }]);
    const user = `ai-nouse-${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    expect((await call('POST', '/api/2.0/mlflow/users/create', { body: { username: user, password } })).status).toBe(200);
    const auth = basicAuth(user, password);
    await waitFor('the user known to the gateway', async () => (await call('GET', '/v1/models', { auth })).status === 200, 30_000, 100);
    const models = await call<{ data: { id: string }[] }>('GET', '/v1/models', { auth });
    expect(models.body.data.map((m) => m.id)).not.toContain(name);
    const r = await call<{ error: { type: string; code: string } }>('POST', '/v1/chat/completions', { auth, body: hello(name) });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ type: 'not_found_error', code: 'model_not_found' });
    const denial = await auditOf(r.headers.get('x-correlation-id') as string, 'gateway.RequestDenied');
    expect(denial.data).toMatchObject({ reason: 'forbidden', path: '/v1/chat/completions', status: 404 });
    expect(fake.requests).toHaveLength(0);
  });

  it('applies an IP deny rule on /v1/chat/completions before authentication, and audits it', async () => {
    const blocked = randomLoopback();
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: `${fake.url}/v1` }]);
    const rule = await call<{ rule: { ruleId: string } }>('POST', '/api/gateway/ip-rules', {
      body: { action: 'deny', cidr: `${blocked}/32`, routePrefix: '/v1/chat/completions', description: 'e2e: AI route' },
    });
    expect(rule.status).toBe(201);
    try {
      await waitFor('deny rule applied', async () => (await callFrom(blocked, 'POST', '/v1/chat/completions', { body: hello(name) })).status === 403, 10_000, 25);
      const r = await callFrom(blocked, 'POST', '/v1/chat/completions', { body: hello(name), auth: null });
      expect(r.status).toBe(403);
      const denial = await auditOf(r.headers['x-correlation-id'] as string, 'gateway.RequestDenied');
      expect(denial.data).toMatchObject({ reason: 'ip_blocked', path: '/v1/chat/completions' });
      // Another route from the same client is not covered by the rule.
      expect((await callFrom(blocked, 'GET', '/v1/models')).status).toBe(200);
    } finally {
      await call('DELETE', `/api/gateway/ip-rules/${rule.body.rule.ruleId}`);
    }
  });

  it("answers the integration guide's MLflow invocation, `parameters` merged and the unknown one dropped and named", async () => {
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: `${fake.url}/v1` }]);
    const r = await call<{ choices: { message: { content: string } }[] }>('POST', `/endpoints/${name}/invocations`, {
      body: { messages: [{ role: 'user', content: 'Hello AI' }], parameters: { strategy: 'efficiency', temperature: 0.2 } },
    });
    expect(r.status).toBe(200);
    expect(r.body.choices[0].message.content).toBe('Hello human');
    expect(r.headers.get('x-custos-dropped-params')).toBe('strategy');
    expect(JSON.parse(fake.requests[0].body)).toMatchObject({ temperature: 0.2 });
    expect((JSON.parse(fake.requests[0].body) as Record<string, unknown>).strategy).toBeUndefined();
  });

  it('lists and gets endpoints for the MLflow deployments client, trailing slash as it sends it', async () => {
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: `${fake.url}/v1` }]);
    const listed = await call<{ endpoints: { name: string; endpoint_type: string }[] }>('GET', '/api/2.0/endpoints/');
    expect(listed.status).toBe(200);
    expect(listed.body.endpoints).toContainEqual(expect.objectContaining({ name, endpoint_type: 'llm/v1/chat' }));
    const got = await call<{ name: string; endpoint_url: string }>('GET', `/api/2.0/endpoints/${name}`);
    expect(got.body).toMatchObject({ name, endpoint_url: `/endpoints/${name}/invocations` });
  });

  it("answers a wrong key in the caller's dialect, so the SDKs raise their authentication error", async () => {
    const openai = await call<{ error: { type: string } }>('POST', '/v1/chat/completions', { auth: 'Bearer not-a-key', body: hello('x') });
    expect(openai.status).toBe(401);
    expect(openai.body.error.type).toBe('authentication_error');
    const anthropic = await call<{ type: string; error: { type: string } }>('POST', '/v1/messages', { auth: 'Bearer not-a-key', body: { model: 'x', max_tokens: 5, messages: [] } });
    expect(anthropic.status).toBe(401);
    expect(anthropic.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('refuses bad input with a 4xx in OpenAI shape, never a 5xx', async () => {
    const name = await createEndpoint('llm/v1/chat', [{ baseUrl: `${fake.url}/v1` }]);
    const send = (body: string) => request(`${gateway()}/v1/chat/completions`, { method: 'POST', headers: { ...json, authorization: admin() }, body });
    const cases: [string, string, number][] = [
      ['malformed JSON', '{"model":', 400],
      ['no body', '', 400],
      ['wrong types', JSON.stringify({ model: name, messages: 'hi' }), 400],
      ['a NUL escape', JSON.stringify(hello(name)).replace('Hello AI', 'Hello\\u0000AI'), 400],
      ['an unknown endpoint', JSON.stringify(hello('no-such-endpoint')), 404],
      ['a body over the limit', JSON.stringify(hello(name, { pad: 'x'.repeat(5 * 1024 * 1024) })), 413],
    ];
    for (const [what, body, status] of cases) {
      const r = await send(body);
      const answer = (await r.body.json()) as { error?: { message?: string; type?: string } };
      expect([what, r.statusCode]).toEqual([what, status]);
      expect(typeof answer.error?.message).toBe('string');
      expect(typeof answer.error?.type).toBe('string');
    }
    const embed = await call<{ error: { code: string } }>('POST', '/v1/embeddings', { body: { model: name, input: 'x' } });
    expect(embed.status).toBe(400);
    expect(embed.body.error.code).toBe('wrong_task');
    expect(fake.requests).toHaveLength(0);
  });
});
