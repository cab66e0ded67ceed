// What the bench scripts share: the stack they measure (from $CUSTOS_DATA_DIR, default .data, the
// `npm run up` stack), a keep-alive HTTP client that can pick its loopback source address, the
// identities they set up through the gateway, and percentiles.
import http from 'node:http';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { Client } = require('pg');

export const repoRoot = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const dataDir = process.env.CUSTOS_DATA_DIR ?? `${repoRoot}/.data`;

/** `KEY=value` lines (optionally `export`ed, optionally quoted) of a file in the data folder. */
export const readEnvFile = (f) =>
  Object.fromEntries(
    readFileSync(`${dataDir}/${f}`, 'utf8')
      .split('\n')
      .map((l) => /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(l.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[2].replace(/^["']|["']$/g, '')]),
  );

export function loadStack() {
  const stack = readEnvFile('stack.env');
  const secrets = readEnvFile('secrets.env');
  const infra = readEnvFile('infra.env');
  const pgUrl = (db) => `postgres://${infra.CUSTOS_PG_USER}:${infra.CUSTOS_PG_PASSWORD}@${infra.CUSTOS_PG_HOST}:${infra.CUSTOS_PG_PORT}/${db}`;
  return { stack, secrets, infra, gateway: stack.CUSTOS_GATEWAY_URL, adminAuth: `Bearer ${secrets.BOOTSTRAP_ADMIN_API_KEY}`, pgUrl };
}

export async function pgClient(url) {
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
}

export const args = (argv = process.argv.slice(2)) =>
  Object.fromEntries(argv.reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1] === undefined || all[i + 1].startsWith('--') ? 'true' : all[i + 1]]] : acc), []));

export const basicAuth = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A loopback source address of its own gives a caller its own failed-attempt budget at the gateway. */
export const randomLoopback = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One sequential keep-alive connection per client, so a timed request never pays a TCP handshake. */
export function httpClient(baseUrl, { localAddress } = {}) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = (method, path, { auth, body, headers = {} } = {}) =>
    new Promise((resolve, reject) => {
      const h = { ...headers };
      if (auth) h.authorization = auth;
      const payload = body === undefined ? undefined : JSON.stringify(body);
      // Explicit length: Node sends a DELETE body without framing otherwise, and the server sees none.
      if (payload !== undefined) Object.assign(h, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      const req = http.request({ host: url.hostname, port: url.port, method, path, headers: h, agent, localAddress }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { request, close: () => agent.destroy() };
}

/** A call that must succeed; the answer's JSON. */
export async function must(client, method, path, opts) {
  const r = await client.request(method, path, opts);
  if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
  return r.text ? JSON.parse(r.text) : {};
}

export async function waitUntil(what, fn, timeoutMs = 30_000, everyMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Nearest-rank on an ascending array. */
export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
