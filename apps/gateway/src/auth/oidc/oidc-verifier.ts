import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, JWTPayload } from 'jose';
import { OidcProvider } from '../../identity/identity.store';
import { JwksCache } from './jwks-cache';

export type OidcOutcome =
  | { ok: true; provider: OidcProvider; username: string; groups: string[]; expiresAtMs: number }
  | { ok: false; detail: string; /** safe to show the token holder (RFC 6750 error_description) */ description: string };

const fail = (detail: string, description = 'invalid token'): OidcOutcome => ({ ok: false, detail, description });
const MAX_GROUPS = 256;

/** `https:` always; plain `http:` only on loopback (a test or a sidecar), never across a network. */
export function jwksUriAllowed(uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(u.hostname));
}

/**
 * Verifies an OIDC access or ID token from one of the configured issuers:
 * - `alg` must be in the provider's allowed list; `none` and HMAC (`HS*`) are refused whatever
 *   the configuration says (an HMAC "signed" with the issuer's public key is the classic forgery);
 * - the signature against the issuer's JWKS (key by `kid`, rotation handled by `JwksCache`);
 * - `iss` exactly, `aud` containing the configured audience, `exp` required, `nbf`/`iat` not in
 *   the future, all with the provider's bounded clock skew.
 * The issuer is read from the unverified payload only to choose which provider's rules and keys
 * apply; nothing else from it is believed before the signature checks out.
 */
export class OidcVerifier {
  constructor(private readonly jwks: JwksCache) {}

  async verify(token: string, providers: readonly OidcProvider[], nowMs = Date.now()): Promise<OidcOutcome> {
    let alg: unknown;
    let iss: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      iss = decodeJwt(token).iss;
    } catch {
      return fail('malformed JWT');
    }
    if (typeof alg !== 'string' || alg.toLowerCase() === 'none' || /^HS/i.test(alg)) return fail(`JWT algorithm ${String(alg).slice(0, 16)} is never accepted`);
    if (typeof iss !== 'string') return fail('JWT has no issuer');
    const provider = providers.find((p) => p.oidc.issuer === iss);
    if (!provider) return fail(`JWT issuer ${iss.slice(0, 200)} is not a configured identity provider`);
    const o = provider.oidc;
    if (!(o.allowedAlgorithms as string[]).includes(alg)) return fail(`JWT algorithm ${alg} is not allowed for provider ${provider.providerId}`);
    if (!jwksUriAllowed(o.jwksUri)) return fail(`provider ${provider.providerId} has a JWKS URI that is neither https nor loopback`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header) => this.jwks.getKey(o.jwksUri, header), {
        issuer: o.issuer,
        audience: o.audience,
        algorithms: o.allowedAlgorithms,
        clockTolerance: o.maxClockSkewSeconds,
        requiredClaims: ['exp'],
        currentDate: new Date(nowMs),
      }));
    } catch (e) {
      return fail(...explain(e, provider.providerId));
    }
    if (typeof payload.iat === 'number' && payload.iat > nowMs / 1000 + o.maxClockSkewSeconds) return fail('JWT issued in the future');
    const username = payload[o.usernameClaim];
    if (typeof username !== 'string' || username.length === 0 || username.length > 180 || CONTROL_CHARS.test(username)) return fail(`JWT claim ${o.usernameClaim} is missing or not a name`);
    return { ok: true, provider, username, groups: groupsOf(payload[o.groupsClaim]), expiresAtMs: (payload.exp as number) * 1000 };
  }
}

/** Even a signed token cannot name a user or group no store can hold (a NUL made PostgreSQL fail). */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

function groupsOf(claim: unknown): string[] {
  const raw = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim : [];
  return raw.filter((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 256 && !CONTROL_CHARS.test(g)).slice(0, MAX_GROUPS);
}

function explain(e: unknown, providerId: string): [string, string?] {
  if (e instanceof errors.JWTExpired) return ['JWT expired', 'token expired'];
  if (e instanceof errors.JWTClaimValidationFailed) return [`JWT ${e.claim} check failed: ${e.reason}`];
  if (e instanceof errors.JOSEAlgNotAllowed) return ['JWT algorithm not allowed'];
  if (e instanceof errors.JWSSignatureVerificationFailed) return ['JWT signature does not verify'];
  if (e instanceof errors.JWKSNoMatchingKey) return [`JWT key id is not in the key set of provider ${providerId}`];
  if (e instanceof errors.JWKSMultipleMatchingKeys) return ['JWT names no key id and several keys match'];
  if (e instanceof errors.JOSEError) return [`JWT refused: ${e.code}`];
  // Network trouble reaching the key set is not the caller's fault: it surfaces as unavailable.
  throw e;
}
