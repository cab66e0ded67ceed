import { createServer } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { request } from 'undici';
import { FakeUpstream, startFakeUpstream } from '@custos/ai-fakes';
import { alice, endpoint, eventually, Harness, startHarness } from './call-pipeline.spec-helper';

const reply = (content: string, usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number }) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ id: 'c1', created: 1, model: 'gpt-test', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], ...(usage ? { usage } : {}) }),
});
const chunk = (content: string) => `data: ${JSON.stringify({ id: 'c1', created: 1, model: 'gpt-test', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'c1', created: 1, model: 'gpt-test', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })}\n\n`;
interface Reply {
  error: { kind: string; message: string };
  choices: { message: { content: string } }[];
  model?: string;
  strategy?: unknown;
  stream_options?: unknown;
}
const json = (text: string) => JSON.parse(text) as Reply;
const hello = { model: 'chat', messages: [{ role: 'user', content: 'Hello AI' }] };

async function post(h: Harness, body: unknown) {
  const r = await request(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.statusCode, headers: r.headers, text: await r.body.text() };
}

describe('the AI call pipeline', () => {
  let h: Harness;
  let fake: FakeUpstream;
  let second: FakeUpstream;

  beforeEach(async () => {
    h = await startHarness();
    h.directory.grants.set(alice.id, 'USE');
    fake = await startFakeUpstream(() => reply('hi', { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 }));
    second = await startFakeUpstream(() => reply('from the fallback'));
  });
  afterEach(async () => {
    await h.close();
    await fake.close();
    await second.close();
  });

  it('answers a call through its target, with the gateway headers and one usage record of the provider counts', async () => {
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: fake.url }]));
    const r = await post(h, hello);
    expect(r.status).toBe(200);
    expect(json(r.text).choices[0].message.content).toBe('hi');
    expect(r.headers['x-request-id']).toBe('req-1');
    expect(r.headers['x-custos-endpoint']).toBe('chat');
    expect(r.headers['x-custos-target']).toBe('openai/gpt-test');
    expect(Number(r.headers['x-custos-overhead-ms'])).toBeGreaterThanOrEqual(0);
    // The provider got the target's model and the stored key, never the caller's `model`.
    expect(json(fake.requests[0].body).model).toBe('gpt-test');
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-test-secret');
    expect(h.usage).toHaveLength(1);
    expect(h.usage[0].data).toMatchObject({
      principal: 'alice',
      endpoint: 'chat',
      provider: 'openai',
      upstreamModel: 'gpt-test',
      tokensIn: 5,
      tokensOut: 1,
      estimated: false,
      status: 200,
      retries: 0,
      fallbackUsed: false,
      streamed: false,
    });
    expect(JSON.stringify(h.usage[0])).not.toContain('Hello AI');
  });

  it('estimates the tokens when the provider reports none, and says so', async () => {
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: second.url }]));
    const r = await post(h, hello);
    expect(h.usage[0].data).toMatchObject({ tokensIn: 2, tokensOut: 3, estimated: true });
    // The caller gets the estimate too, rather than no counts.
    expect((JSON.parse(r.text) as { usage: unknown }).usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3 });
  });

  it('retries a 5xx on the same target, then falls back to the next order, before anything reached the caller', async () => {
    fake.handle(() => ({ status: 503, body: '{"error":{"message":"overloaded"}}' }));
    h.directory.endpoints.set(
      'chat',
      endpoint('chat', [
        { baseUrl: fake.url, order: 0 },
        { baseUrl: second.url, order: 1 },
      ]),
    );
    const r = await post(h, hello);
    expect(r.status).toBe(200);
    expect(json(r.text).choices[0].message.content).toBe('from the fallback');
    expect(fake.requests).toHaveLength(2);
    expect(second.requests).toHaveLength(1);
    expect(h.usage[0].data).toMatchObject({ retries: 2, fallbackUsed: true, status: 200 });
  });

  it('falls back on a 429, and passes a 429 on (in the dialect) when no target is left', async () => {
    fake.handle(() => ({ status: 429, headers: { 'retry-after': '60' }, body: '{}' }));
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: fake.url }]));
    const r = await post(h, hello);
    expect(r.status).toBe(429);
    expect(json(r.text).error.kind).toBe('upstream_rate_limited');
    // Retry-After (60 s) is longer than the policy waits: no retry on that target.
    expect(fake.requests).toHaveLength(1);
    expect(h.usage[0].data).toMatchObject({ status: 429, errorClass: 'upstream_rate_limited' });
  });

  it('does not retry what the caller got wrong', async () => {
    fake.handle(() => ({ status: 400, body: '{}' }));
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: fake.url }, { baseUrl: second.url, order: 1 }]));
    expect((await post(h, hello)).status).toBe(400);
    expect(fake.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(0);
  });

  it('passes a stream through chunk by chunk: the caller reads the first chunk while the provider still holds the rest', async () => {
    const up = await heldStream();
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: up.url }]));
    const r = await request(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hello, stream: true }) });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/event-stream');
    const reader = r.body[Symbol.asyncIterator]();
    let seen = '';
    while (!seen.includes('"one"')) seen += Buffer.from((await reader.next()).value as Buffer).toString();
    expect(seen).not.toContain('"two"');
    up.release(chunk('two') + usageChunk + 'data: [DONE]\n\n');
    for (let n = await reader.next(); !n.done; n = await reader.next()) seen += Buffer.from(n.value as Buffer).toString();
    expect(seen).toContain('"two"');
    expect(seen.endsWith('data: [DONE]\n\n')).toBe(true);
    await eventually(() => h.usage.length === 1);
    expect(h.usage[0].data).toMatchObject({ streamed: true, tokensIn: 7, tokensOut: 3, estimated: false, status: 200 });
    // The gateway asked the provider for usage on the stream, whatever the caller asked.
    expect(json(up.body()).stream_options).toEqual({ include_usage: true });
    await up.close();
  });

  it('aborts the provider request as soon as the caller goes away mid-stream', async () => {
    const up = await heldStream();
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: up.url }]));
    const r = await request(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hello, stream: true }) });
    const reader = r.body[Symbol.asyncIterator]();
    await reader.next();
    r.body.destroy();
    await eventually(() => up.aborted());
    await eventually(() => h.usage.length === 1);
    expect(h.usage[0].data).toMatchObject({ status: 499, errorClass: 'client_closed', streamed: true });
    await up.close();
  });

  it('ends a stream that breaks after the first byte with an error event in the dialect, never a silent truncation', async () => {
    const up = await heldStream();
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: up.url }, { baseUrl: second.url, order: 1 }]));
    const r = await request(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...hello, stream: true }) });
    expect(r.statusCode).toBe(200);
    const reader = r.body[Symbol.asyncIterator]();
    let seen = '';
    while (!seen.includes('"one"')) seen += Buffer.from((await reader.next()).value as Buffer).toString();
    up.breakNow();
    for (let n = await reader.next(); !n.done; n = await reader.next()) seen += Buffer.from(n.value as Buffer).toString();
    expect(seen).toMatch(/data: \{"error":\{"kind":"upstream_(protocol|connection)"\}\}\n\n$/);
    // Nothing is replayed once the caller has bytes.
    expect(second.requests).toHaveLength(0);
    await eventually(() => h.usage.length === 1);
    expect(h.usage[0].data.errorClass).toMatch(/^upstream_/);
    await up.close();
  });

  it('gives up on a provider that sends no first byte within the endpoint limit, and on one that goes silent mid-stream', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const short = { connectMs: 1_000, firstByteMs: 100, idleMs: 100, totalMs: 60_000 };
    h.directory.endpoints.set('mute', endpoint('mute', [{ baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` }], { timeouts: short }));
    const r = await post(h, { ...hello, model: 'mute' });
    expect(r.status).toBe(504);
    expect(json(r.text).error.kind).toBe('upstream_timeout');
    const up = await heldStream();
    h.directory.endpoints.set('stall', endpoint('stall', [{ baseUrl: up.url }], { timeouts: short }));
    const streamed = await post(h, { ...hello, model: 'stall', stream: true });
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('"one"');
    expect(streamed.text).toMatch(/data: \{"error":\{"kind":"upstream_timeout"\}\}\n\n$/);
    await up.close();
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('hides an endpoint the caller may not USE exactly like a missing one, and records the denial', async () => {
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: fake.url }]));
    h.directory.grants.set(alice.id, 'READ');
    const denied = await post(h, hello);
    const missing = await post(h, { ...hello, model: 'nope' });
    expect(denied.status).toBe(404);
    expect(json(denied.text).error.message).toBe("The endpoint 'chat' does not exist or you do not have access to it.");
    expect(json(missing.text).error.kind).toBe(json(denied.text).error.kind);
    expect(h.denials).toEqual([expect.objectContaining({ reason: 'forbidden', status: 404 })]);
    expect(fake.requests).toHaveLength(0);
  });

  it('drops unknown parameters by default and names them in a header; refuses them when the endpoint says reject', async () => {
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: fake.url }]));
    h.directory.endpoints.set('strict', endpoint('strict', [{ baseUrl: fake.url }], { unknownParams: 'reject' }));
    const dropped = await post(h, { ...hello, strategy: 'efficiency' });
    expect(dropped.status).toBe(200);
    expect(dropped.headers['x-custos-dropped-params']).toBe('strategy');
    expect(json(fake.requests[0].body).strategy).toBeUndefined();
    const refused = await post(h, { ...hello, model: 'strict', strategy: 'efficiency' });
    expect(refused.status).toBe(400);
    expect(json(refused.text).error.kind).toBe('unknown_parameter');
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a stream from an endpoint whose provider cannot stream, before calling it', async () => {
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: fake.url, provider: 'cohere' }]));
    const r = await post(h, { ...hello, stream: true });
    expect(r.status).toBe(400);
    expect(json(r.text).error.kind).toBe('stream_unsupported');
  });

  it.each([
    ['malformed JSON', '{"model": "chat",', 'invalid_request', 400],
    ['an empty body', '', 'invalid_request', 400],
    ['a JSON array', '[1]', 'invalid_request', 400],
    ['a NUL escape', JSON.stringify({ ...hello, messages: [{ role: 'user', content: 'a\u0000b' }] }), 'invalid_request', 400],
    ['a body over the limit', JSON.stringify({ ...hello, pad: 'x'.repeat(4096) }), 'body_too_large', 413],
    ['a missing model', JSON.stringify({ messages: [] }), 'invalid_request', 400],
  ])('answers %s with a 4xx in the dialect', async (_what, body, kind, status) => {
    h.directory.endpoints.set('chat', endpoint('chat', [{ baseUrl: fake.url }]));
    const r = await post(h, body);
    expect(r.status).toBe(status);
    expect(json(r.text).error.kind).toBe(kind);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the AI call pipeline against non-public upstream addresses', () => {
  it('refuses a target at the metadata address or a private one without connecting, unless the allow-list names it', async () => {
    const h = await startHarness({ AI_UPSTREAM_ALLOW_CIDRS: '' });
    h.directory.grants.set(alice.id, 'USE');
    h.directory.endpoints.set('meta', endpoint('meta', [{ baseUrl: 'http://169.254.169.254' }]));
    h.directory.endpoints.set('loop', endpoint('loop', [{ baseUrl: 'http://127.0.0.1:9' }]));
    for (const model of ['meta', 'loop']) {
      const r = await post(h, { ...hello, model });
      expect(r.status).toBe(502);
      expect(json(r.text).error.kind).toBe('upstream_blocked_address');
    }
    await h.close();
  });

  it('checks every address a host name resolves to at connect time, so a rebinding answer is caught', async () => {
    const answers = [['8.8.8.8', '10.0.0.5']];
    const h = await startHarness({ AI_UPSTREAM_ALLOW_CIDRS: '' }, async () => answers[0]);
    h.directory.grants.set(alice.id, 'USE');
    h.directory.endpoints.set('dns', endpoint('dns', [{ baseUrl: 'http://provider.example' }]));
    const r = await post(h, { ...hello, model: 'dns' });
    expect(r.status).toBe(502);
    expect(json(r.text).error.kind).toBe('upstream_blocked_address');
    expect(json(r.text).error.message).toContain('private');
    await h.close();
  });

  it('connects to the checked address itself, keeping the host name in the request', async () => {
    const fake = await startFakeUpstream(() => reply('hi'));
    const port = new URL(fake.url).port;
    const h = await startHarness({ AI_UPSTREAM_ALLOW_CIDRS: '127.0.0.1/32' }, async () => ['127.0.0.1']);
    h.directory.grants.set(alice.id, 'USE');
    h.directory.endpoints.set('named', endpoint('named', [{ baseUrl: `http://provider.example:${port}` }]));
    const r = await post(h, { ...hello, model: 'named' });
    expect(r.status).toBe(200);
    expect(fake.requests[0].headers.host).toBe(`provider.example:${port}`);
    await h.close();
    await fake.close();
  });
});

/** A provider stream that sends one chunk and then holds until the test releases the rest. */
async function heldStream() {
  let release!: (rest: string) => void;
  const rest = new Promise<string>((r) => (release = r));
  let aborted = false;
  let body = '';
  let socket: Socket | null = null;
  const server = createServer((req, res) => {
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('one'));
      socket = res.socket;
      res.on('close', () => {
        if (!res.writableFinished) aborted = true;
      });
      void rest.then((text) => res.end(text));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release,
    aborted: () => aborted,
    breakNow: () => socket?.destroy(),
    body: () => body,
    close: async () => {
      release('');
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
