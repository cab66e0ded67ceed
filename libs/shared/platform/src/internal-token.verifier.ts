import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { ApiError } from './errors';
import { INTERNAL_TOKEN_HEADER, InternalAudience, InternalClaims, InternalTokenError, principalFromClaims, ReplayGuard, verifyInternalToken } from './internal-token';
import { currentContext } from './request-context';
import { SERVICE_DEFINITION, ServiceDefinition } from './service-definition';

export const INTERNAL_TOKEN_KEY = Symbol('INTERNAL_TOKEN_KEY');

/** Probes only: reachable on a service port without an internal token. */
export function isOpenPath(path: string): boolean {
  return path === '/health/live' || path === '/health/ready';
}

/**
 * Checks the gateway's token for this service and this request, once per request: a token's id is
 * accepted once (`ReplayGuard`), so the claims it yields are kept on the request for the guard.
 */
@Injectable()
export class InternalTokenVerifier {
  private readonly replays = new ReplayGuard();
  private readonly verified = new WeakMap<object, InternalClaims>();
  private readonly audience: InternalAudience;

  constructor(
    @Inject(INTERNAL_TOKEN_KEY) private readonly key: KeyObject,
    @Inject(SERVICE_DEFINITION) def: Pick<ServiceDefinition, 'service'>,
  ) {
    this.audience = def.service;
  }

  /** The request's verified claims, verifying the token the first time; an ApiError 401 otherwise. */
  async claimsOf(req: Pick<Request, 'headers' | 'method'> & { originalUrl?: string; url?: string }): Promise<InternalClaims> {
    const known = this.verified.get(req);
    if (known) return known;
    const token = req.headers[INTERNAL_TOKEN_HEADER];
    if (typeof token !== 'string') throw new ApiError(401, 'UNAUTHENTICATED', 'requests must come through the gateway');
    let claims: InternalClaims;
    try {
      claims = await verifyInternalToken(this.key, token, this.audience, { method: req.method, url: req.originalUrl ?? req.url ?? '/' });
    } catch (e) {
      throw new ApiError(401, 'UNAUTHENTICATED', e instanceof InternalTokenError ? e.message : 'invalid internal token');
    }
    if (!this.replays.firstUse(claims.jti, claims.exp)) throw new ApiError(401, 'UNAUTHENTICATED', 'internal token already used');
    this.verified.set(req, claims);
    const ctx = currentContext();
    if (ctx) {
      ctx.principal = principalFromClaims(claims);
      ctx.correlationId = claims.cid;
      ctx.clientIp = claims.ip;
      ctx.clientCorrelationId = claims.ccid;
    }
    return claims;
  }
}

/**
 * Runs before routing: a request without a valid token for this service is a 401 whatever its path,
 * so an internal port tells an unauthenticated caller nothing about which routes exist.
 */
@Injectable()
export class InternalTokenMiddleware implements NestMiddleware {
  constructor(private readonly verifier: InternalTokenVerifier) {}

  async use(req: Request, _res: Response, next: NextFunction): Promise<void> {
    // originalUrl: inside a middleware mounted on every path, Express has cut `req.path` down to '/'.
    if (!isOpenPath(req.originalUrl.split('?')[0])) await this.verifier.claimsOf(req);
    next();
  }
}
