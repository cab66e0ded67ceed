import { Inject, Injectable } from '@nestjs/common';
import { IncomingMessage, ServerResponse } from 'node:http';
import passport from 'passport';
import { Principal } from '@custos/rbac';
import { SERVICE_CONFIG } from '@custos/platform';
import { GatewayConfig } from '../gateway.config';
import { API_KEY_HEADERS, classifyBearer, credentialKindOf, parsePresented, PresentedCredential } from '../domain/credentials';
import { VersionWatch } from '../identity/version-watch.service';
import { CredentialCache } from './credential-cache';
import { FailureLimiter } from './failure-limiter';
import { IdentityProviders } from './identity-providers.service';
import { forget, present } from './presented-credential';
import { STRATEGY, StrategyName } from './strategies/strategy-result';
import { Verification } from './verification';

export type CredentialKind = 'none' | 'api_key' | 'basic' | 'bearer' | undefined;

export type AuthResult =
  | { ok: true; principal: Principal; credentialKind: CredentialKind }
  | {
      ok: false;
      reason: 'unauthenticated' | 'invalid_credentials';
      credentialKind: CredentialKind;
      claimedAccount?: string;
      detail?: string;
      bearer?: { error: string; description: string };
    }
  | { ok: false; reason: 'rate_limited'; credentialKind: CredentialKind; claimedAccount?: string; detail: string; retryAfterSeconds: number }
  | { ok: false; reason: 'unavailable'; credentialKind: CredentialKind; detail: string };

/**
 * The one door. Parses the Authorization header once, answers from the verified-credential cache
 * when it may, applies the failed-attempt budgets, and otherwise runs the one passport strategy the
 * credential calls for (basic, API key, OIDC JWT). Every outcome comes back as data; the proxy turns
 * it into a response and a `gateway.RequestDenied` event.
 */
@Injectable()
export class Authenticator {
  private readonly cache: CredentialCache;

  constructor(
    @Inject(SERVICE_CONFIG) config: GatewayConfig,
    private readonly watch: VersionWatch,
    private readonly limiter: FailureLimiter,
    providers: IdentityProviders,
  ) {
    this.cache = new CredentialCache(config.AUTH_CACHE_TTL_MS, config.AUTH_CACHE_MAX_ENTRIES);
    watch.onChange('identity', async () => this.cache.clear());
    providers.onKeysChanged(() => this.cache.clear());
  }

  async authenticate(req: IncomingMessage, res: ServerResponse, clientIp: string, nowMs = Date.now()): Promise<AuthResult> {
    const apiKeyHeader = API_KEY_HEADERS.find((h) => req.headers[h] !== undefined);
    const credential = parsePresented({ authorization: headerValue(req, 'authorization'), apiKey: apiKeyHeader && headerValue(req, apiKeyHeader) });
    const credentialKind = credentialKindOf(credential);
    if (credential.kind === 'none') return { ok: false, reason: 'unauthenticated', credentialKind };
    if (credential.kind === 'malformed') {
      // It can never be valid, so no strategy, cache or database sees it; it is still a failed
      // attempt like any other (budgeted, audited, the same 401), or guessing through it is free.
      const claimed = credential.claimedAccount;
      const bearer = credential.bearerDescription ? { error: 'invalid_token', description: credential.bearerDescription } : undefined;
      return this.rateLimited(clientIp, claimed, credentialKind, nowMs) ?? this.failed(clientIp, claimed, credentialKind, credential.detail, nowMs, bearer);
    }
    const claimedAccount = credential.kind === 'basic' ? credential.username : undefined;
    const strategy = strategyFor(credential);
    const cacheKey = CredentialCache.keyOf(strategy, claimedAccount ?? '', secretOf(credential));
    // A cache that may have missed a revocation (the version poll is failing) is not consulted.
    if (this.watch.isFresh(nowMs)) {
      const principal = this.cache.get(cacheKey, nowMs);
      if (principal) return { ok: true, principal, credentialKind };
    }
    const limited = this.rateLimited(clientIp, claimedAccount, credentialKind, nowMs);
    if (limited) return limited;
    const generation = this.cache.generation;
    let verification: Verification;
    try {
      verification = await this.run(strategy, req, res, credential);
    } catch (e) {
      return { ok: false, reason: 'unavailable', credentialKind, detail: (e as Error).message };
    }
    if (!verification.ok) return this.failed(clientIp, claimedAccount, credentialKind, verification.detail, nowMs, verification.bearer);
    this.cache.set(cacheKey, verification.principal, verification.validUntilMs, generation, Date.now());
    return { ok: true, principal: verification.principal, credentialKind };
  }

  private rateLimited(clientIp: string, claimedAccount: string | undefined, credentialKind: CredentialKind, nowMs: number): AuthResult | undefined {
    const wait = this.limiter.retryAfter(clientIp, claimedAccount, nowMs);
    if (wait.ms === 0) return undefined;
    return {
      ok: false,
      reason: 'rate_limited',
      credentialKind,
      claimedAccount,
      detail: `too many failed attempts for this ${wait.budget === 'account' ? 'account' : 'client address'}`,
      retryAfterSeconds: Math.max(1, Math.ceil(wait.ms / 1000)),
    };
  }

  private failed(clientIp: string, claimedAccount: string | undefined, credentialKind: CredentialKind, detail: string, nowMs: number, bearer?: { error: string; description: string }): AuthResult {
    this.limiter.recordFailure(clientIp, claimedAccount, nowMs);
    return { ok: false, reason: 'invalid_credentials', credentialKind, claimedAccount, detail, ...(bearer ? { bearer } : {}) };
  }

  /** Runs a named passport strategy on this request and returns its verification. */
  private run(strategy: StrategyName, req: IncomingMessage, res: ServerResponse, credential: PresentedCredential): Promise<Verification> {
    present(req, credential);
    return new Promise<Verification>((resolve, reject) => {
      const middleware = passport.authenticate(strategy, { session: false }, (err: unknown, user: Verification | false, info: Verification | undefined) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        resolve(user || info || { ok: false, detail: `strategy ${strategy} refused without a reason` });
      }) as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
      middleware(req, res, (err) => reject(err instanceof Error ? err : new Error(`strategy ${strategy} passed the request on`)));
    }).finally(() => forget(req));
  }
}

type WellFormed = Extract<PresentedCredential, { kind: 'basic' | 'bearer' }>;

function strategyFor(c: WellFormed): StrategyName {
  if (c.kind === 'basic') return STRATEGY.basic;
  return classifyBearer(c.token) === 'jwt' ? STRATEGY.oidc : STRATEGY.apiKey;
}

function secretOf(c: WellFormed): string {
  return c.kind === 'basic' ? c.password : c.token;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
