import http, { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Actor, EventData, RequestDenied } from '@custos/events';
import { createLogger, INTERNAL_TOKEN_HEADER, InternalTokenSecret, parseConfig, verifyInternalToken } from '@custos/platform';
import { Principal } from '@custos/rbac';
import { offlineServiceEnv } from '@custos/testing';
import { Authenticator, AuthResult } from '../auth/authenticator';
import { gatewayEnv } from '../gateway.config';
import { IpRules } from '../ip-rules/ip-rule-set.service';
import { DenialRecorder, RequestIds } from './denials';
import { ProxyService } from './proxy.service';

const alice: Principal = { id: 'alice', kind: 'user', roles: [], groups: [] };
const secret = InternalTokenSecret.generate();

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function listen(handler: http.RequestListener): Promise<Server> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const portOf = (s: Server) => (s.address() as AddressInfo).port;

function send(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The gateway's request path over real sockets, with authentication and IP rules stubbed to let the
 * caller in (or not): what it forwards, what it answers, and what it records.
 */
describe('the gateway proxy', () => {
  let upstream: Server;
  let gateway: Server;
  let auth: AuthResult;
  let authenticate: () => Promise<AuthResult>;
  const received: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
  const denials: { ids: RequestIds; data: EventData<typeof RequestDenied>; actor?: Actor }[] = [];
  let upstreamAnswer: (res: ServerResponse) => void;

  beforeAll(async () => {
    upstream = await listen((req, res) => {
      received.push({ method: req.method, url: req.url, headers: req.headers });
      upstreamAnswer(res);
    });
    const config = parseConfig(
      gatewayEnv,
      offlineServiceEnv({
        INTERNAL_TOKEN_SECRET: secret.exportSecret(),
        TRACKING_URL: `http://127.0.0.1:${portOf(upstream)}`,
        // Nothing listens there: the registry is "down".
        REGISTRY_URL: 'http://127.0.0.1:1',
      }),
    );
    const authenticator = { authenticate: () => authenticate() } as unknown as Authenticator;
    const ipRules = { isLoaded: () => true, evaluate: () => ({ allowed: true }) } as unknown as IpRules;
    const recorder = {
      record: (ids: RequestIds, _ip: string, data: EventData<typeof RequestDenied>, actor?: Actor) => {
        denials.push({ ids, data, actor });
        return Promise.resolve();
      },
    } as unknown as DenialRecorder;
    const proxy = new ProxyService(config, createLogger('gateway', 'silent'), authenticator, ipRules, recorder);
    gateway = await listen((req: IncomingMessage, res: ServerResponse) =>
      proxy.handle(req, res, () => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"served":"in-process"}');
      }),
    );
  });

  beforeEach(() => {
    auth = { ok: true, principal: alice, credentialKind: 'api_key' };
    authenticate = () => Promise.resolve(auth);
    received.length = 0;
    denials.length = 0;
    upstreamAnswer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });

  afterAll(async () => {
    await new Promise((r) => gateway.close(r));
    await new Promise((r) => upstream.close(r));
  });

  it('forwards a token minted for the owning service and this very request, that no other service or request accepts', async () => {
    const path = '/api/2.0/mlflow/experiments/search?max_results=5';
    expect((await send(portOf(gateway), 'GET', path)).status).toBe(200);
    const token = received[0].headers[INTERNAL_TOKEN_HEADER] as string;
    const key = secret.keyFor('tracking');
    await expect(verifyInternalToken(key, token, 'tracking', { method: 'GET', url: path })).resolves.toMatchObject({ sub: 'alice', aud: 'tracking' });
    await expect(verifyInternalToken(secret.keyFor('audit'), token, 'audit', { method: 'GET', url: '/api/audit/events' })).rejects.toThrow();
    await expect(verifyInternalToken(key, token, 'tracking', { method: 'POST', url: '/api/2.0/mlflow/experiments/create' })).rejects.toThrow();
  });

  it("answers with its own request id, never the client's, which travels marked as the client's", async () => {
    const res = await send(portOf(gateway), 'GET', '/api/2.0/mlflow/experiments/search', { 'x-correlation-id': 'planted-by-client' });
    const own = res.headers['x-correlation-id'] as string;
    expect(own).toMatch(/^[0-9a-f-]{36}$/);
    expect(received[0].headers['x-correlation-id']).toBe(own);
    const claims = await verifyInternalToken(secret.keyFor('tracking'), received[0].headers[INTERNAL_TOKEN_HEADER] as string, 'tracking', { method: 'GET', url: '/api/2.0/mlflow/experiments/search' });
    expect(claims).toMatchObject({ cid: own, ccid: 'planted-by-client' });
  });

  it("records a denial under its own id, with the client's id apart", async () => {
    auth = { ok: false, reason: 'invalid_credentials', credentialKind: 'api_key' };
    const res = await send(portOf(gateway), 'GET', '/api/2.0/mlflow/experiments/search', { 'x-correlation-id': 'planted-by-client' });
    expect(res.status).toBe(401);
    expect(denials).toHaveLength(1);
    expect(denials[0].ids).toEqual({ correlationId: res.headers['x-correlation-id'], clientCorrelationId: 'planted-by-client' });
  });

  it('marks its own answers and forwarded ones nosniff and no-store, unless a download set its own caching', async () => {
    auth = { ok: false, reason: 'unauthenticated', credentialKind: 'none' };
    const refused = await send(portOf(gateway), 'GET', '/api/2.0/mlflow/experiments/search');
    auth = { ok: true, principal: alice, credentialKind: 'api_key' };
    const forwarded = await send(portOf(gateway), 'GET', '/api/2.0/mlflow/experiments/search');
    for (const res of [refused, forwarded]) expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
    upstreamAnswer = (res) => res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'private, max-age=60' }).end('bytes');
    const download = await send(portOf(gateway), 'GET', '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model.pkl');
    expect(download.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=60' });
  });

  it('answers 503 with Retry-After when the owning service cannot be reached, and adds it to an upstream 503', async () => {
    const down = await send(portOf(gateway), 'GET', '/api/2.0/mlflow/registered-models/search');
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('1');
    upstreamAnswer = (res) => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error_code":"TEMPORARILY_UNAVAILABLE"}');
    const busy = await send(portOf(gateway), 'GET', '/api/2.0/mlflow/experiments/search');
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
  });

  it('answers a transient failure inside its own path (authentication hitting a dead database) as 503, not 500', async () => {
    authenticate = () => Promise.reject(new Error('Connection terminated unexpectedly'));
    const res = await send(portOf(gateway), 'GET', '/api/2.0/mlflow/experiments/search');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
  });

  it('serves no /metrics on the public port: like any unknown path, 401 unauthenticated and 404 once authenticated', async () => {
    auth = { ok: false, reason: 'unauthenticated', credentialKind: 'none' };
    expect((await send(portOf(gateway), 'GET', '/metrics')).status).toBe(401);
    auth = { ok: true, principal: alice, credentialKind: 'api_key' };
    expect((await send(portOf(gateway), 'GET', '/metrics')).status).toBe(404);
    expect(received).toHaveLength(0);
  });
});
