import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { Principal, PLATFORM_ROLES, PlatformRole } from '@custos/rbac';

/**
 * The gateway vouches for the caller with a short-lived token signed by its Ed25519 key; services
 * hold only the public key, so a compromised service cannot mint tokens for another.
 */
export const INTERNAL_TOKEN_HEADER = 'x-custos-internal-token';
const TTL_SECONDS = 60;
const SKEW_SECONDS = 5;

export interface InternalClaims {
  v: 1;
  sub: string;
  kind: Principal['kind'];
  roles: PlatformRole[];
  groups: string[];
  /** The API key's scopes when the caller used a scoped key; absent means not restricted by a key. */
  scp?: string[];
  cid: string;
  ip?: string;
  iat: number;
  exp: number;
}

export class InternalTokenError extends Error {}

export function loadPrivateKey(base64Der: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(base64Der, 'base64'), format: 'der', type: 'pkcs8' });
}

export function loadPublicKey(base64Der: string): KeyObject {
  return createPublicKey({ key: Buffer.from(base64Der, 'base64'), format: 'der', type: 'spki' });
}

export function signInternalToken(key: KeyObject, principal: Principal, correlationId: string, clientIp: string | undefined, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const claims: InternalClaims = {
    v: 1,
    sub: principal.id,
    kind: principal.kind,
    roles: [...principal.roles],
    groups: [...principal.groups],
    ...(principal.scopes === undefined ? {} : { scp: [...principal.scopes] }),
    cid: correlationId,
    ip: clientIp,
    iat,
    exp: iat + TTL_SECONDS,
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(null, Buffer.from(body), key).toString('base64url')}`;
}

export function verifyInternalToken(key: KeyObject, token: string, nowMs = Date.now()): InternalClaims {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) throw new InternalTokenError('malformed internal token');
  if (!verify(null, Buffer.from(body), key, Buffer.from(sig, 'base64url'))) throw new InternalTokenError('bad internal token signature');
  let claims: InternalClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as InternalClaims;
  } catch {
    throw new InternalTokenError('malformed internal token');
  }
  const now = Math.floor(nowMs / 1000);
  if (claims.v !== 1 || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') throw new InternalTokenError('malformed internal token');
  if (claims.exp + SKEW_SECONDS < now || claims.iat - SKEW_SECONDS > now) throw new InternalTokenError('internal token expired');
  if (!claims.roles.every((r) => (PLATFORM_ROLES as readonly string[]).includes(r))) throw new InternalTokenError('unknown role in internal token');
  // Scopes only ever narrow; a malformed list must not be read as "no scopes" (full rights).
  if (claims.scp !== undefined && !(Array.isArray(claims.scp) && claims.scp.every((s) => typeof s === 'string'))) throw new InternalTokenError('malformed scopes in internal token');
  return claims;
}

export function principalFromClaims(c: InternalClaims): Principal {
  return { id: c.sub, kind: c.kind, roles: c.roles, groups: c.groups, ...(c.scp === undefined ? {} : { scopes: c.scp }) };
}
