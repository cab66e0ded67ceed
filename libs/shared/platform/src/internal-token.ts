import { createHash, createSecretKey, hkdfSync, KeyObject, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { Principal, PLATFORM_ROLES, PlatformRole } from '@custos/rbac';

/**
 * The gateway vouches for the caller with a short-lived JWT (decision 026), MACed (HS256) with a key
 * that belongs to the one service it is for (decision 039): the gateway holds a root secret and
 * derives each service's key from it; a service holds only its own key, so a compromised service
 * cannot mint tokens another service accepts. A token is minted per forwarded request and names the
 * one service (`aud`), method (`htm`) and path with query (`hth`, hashed) it was minted for, and a
 * random `jti` that each service accepts once: a token captured on the wire opens nothing but the
 * request it already made.
 */
export const INTERNAL_TOKEN_HEADER = 'x-custos-internal-token';
export const INTERNAL_AUDIENCES = ['gateway', 'tracking', 'registry', 'authz', 'audit'] as const;
export type InternalAudience = (typeof INTERNAL_AUDIENCES)[number];

const ISSUER = 'custos-gateway';
/** The JOSE `typ`: no other JWT (an OIDC token, say) verifies as an internal token even under the same key. */
const TOKEN_TYPE = 'custos-internal+jwt';
const ALG = 'HS256';
/** Keys are at least as long as the hash (RFC 2104, RFC 7518 3.2). */
const MIN_KEY_BYTES = 32;
const KEY_DERIVATION_SALT = 'custos-internal-token/v1';
export const INTERNAL_TOKEN_TTL_SECONDS = 60;
export const INTERNAL_TOKEN_SKEW_SECONDS = 5;

export interface InternalClaims {
  iss: typeof ISSUER;
  aud: InternalAudience;
  jti: string;
  sub: string;
  kind: Principal['kind'];
  roles: PlatformRole[];
  groups: string[];
  /** The API key's scopes when the caller used a scoped key; absent means not restricted by a key. */
  scp?: string[];
  /** The gateway's own request id: the correlation id of everything this request causes. */
  cid: string;
  /** The correlation id the client sent, kept apart and never used as the key (decision 026). */
  ccid?: string;
  ip?: string;
  /** The HTTP method and the hash of the path with its query (`requestHash`) the token was minted for. */
  htm: string;
  hth: string;
  iat: number;
  exp: number;
}

/** What a token is minted for: the request the gateway forwards, and to whom. */
export interface InternalRequest {
  audience: InternalAudience;
  method: string;
  /** The path with its query string, exactly as sent on the request line. */
  url: string;
  correlationId: string;
  clientCorrelationId?: string;
  clientIp?: string;
}

export class InternalTokenError extends Error {}

/**
 * The gateway's root secret (`INTERNAL_TOKEN_SECRET`). Each service's key is HKDF-SHA256 of it with
 * the service's name, so the keys are independent: knowing one tells nothing of another.
 */
export class InternalTokenSecret {
  private readonly keys = new Map<InternalAudience, KeyObject>();

  private constructor(private readonly root: Buffer) {}

  static fromBase64(base64: string): InternalTokenSecret {
    return new InternalTokenSecret(keyBytes(base64, 'internal token secret'));
  }

  static generate(): InternalTokenSecret {
    return new InternalTokenSecret(randomBytes(MIN_KEY_BYTES));
  }

  /** The key a service verifies with and the gateway signs that service's tokens with. */
  keyFor(audience: InternalAudience): KeyObject {
    let key = this.keys.get(audience);
    if (!key) {
      key = createSecretKey(Buffer.from(hkdfSync('sha256', this.root, KEY_DERIVATION_SALT, `audience:${audience}`, MIN_KEY_BYTES)));
      this.keys.set(audience, key);
    }
    return key;
  }

  /** The value of `INTERNAL_TOKEN_KEY` for that service. */
  exportKeyFor(audience: InternalAudience): string {
    return this.keyFor(audience).export().toString('base64');
  }

  exportSecret(): string {
    return this.root.toString('base64');
  }
}

/** A service's own key (`INTERNAL_TOKEN_KEY`, base64). */
export function loadInternalTokenKey(base64: string): KeyObject {
  return createSecretKey(keyBytes(base64, 'internal token key'));
}

function keyBytes(base64: string, what: string): Buffer {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < MIN_KEY_BYTES) throw new InternalTokenError(`${what} must be at least ${MIN_KEY_BYTES} bytes`);
  return bytes;
}

/** base64url SHA-256 of the request target (path and query, as on the request line). */
export function requestHash(url: string): string {
  return createHash('sha256').update(url, 'utf8').digest('base64url');
}

export async function signInternalToken(secret: InternalTokenSecret, principal: Principal, target: InternalRequest, nowMs = Date.now()): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const claims = {
    kind: principal.kind,
    roles: [...principal.roles],
    groups: [...principal.groups],
    ...(principal.scopes === undefined ? {} : { scp: [...principal.scopes] }),
    cid: target.correlationId,
    ...(target.clientCorrelationId === undefined ? {} : { ccid: target.clientCorrelationId }),
    ...(target.clientIp === undefined ? {} : { ip: target.clientIp }),
    htm: target.method.toUpperCase(),
    hth: requestHash(target.url),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALG, typ: TOKEN_TYPE })
    .setIssuer(ISSUER)
    .setAudience(target.audience)
    .setSubject(principal.id)
    .setJti(randomBytes(16).toString('base64url'))
    .setIssuedAt(iat)
    .setExpirationTime(iat + INTERNAL_TOKEN_TTL_SECONDS)
    .sign(secret.keyFor(target.audience));
}

/** The request a service is answering, as the token must name it. */
export interface ReceivedRequest {
  method: string;
  url: string;
}

/**
 * MAC (HS256 only: `alg` is pinned, so `none` and any other algorithm are refused) under this
 * service's own key, type, issuer, audience, lifetime, the request it was minted for, and claim shapes.
 * Replays are refused by `ReplayGuard`, which only a verified token reaches.
 */
export async function verifyInternalToken(key: KeyObject, token: string, audience: InternalAudience, request: ReceivedRequest, nowMs = Date.now()): Promise<InternalClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ALG],
      typ: TOKEN_TYPE,
      issuer: ISSUER,
      audience,
      requiredClaims: ['jti', 'sub', 'iat', 'exp'],
      clockTolerance: INTERNAL_TOKEN_SKEW_SECONDS,
      currentDate: new Date(nowMs),
      maxTokenAge: INTERNAL_TOKEN_TTL_SECONDS + INTERNAL_TOKEN_SKEW_SECONDS,
    }));
  } catch (e) {
    throw new InternalTokenError(`invalid internal token: ${(e as { code?: string }).code ?? 'malformed'}`);
  }
  // jose accepts an audience list that merely contains ours; a token names exactly one service.
  if (payload.aud !== audience) throw new InternalTokenError('internal token minted for another service');
  const claims = payload as unknown as InternalClaims;
  if (claims.htm !== request.method.toUpperCase() || claims.hth !== requestHash(request.url)) throw new InternalTokenError('internal token minted for another request');
  if (typeof claims.jti !== 'string' || claims.jti.length < 16 || typeof claims.cid !== 'string' || !isStringList(claims.groups)) throw new InternalTokenError('malformed internal token');
  if (!isStringList(claims.roles) || !claims.roles.every((r) => (PLATFORM_ROLES as readonly string[]).includes(r))) throw new InternalTokenError('unknown role in internal token');
  // Scopes only ever narrow; a malformed list must not be read as "no scopes" (full rights).
  if (claims.scp !== undefined && !isStringList(claims.scp)) throw new InternalTokenError('malformed scopes in internal token');
  if (claims.ccid !== undefined && typeof claims.ccid !== 'string') throw new InternalTokenError('malformed internal token');
  return claims;
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

export function principalFromClaims(c: InternalClaims): Principal {
  return { id: c.sub, kind: c.kind, roles: c.roles, groups: c.groups, ...(c.scp === undefined ? {} : { scopes: c.scp }) };
}

/**
 * Token ids seen by this process, each kept until its token could no longer verify anyway: memory
 * is bounded by (requests per second × lifetime). Tokens expire in about the order they were minted,
 * so expired ids are dropped from the front of the insertion-ordered map as new ones arrive.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  /** True the first time a token id is offered; false for a replay. */
  firstUse(jti: string, expSeconds: number, nowMs = Date.now()): boolean {
    this.sweep(nowMs);
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, (expSeconds + INTERNAL_TOKEN_SKEW_SECONDS) * 1000);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(nowMs: number): void {
    for (const [jti, until] of this.seen) {
      if (until >= nowMs) break;
      this.seen.delete(jti);
    }
  }
}
