import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import http, { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from 'pino';
import {
  ApiError,
  DENIAL_HEADER,
  INTERNAL_TOKEN_HEADER,
  InternalTokenSecret,
  isMlflowPath,
  LOGGER,
  requestContext,
  RETRY_AFTER_SECONDS,
  SERVICE_CONFIG,
  sendError,
  setSafeResponseHeaders,
  signInternalToken,
  toCoded,
} from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { routeFor, Upstream } from '../domain/route-table';
import { canonicalTarget } from '../domain/request-path';
import { clientAddress } from '../domain/client-address';
import { CidrList, parseCidrList } from '../domain/cidr';
import { API_KEY_HEADERS } from '../domain/credentials';
import { Authenticator, AuthResult } from '../auth/authenticator';
import { IpRules } from '../ip-rules/ip-rule-set.service';
import { actorOf, DenialRecorder, denialDetail, RequestIds } from './denials';
import { markArrival } from '../ai/calls/call-intake';
import { FrontCodecs } from '../ai/calls/front-codecs';
import { writeAiEdgeRefusal } from '../ai/fronts/edge-refusals';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade', 'host', 'authorization', ...API_KEY_HEADERS, 'cookie', INTERNAL_TOKEN_HEADER];
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** MLflow auth's words for a request without valid credentials (`mlflow/server/auth`). */
export const MLFLOW_UNAUTHENTICATED = 'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.';

type Next = (err?: unknown) => void;
type Denied = Exclude<AuthResult, { ok: true }>;

/**
 * The request path: request id → client address → IP rules → authentication → owning service,
 * forwarded with an internal token minted for that service and that request (decision 026). Bodies
 * stream both ways (artifacts are never buffered here). The gateway's own admin API (`/api/gateway/*`) takes the same path and is then handed to
 * Nest in-process, carrying the same internal token, so one guard decides its policies too.
 */
@Injectable()
export class ProxyService implements OnModuleDestroy {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 512, keepAliveMsecs: 10_000 });
  private readonly upstreams: Record<Upstream, URL>;
  private readonly tokenSecret: InternalTokenSecret;
  private readonly trustedProxies: CidrList;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly authenticator: Authenticator,
    private readonly ipRules: IpRules,
    private readonly denials: DenialRecorder,
    @Optional() private readonly aiFronts?: FrontCodecs,
  ) {
    this.upstreams = { tracking: new URL(config.TRACKING_URL), registry: new URL(config.REGISTRY_URL), authz: new URL(config.AUTHZ_URL), audit: new URL(config.AUDIT_URL) };
    this.tokenSecret = InternalTokenSecret.fromBase64(config.INTERNAL_TOKEN_SECRET);
    this.trustedProxies = parseCidrList(config.TRUSTED_PROXIES);
  }

  onModuleDestroy(): void {
    this.agent.destroy();
  }

  handle = (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    markArrival(req);
    // The gateway's own id is the correlation id of everything the request causes: a client-sent id
    // could name another request's trail in audit. The client's id is kept, marked as the client's.
    const given = req.headers['x-correlation-id'];
    const ids: RequestIds = { correlationId: randomUUID(), ...(typeof given === 'string' && SAFE_ID.test(given) ? { clientCorrelationId: given } : {}) };
    res.setHeader('x-correlation-id', ids.correlationId);
    setSafeResponseHeaders(res);
    const ip = clientAddress(req.socket.remoteAddress ?? '', headerValue(req.headers, 'x-forwarded-for'), (a) => this.trustedProxies.contains(a));
    requestContext.run({ ...ids, clientIp: ip }, () => {
      this.route(req, res, next, ids, ip).catch((e: unknown) => {
        this.logger.error({ err: (e as Error).message, correlationId: ids.correlationId }, 'gateway request failed');
        // A dependency that failed in passing (its database restarting) is a 503 to retry, not a 500.
        const transient = toCoded(e).httpStatus === 503;
        if (res.headersSent) res.destroy();
        else if (transient) reply(res, req.url ?? '/', 503, 'TEMPORARILY_UNAVAILABLE', 'a dependency is unavailable; retry shortly');
        else reply(res, req.url ?? '/', 500, 'INTERNAL_ERROR', 'internal error');
      });
    });
  };

  private async route(req: IncomingMessage, res: ServerResponse, next: Next, ids: RequestIds, ip: string): Promise<void> {
    const target = canonicalTarget(req.url ?? '/');
    if (!target.ok) return reply(res, (req.url ?? '/').split('?')[0], 400, 'BAD_REQUEST', `malformed request path: ${target.detail}`);
    // IP rules, routing, the internal token's path hash and the service behind all read this one spelling of the path.
    req.url = target.url;
    const path = target.path;
    const method = req.method ?? 'GET';
    const denial = { method, path: path.slice(0, 2048) };
    if (!this.ipRules.isLoaded()) return reply(res, path, 503, 'TEMPORARILY_UNAVAILABLE', 'the gateway is starting; retry shortly');
    const ipDecision = this.ipRules.evaluate(ip, path);
    if (!ipDecision.allowed) {
      await this.denials.record(ids, ip, { reason: 'ip_blocked', ...denial, status: 403, detail: ipDecision.detail });
      const why = ipDecision.reason === 'denied' ? 'is denied by an IP rule' : 'is not in the allow list';
      const message = `request blocked: client address ${ip} ${why}${ipDecision.rule?.routePrefix ? ` for ${ipDecision.rule.routePrefix}` : ''}`;
      if (writeAiEdgeRefusal(this.aiFronts, res, path, 403, message, ids.correlationId)) return;
      return reply(res, path, 403, 'PERMISSION_DENIED', message);
    }
    const auth = await this.authenticator.authenticate(req, res, ip);
    if (!auth.ok) return this.refuse(res, auth, ids, ip, denial);
    const owner = routeFor(path);
    if (!owner) return reply(res, path, 404, 'ENDPOINT_NOT_FOUND', `no route for ${method} ${path}`);
    // One token per forwarded request, for the owning service and this method and path only.
    const token = await signInternalToken(this.tokenSecret, auth.principal, { audience: owner, method, url: req.url ?? '/', ...ids, clientIp: ip });
    if (owner === 'gateway') {
      // Served by this process's controllers: the platform guard verifies this token like any service.
      // Express noted the URL as sent before this rewrite; the token names the canonical one (a
      // trailing slash dropped, e.g. MLflow's `GET /api/2.0/endpoints/`), and the guard reads originalUrl.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.headers[INTERNAL_TOKEN_HEADER] = token;
      req.headers['x-correlation-id'] = ids.correlationId;
      delete req.headers.authorization;
      return next();
    }
    // A service's refusal (a 403, or a 404 that hides what the caller may not see) is recorded here,
    // with the policy's reason from the service, so every denial reaches audit the same way.
    const onDenied = (status: number, detail: string | undefined) =>
      void this.denials.record(ids, ip, { reason: 'forbidden', ...denial, status, ...(detail ? { detail } : {}) }, actorOf(auth.principal));
    this.forward(req, res, this.upstreams[owner], token, ids.correlationId, ip, onDenied);
  }

  private async refuse(res: ServerResponse, auth: Denied, ids: RequestIds, ip: string, denial: { method: string; path: string }): Promise<void> {
    if (auth.reason === 'unavailable') {
      this.logger.warn({ err: auth.detail, correlationId: ids.correlationId }, 'authentication could not complete');
      return reply(res, denial.path, 503, 'TEMPORARILY_UNAVAILABLE', 'authentication is temporarily unavailable; retry shortly');
    }
    const status = auth.reason === 'rate_limited' ? 429 : 401;
    await this.denials.record(ids, ip, {
      reason: auth.reason,
      ...denial,
      status,
      ...(auth.credentialKind ? { credentialKind: auth.credentialKind } : {}),
      ...(auth.claimedAccount ? { claimedAccount: auth.claimedAccount } : {}),
      ...(auth.reason !== 'unauthenticated' && auth.detail ? { detail: auth.detail.slice(0, 512) } : {}),
    });
    if (auth.reason === 'rate_limited') {
      res.setHeader('Retry-After', String(auth.retryAfterSeconds));
      if (writeAiEdgeRefusal(this.aiFronts, res, denial.path, 429, 'too many failed authentication attempts; retry later', ids.correlationId)) return;
      return reply(res, denial.path, 429, 'REQUEST_LIMIT_EXCEEDED', 'too many failed authentication attempts; retry later');
    }
    const bearer = auth.bearer ? `Bearer realm="custos", error="${auth.bearer.error}", error_description="${auth.bearer.description}"` : 'Bearer realm="custos"';
    res.setHeader('WWW-Authenticate', ['Basic realm="custos", charset="UTF-8"', bearer]);
    // MLflow's auth answers both cases with one sentence, which its users and docs know; the audit
    // event above keeps the difference.
    const message = isMlflowPath(denial.path) ? MLFLOW_UNAUTHENTICATED : auth.reason === 'unauthenticated' ? 'authentication required' : 'invalid credentials';
    if (writeAiEdgeRefusal(this.aiFronts, res, denial.path, 401, message, ids.correlationId)) return;
    return reply(res, denial.path, 401, 'UNAUTHENTICATED', message);
  }

  private forward(req: IncomingMessage, res: ServerResponse, target: URL, token: string, correlationId: string, ip: string, onDenied: (status: number, detail: string | undefined) => void): void {
    const headers: IncomingHttpHeaders = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    headers[INTERNAL_TOKEN_HEADER] = token;
    headers['x-correlation-id'] = correlationId;
    headers['x-forwarded-for'] = ip;
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: this.agent, timeout: this.config.UPSTREAM_TIMEOUT_MS });
    up.on('response', (r) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !['connection', 'keep-alive', DENIAL_HEADER].includes(k)) out[k] = v;
      if (r.headers[DENIAL_HEADER] !== undefined || r.statusCode === 403) onDenied(r.statusCode ?? 403, denialDetail(r.headers[DENIAL_HEADER]));
      if (r.statusCode === 503 && out['retry-after'] === undefined) out['retry-after'] = RETRY_AFTER_SECONDS;
      res.writeHead(r.statusCode ?? 502, out);
      r.pipe(res);
      // An upstream that answered early (404, 401, 413) may stop reading the body. A client that
      // sends the whole body before reading (python requests does) would then stall on a full
      // socket: drain the rest of its body so it gets the answer.
      r.on('end', () => {
        if (!req.complete) {
          req.unpipe(up);
          req.resume();
        }
      });
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

/** The gateway's own refusals are the platform's coded error, written by the services' one formatter. */
function reply(res: ServerResponse, path: string, status: number, code: string, message: string): void {
  sendError(res, path, new ApiError(status, code, message));
}
