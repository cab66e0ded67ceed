#!/usr/bin/env node
// The bench's upstream LLM: OpenAI's chat-completions wire format on loopback, with a fixed latency,
// so every row of bench/ai-gateway/bench.mjs talks to the same provider and differs only in what
// sits in between. Plain node:http, no framework, its own process.
//
//   node bench/ai-gateway/fake-upstream.mjs [--port 0] [--latency-ms 50] [--chunks 20] [--chunk-gap-ms 10]
//
// POST /v1/chat/completions (any path ending in /chat/completions):
//   non-streaming: the reply after --latency-ms;
//   "stream": true: SSE, the first chunk after --latency-ms, then --chunks content chunks in all,
//   --chunk-gap-ms apart, then a usage chunk (choices: []) and `data: [DONE]`.
// GET /v1/models lists `bench-model`. Prints one JSON line `{"url": ...}` on stdout when listening.
import http from 'node:http';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : def;
};
const PORT = opt('port', 0);
const LATENCY_MS = opt('latency-ms', 50);
const CHUNKS = opt('chunks', 20);
const GAP_MS = opt('chunk-gap-ms', 10);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let seq = 0;

function usage(prompt) {
  return { prompt_tokens: prompt, completion_tokens: CHUNKS, total_tokens: prompt + CHUNKS };
}

function completion(model, prompt) {
  return {
    id: `chatcmpl-bench${++seq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'word '.repeat(CHUNKS).trim() }, logprobs: null, finish_reason: 'stop' }],
    usage: usage(prompt),
  };
}

async function stream(res, model, prompt, closed) {
  const id = `chatcmpl-bench${++seq}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta, finish, extra = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
  // Each chunk is due at a fixed offset from the request's arrival, so a late timer on a busy
  // machine delays one chunk, not every chunk after it.
  const t0 = performance.now();
  const until = (offset) => sleep(Math.max(0, t0 + offset - performance.now()));
  await until(LATENCY_MS);
  if (closed()) return;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (let i = 0; i < CHUNKS; i++) {
    if (i > 0) await until(LATENCY_MS + i * GAP_MS);
    if (closed()) return;
    const last = i === CHUNKS - 1;
    res.write(chunk(i === 0 ? { role: 'assistant', content: 'word' } : { content: ' word' }, last ? 'stop' : null));
  }
  res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usage(prompt) })}\n\n`);
  res.end('data: [DONE]\n\n');
}

const server = http.createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    let closed = false;
    res.on('close', () => (closed = true));
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'bench-model', object: 'model', created: 0, owned_by: 'bench' }] }));
      return;
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'body is not JSON', type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    const model = typeof body.model === 'string' ? body.model : 'bench-model';
    const prompt = Array.isArray(body.messages) ? body.messages.length * 8 : 8;
    if (body.stream === true) {
      void stream(res, model, prompt, () => closed);
      return;
    }
    setTimeout(() => {
      if (closed) return;
      const text = JSON.stringify(completion(model, prompt));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    }, LATENCY_MS);
  });
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(PORT, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, pid: process.pid })}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
