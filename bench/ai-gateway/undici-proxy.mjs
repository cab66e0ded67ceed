#!/usr/bin/env node
// The floor of the AI gateway bench: a bare reverse proxy, node:http in front and undici's pooled
// keep-alive Agent behind, doing nothing but forward the request and pipe the answer back as it
// arrives (no auth, no parsing, no buffering). What any Node gateway pays for the extra hop.
//
//   node bench/ai-gateway/undici-proxy.mjs --upstream http://127.0.0.1:PORT [--port 0]
// Prints one JSON line `{"url": ...}` on stdout when listening.
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent } from 'undici';

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
};
const upstream = new URL(opt('upstream', ''));
const PORT = Number(opt('port', 0));
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 256, pipelining: 1 });
// Hop-by-hop headers are the connection's, not the message's (RFC 9110 §7.6.1).
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host']);

const server = http.createServer(async (req, res) => {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
  const ac = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  try {
    const up = await agent.request({
      origin: upstream.origin,
      method: req.method,
      path: req.url,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req,
      signal: ac.signal,
    });
    const out = {};
    for (const [k, v] of Object.entries(up.headers)) if (!HOP.has(k) && v !== undefined) out[k] = v;
    res.writeHead(up.statusCode, out);
    res.flushHeaders();
    await pipeline(up.body, res);
  } catch (e) {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `upstream: ${e.message}`, type: 'bad_gateway' } }));
    } else res.destroy();
  }
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(PORT, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, pid: process.pid })}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => void agent.close().finally(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
