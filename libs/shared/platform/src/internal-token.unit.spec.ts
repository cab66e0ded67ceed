import { createHmac, generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { Principal } from '@custos/rbac';
import {
  INTERNAL_TOKEN_TTL_SECONDS,
  InternalRequest,
  InternalTokenError,
  InternalTokenSecret,
  loadInternalTokenKey,
  principalFromClaims,
  ReplayGuard,
  requestHash,
  signInternalToken,
  verifyInternalToken,
} from './internal-token';

const secret = InternalTokenSecret.generate();
const trackingKey = secret.keyFor('tracking');
const alice: Principal = { id: 'u1', kind: 'user', roles: ['admin'], groups: ['ml'] };
const read: InternalRequest = { audience: 'tracking', method: 'GET', url: '/api/2.0/mlflow/experiments/search?max_results=10', correlationId: 'cid-1', clientIp: '127.0.0.1' };
const asReceived = { method: read.method, url: read.url };

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A token with a hand-made header and claims, signed by `signer` over `header.payload`. */
function handMade(header: Record<string, unknown>, claims: Record<string, unknown>, signer: (input: Buffer) => Buffer): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
}

function validClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'custos-gateway',
    aud: 'tracking',
    sub: 'u1',
    jti: 'j'.repeat(22),
    kind: 'user',
    roles: [],
    groups: [],
    cid: 'c',
    htm: 'GET',
    hth: requestHash(read.url),
    iat: now,
    exp: now + 60,
    ...extra,
  };
}

const hs256 = (key: KeyObject) => (input: Buffer) => createHmac('sha256', key).update(input).digest();
const header = { alg: 'HS256', typ: 'custos-internal+jwt' };

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InternalTokenError);
    return (e as Error).message;
  }
  throw new Error('the token was accepted');
}

describe('internal token', () => {
  const roundTrip = async (p: Principal) => principalFromClaims(await verifyInternalToken(trackingKey, await signInternalToken(secret, p, read), 'tracking', asReceived));

  it('is a JWT for one service, method and path, with a random id and the request ids', async () => {
    const token = await signInternalToken(secret, alice, { ...read, clientCorrelationId: 'theirs' });
    const [h, payload] = token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    expect(h).toEqual({ alg: 'HS256', typ: 'custos-internal+jwt' });
    expect(payload).toMatchObject({ aud: 'tracking', sub: 'u1', htm: 'GET', hth: requestHash(read.url), cid: 'cid-1', ccid: 'theirs', ip: '127.0.0.1' });
    expect(payload.exp).toBe((payload.iat as number) + INTERNAL_TOKEN_TTL_SECONDS);
    const other = await signInternalToken(secret, alice, read);
    expect((JSON.parse(Buffer.from(other.split('.')[1], 'base64url').toString('utf8')) as { jti: string }).jti).not.toBe(payload.jti);
  });

  it('carries a principal without scopes as unrestricted (no scopes field at all)', async () => {
    expect(await roundTrip(alice)).toEqual(alice);
    expect('scopes' in (await roundTrip(alice))).toBe(false);
  });

  it("carries a scoped key's scopes, including an empty list (which allows nothing)", async () => {
    expect(await roundTrip({ ...alice, scopes: ['experiments:read'] })).toEqual({ ...alice, scopes: ['experiments:read'] });
    expect(await roundTrip({ ...alice, scopes: [] })).toEqual({ ...alice, scopes: [] });
  });

  it('is refused by every other service, under its own key or under the key it was made with', async () => {
    const token = await signInternalToken(secret, alice, read);
    for (const aud of ['audit', 'authz', 'registry', 'gateway'] as const) {
      expect(await refusal(verifyInternalToken(secret.keyFor(aud), token, aud, asReceived))).toMatch(/SIGNATURE_VERIFICATION_FAILED/);
      expect(await refusal(verifyInternalToken(trackingKey, token, aud, asReceived))).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED|another service/);
    }
  });

  it("cannot be minted for another service with one service's key", async () => {
    // What a compromised tracking could make: a well-formed token for audit, MACed with tracking's key.
    const forAudit = handMade(header, validClaims({ aud: 'audit' }), hs256(trackingKey));
    expect(await refusal(verifyInternalToken(secret.keyFor('audit'), forAudit, 'audit', asReceived))).toMatch(/SIGNATURE_VERIFICATION_FAILED/);
  });

  it('derives one independent key per service, the same from the same secret', () => {
    const exported = (['gateway', 'tracking', 'registry', 'authz', 'audit'] as const).map((a) => secret.exportKeyFor(a));
    expect(new Set(exported).size).toBe(5);
    expect(InternalTokenSecret.fromBase64(secret.exportSecret()).exportKeyFor('audit')).toBe(secret.exportKeyFor('audit'));
    expect(loadInternalTokenKey(secret.exportKeyFor('tracking')).equals(trackingKey)).toBe(true);
    expect(() => InternalTokenSecret.fromBase64(randomBytes(16).toString('base64'))).toThrow(InternalTokenError);
    expect(() => loadInternalTokenKey(randomBytes(31).toString('base64'))).toThrow(InternalTokenError);
  });

  it('is refused for another method, another path or another query', async () => {
    const token = await signInternalToken(secret, alice, read);
    expect(await refusal(verifyInternalToken(trackingKey, token, 'tracking', { ...asReceived, method: 'POST' }))).toMatch(/another request/);
    expect(await refusal(verifyInternalToken(trackingKey, token, 'tracking', { ...asReceived, url: '/api/2.0/mlflow/experiments/create' }))).toMatch(/another request/);
    expect(await refusal(verifyInternalToken(trackingKey, token, 'tracking', { ...asReceived, url: '/api/2.0/mlflow/experiments/search?max_results=11' }))).toMatch(/another request/);
  });

  it('is refused once expired (past the skew), and when issued in the future', async () => {
    const minted = Date.now();
    const token = await signInternalToken(secret, alice, read, minted);
    await expect(verifyInternalToken(trackingKey, token, 'tracking', asReceived, minted + 64_000)).resolves.toBeDefined();
    expect(await refusal(verifyInternalToken(trackingKey, token, 'tracking', asReceived, minted + 70_000))).toMatch(/ERR_JWT_EXPIRED/);
    expect(await refusal(verifyInternalToken(trackingKey, token, 'tracking', asReceived, minted - 30_000))).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED/);
  });

  it('is refused when signed by another key or altered after signing', async () => {
    const other = InternalTokenSecret.generate();
    expect(await refusal(verifyInternalToken(trackingKey, await signInternalToken(other, alice, read), 'tracking', asReceived))).toMatch(/SIGNATURE_VERIFICATION_FAILED/);
    const [h, , s] = (await signInternalToken(secret, { ...alice, roles: [] }, read)).split('.');
    const promoted = `${h}.${b64(validClaims({ roles: ['admin'] }))}.${s}`;
    expect(await refusal(verifyInternalToken(trackingKey, promoted, 'tracking', asReceived))).toMatch(/SIGNATURE_VERIFICATION_FAILED/);
  });

  it('pins the algorithm: alg none, and a signature of another algorithm, are refused', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'custos-internal+jwt' })}.${b64(validClaims())}.`;
    expect(await refusal(verifyInternalToken(trackingKey, unsigned, 'tracking', asReceived))).toMatch(/ALG_NOT_ALLOWED|JWS_INVALID/);
    const hs512 = handMade({ alg: 'HS512', typ: 'custos-internal+jwt' }, validClaims(), (input) => createHmac('sha512', trackingKey).update(input).digest());
    expect(await refusal(verifyInternalToken(trackingKey, hs512, 'tracking', asReceived))).toMatch(/ALG_NOT_ALLOWED/);
    const { privateKey } = generateKeyPairSync('ed25519');
    const eddsa = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'EdDSA', typ: 'custos-internal+jwt' }).sign(privateKey);
    expect(await refusal(verifyInternalToken(trackingKey, eddsa, 'tracking', asReceived))).toMatch(/ALG_NOT_ALLOWED/);
  });

  it('refuses a validly signed JWT of another type, issuer or audience list', async () => {
    const otherType = handMade({ alg: 'HS256', typ: 'JWT' }, validClaims(), hs256(trackingKey));
    expect(await refusal(verifyInternalToken(trackingKey, otherType, 'tracking', asReceived))).toMatch(/CLAIM_VALIDATION_FAILED/);
    const otherIssuer = handMade(header, validClaims({ iss: 'someone' }), hs256(trackingKey));
    expect(await refusal(verifyInternalToken(trackingKey, otherIssuer, 'tracking', asReceived))).toMatch(/CLAIM_VALIDATION_FAILED/);
    const everyone = handMade(header, validClaims({ aud: ['tracking', 'audit'] }), hs256(trackingKey));
    expect(await refusal(verifyInternalToken(trackingKey, everyone, 'tracking', asReceived))).toMatch(/another service/);
    const noId = await new SignJWT({ ...validClaims(), jti: undefined }).setProtectedHeader(header).sign(trackingKey);
    expect(await refusal(verifyInternalToken(trackingKey, noId, 'tracking', asReceived))).toMatch(/CLAIM_VALIDATION_FAILED|MISSING/);
  });

  it('refuses a signed token whose scopes are not a list of strings, rather than reading them as absent', async () => {
    for (const scp of ['experiments:read', [1], null, {}]) {
      const token = handMade(header, validClaims({ scp }), hs256(trackingKey));
      await refusal(verifyInternalToken(trackingKey, token, 'tracking', asReceived));
    }
  });
});

describe('ReplayGuard', () => {
  it('accepts a token id once, and forgets it only after the token could no longer verify', () => {
    const guard = new ReplayGuard();
    const now = 1_000_000_000_000;
    const exp = now / 1000 + 60;
    expect(guard.firstUse('a'.repeat(22), exp, now)).toBe(true);
    expect(guard.firstUse('a'.repeat(22), exp, now + 1)).toBe(false);
    expect(guard.firstUse('a'.repeat(22), exp, now + 64_000)).toBe(false);
    expect(guard.firstUse('b'.repeat(22), exp + 100, now + 66_000)).toBe(true);
    // The first id's token expired (with skew): it was dropped, so memory holds live ids only.
    expect(guard.size).toBe(1);
  });
});
