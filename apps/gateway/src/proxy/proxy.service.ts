import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomUUID, KeyObject } from 'node:crypto';
import http, { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { BlockList } from 'node:net';
import { Logger } from 'pino';
import { INTERNAL_TOKEN_HEADER, isMlflowPath, loadPrivateKey, LOGGER, requestContext, SERVICE_CONFIG, signInternalToken } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { routeFor, Upstream } from '../domain/route-table';
import { parseAuthorization } from '../domain/credentials';
import { clientAddress } from '../domain/client-address';
import { contains, parseCidrList } from '../domain/cidr';
import { Authenticator } from '../auth/authenticator';
import { DenialRecorder } from './denials';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade', 'host', 'authorization', 'cookie', INTERNAL_TOKEN_HEADER];
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request path: client address → authentication → owning service → forward with a signed
 * internal token. Bodies stream both ways (artifacts are never buffered here).
 */
@Injectable()
export class ProxyService implements OnModuleDestroy {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });
  private readonly upstreams: Record<Upstream, URL>;
  private readonly signingKey: KeyObject;
  private readonly trustedProxies: BlockList;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly authenticator: Authenticator,
    private readonly denials: DenialRecorder,
  ) {
    this.upstreams = { tracking: new URL(config.TRACKING_URL), registry: new URL(config.REGISTRY_URL), authz: new URL(config.AUTHZ_URL), audit: new URL(config.AUDIT_URL) };
    this.signingKey = loadPrivateKey(config.INTERNAL_TOKEN_PRIVATE_KEY);
    this.trustedProxies = parseCidrList(config.TRUSTED_PROXIES);
  }

  onModuleDestroy(): void {
    this.agent.destroy();
  }

  handle = (req: IncomingMessage, res: ServerResponse): void => {
    const given = req.headers['x-correlation-id'];
    const correlationId = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
    res.setHeader('x-correlation-id', correlationId);
    const ip = clientAddress(req.socket.remoteAddress ?? '', headerValue(req.headers, 'x-forwarded-for'), (a) => contains(this.trustedProxies, a));
    requestContext.run({ correlationId, clientIp: ip }, () => void this.route(req, res, correlationId, ip));
  };

  private async route(req: IncomingMessage, res: ServerResponse, correlationId: string, ip: string): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const upstream = routeFor(path);
    if (!upstream) return reply(res, path, 404, 'ENDPOINT_NOT_FOUND', `no route for ${req.method} ${path}`);
    const credential = parseAuthorization(headerValue(req.headers, 'authorization'));
    const auth = this.authenticator.authenticate(credential);
    if (!auth.ok) {
      await this.denials.record(correlationId, ip, {
        reason: auth.reason,
        method: req.method ?? 'GET',
        path: path.slice(0, 2048),
        status: 401,
        credentialKind: credential.kind === 'malformed' ? undefined : credential.kind === 'none' ? 'none' : credential.kind === 'bearer' ? 'bearer' : 'basic',
        ...(auth.claimedAccount ? { claimedAccount: auth.claimedAccount.slice(0, 256) } : {}),
      });
      res.setHeader('WWW-Authenticate', 'Basic realm="custos", Bearer realm="custos"');
      return reply(res, path, 401, 'UNAUTHENTICATED', auth.reason === 'unauthenticated' ? 'authentication required' : 'invalid credentials');
    }
    this.forward(req, res, this.upstreams[upstream], signInternalToken(this.signingKey, auth.principal, correlationId, ip), correlationId, ip);
  }

  private forward(req: IncomingMessage, res: ServerResponse, target: URL, token: string, correlationId: string, ip: string): void {
    const headers: IncomingHttpHeaders = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    headers[INTERNAL_TOKEN_HEADER] = token;
    headers['x-correlation-id'] = correlationId;
    headers['x-forwarded-for'] = ip;
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: this.agent, timeout: this.config.UPSTREAM_TIMEOUT_MS });
    up.on('response', (r) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !['connection', 'keep-alive'].includes(k)) out[k] = v;
      res.writeHead(r.statusCode ?? 502, out);
      r.pipe(res);
    });
    up.on('timeout', () => up.destroy(new Error('upstream timeout')));
    up.on('error', (e) => {
      this.logger.warn({ err: e.message, upstream: target.host, correlationId }, 'upstream failed');
      if (!res.headersSent) reply(res, req.url ?? '/', 503, 'TEMPORARILY_UNAVAILABLE', 'service temporarily unavailable');
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  }
}

function headerValue(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function reply(res: ServerResponse, path: string, status: number, code: string, message: string): void {
  const mlflow = isMlflowPath(path);
  const body = mlflow ? { error_code: code, message } : { type: `urn:custos:error:${code.toLowerCase()}`, title: code, status, detail: message };
  res.writeHead(status, { 'content-type': mlflow ? 'application/json' : 'application/problem+json' });
  res.end(JSON.stringify(body));
}
