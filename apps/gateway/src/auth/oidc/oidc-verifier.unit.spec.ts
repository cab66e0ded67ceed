import { expect } from '@jest/globals';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { OidcProvider } from '../../identity/identity.store';
import { JwksCache } from './jwks-cache';
import { jwksUriAllowed, OidcVerifier } from './oidc-verifier';

/**
 * A real issuer in miniature: key pairs generated here, their public halves served as a JWKS by an
 * HTTP server on loopback, tokens signed with jose. The verifier fetches keys over HTTP as it would
 * from an IdP.
 */
interface Signer {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
  publicKey: KeyLike;
}

async function signer(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const ISSUER = 'https://idp.example.test/realms/custos';
const AUDIENCE = 'custos-gateway';
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('OIDC bearer tokens against a JWKS served on loopback', () => {
  let server: http.Server;
  let jwksUri: string;
  let published: JWK[] = [];
  let fetches = 0;
  let k1: Signer;
  let k2: Signer;
  let ec: Signer;
  let provider: OidcProvider;
  const changed: string[] = [];

  const verifierWith = (opts: Partial<ConstructorParameters<typeof JwksCache>[0]> = {}) =>
    new OidcVerifier(new JwksCache({ maxAgeMs: 600_000, cooldownMs: 0, timeoutMs: 2_000, onKeysChanged: (u) => changed.push(u), ...opts }));

  const token = (s: Signer, claims: Record<string, unknown> = {}, alg = s.publicJwk.alg as string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ preferred_username: 'alice', groups: ['ml-team', 'ops'], ...claims })
      .setProtectedHeader({ alg, kid: s.kid, typ: 'JWT' })
      .setIssuer((claims.iss as string) ?? ISSUER)
      .setAudience((claims.aud as string) ?? AUDIENCE)
      .setIssuedAt((claims.iat as number) ?? now)
      .setExpirationTime((claims.exp as number) ?? now + 300)
      .sign(s.privateKey);
  };

  beforeAll(async () => {
    [k1, k2, ec] = await Promise.all([signer('k1'), signer('k2'), signer('ec1', 'ES256')]);
    published = [k1.publicJwk, ec.publicJwk];
    server = http.createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    provider = {
      providerId: 'corp',
      kind: 'oidc',
      groupRoleMap: { ops: ['admin'] },
      oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUri, allowedAlgorithms: ['RS256', 'ES256'], usernameClaim: 'preferred_username', groupsClaim: 'groups', maxClockSkewSeconds: 30 },
    };
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('accepts a good token and reads the username and groups', async () => {
    const out = await verifierWith().verify(await token(k1), [provider]);
    expect(out).toMatchObject({ ok: true, username: 'alice', groups: ['ml-team', 'ops'], provider: { providerId: 'corp' } });
    const ecOut = await verifierWith().verify(await token(ec), [provider]);
    expect(ecOut.ok).toBe(true);
  });

  it('refuses a signed user name with control characters, and drops such groups', async () => {
    expect(await verifierWith().verify(await token(k1, { preferred_username: 'al\u0000ice' }), [provider])).toMatchObject({ ok: false, detail: expect.stringMatching(/not a name/) });
    expect(await verifierWith().verify(await token(k1, { groups: ['ml-team', 'o\u0000ps'] }), [provider])).toMatchObject({ ok: true, groups: ['ml-team'] });
  });

  it('refuses an expired token, but tolerates expiry within the skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await verifierWith().verify(await token(k1, { exp: now - 120 }), [provider])).toMatchObject({ ok: false, detail: 'JWT expired', description: 'token expired' });
    expect((await verifierWith().verify(await token(k1, { exp: now - 10 }), [provider])).ok).toBe(true);
  });

  it('refuses a token not yet valid beyond the skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await verifierWith().verify(await token(k1, { nbf: now + 120 }), [provider])).toMatchObject({ ok: false, detail: expect.stringMatching(/nbf/) });
    expect(await verifierWith().verify(await token(k1, { iat: now + 120 }), [provider])).toMatchObject({ ok: false });
  });

  it('refuses a token without exp', async () => {
    const t = await new SignJWT({ preferred_username: 'alice' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(ISSUER).setAudience(AUDIENCE).sign(k1.privateKey);
    expect(await verifierWith().verify(t, [provider])).toMatchObject({ ok: false, detail: expect.stringMatching(/exp/) });
  });

  it('refuses a wrong audience', async () => {
    expect(await verifierWith().verify(await token(k1, { aud: 'someone-else' }), [provider])).toMatchObject({ ok: false, detail: expect.stringMatching(/aud/) });
  });

  it('refuses an issuer that is not configured', async () => {
    expect(await verifierWith().verify(await token(k1, { iss: 'https://evil.example.test' }), [provider])).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/not a configured identity provider/),
    });
  });

  it('refuses alg none, whatever the provider allows', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ iss: ISSUER, aud: AUDIENCE, exp: now + 300, preferred_username: 'admin' })}.`;
    expect(await verifierWith().verify(unsigned, [provider])).toMatchObject({ ok: false, detail: expect.stringMatching(/never accepted/) });
    const upper = `${b64url({ alg: 'NONE' })}.${b64url({ iss: ISSUER, aud: AUDIENCE, exp: now + 300, preferred_username: 'admin' })}.`;
    expect((await verifierWith().verify(upper, [provider])).ok).toBe(false);
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: ISSUER, aud: AUDIENCE, exp: now + 300, preferred_username: 'admin', groups: ['ops'] };
    for (const secret of [await exportSPKI(k1.publicKey), JSON.stringify(k1.publicJwk)]) {
      const head = `${b64url({ alg: 'HS256', kid: 'k1', typ: 'JWT' })}.${b64url(payload)}`;
      const forged = `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
      expect(await verifierWith().verify(forged, [provider])).toMatchObject({ ok: false, detail: expect.stringMatching(/never accepted/) });
    }
  });

  it('refuses an algorithm the provider does not allow', async () => {
    const rsOnly: OidcProvider = { ...provider, oidc: { ...provider.oidc, allowedAlgorithms: ['RS256'] } };
    expect(await verifierWith().verify(await token(ec), [rsOnly])).toMatchObject({ ok: false, detail: expect.stringMatching(/ES256 is not allowed/) });
  });

  it('refuses a token signed by a key that merely claims a published kid', async () => {
    const impostor = await signer('k1');
    expect(await verifierWith().verify(await token(impostor), [provider])).toMatchObject({ ok: false, detail: 'JWT signature does not verify' });
  });

  it('refuses a token without the username claim', async () => {
    expect(await verifierWith().verify(await token(k1, { preferred_username: undefined }), [provider])).toMatchObject({ ok: false, detail: expect.stringMatching(/preferred_username/) });
  });

  it('follows key rotation: a new kid is fetched on first sight, a removed kid stops verifying', async () => {
    const verifier = verifierWith();
    const oldToken = await token(k1);
    expect((await verifier.verify(oldToken, [provider])).ok).toBe(true);
    const before = fetches;
    // The issuer rotates: k2 appears, k1 is withdrawn.
    published = [k2.publicJwk, ec.publicJwk];
    expect((await verifier.verify(await token(k2), [provider])).ok).toBe(true);
    expect(fetches).toBe(before + 1);
    expect(changed).toContain(jwksUri);
    // k1 is no longer in the refreshed set; a refetch does not bring it back.
    expect(await verifier.verify(oldToken, [provider])).toMatchObject({ ok: false, detail: expect.stringMatching(/key id is not in the key set/) });
    published = [k1.publicJwk, ec.publicJwk];
  });

  it('refetches for an unknown kid at most once per cooldown', async () => {
    const verifier = verifierWith({ cooldownMs: 60_000 });
    expect((await verifier.verify(await token(k1), [provider])).ok).toBe(true);
    const before = fetches;
    const stranger = await signer('unknown-kid');
    for (let i = 0; i < 5; i++) expect((await verifier.verify(await token(stranger), [provider])).ok).toBe(false);
    expect(fetches).toBe(before);
  });

  it('refetches a key set older than its maximum age', async () => {
    let now = Date.now();
    const verifier = verifierWith({ maxAgeMs: 1_000, cooldownMs: 60_000, now: () => now });
    expect((await verifier.verify(await token(k1), [provider])).ok).toBe(true);
    published = [k2.publicJwk];
    now += 2_000;
    expect((await verifier.verify(await token(k1), [provider])).ok).toBe(false);
    published = [k1.publicJwk, ec.publicJwk];
  });

  it('allows plain-http key sets on loopback only', () => {
    expect(jwksUriAllowed('https://idp.example.com/jwks')).toBe(true);
    expect(jwksUriAllowed('http://127.0.0.1:8080/jwks')).toBe(true);
    expect(jwksUriAllowed('http://[::1]:8080/jwks')).toBe(true);
    expect(jwksUriAllowed('http://idp.example.com/jwks')).toBe(false);
    expect(jwksUriAllowed('file:///etc/passwd')).toBe(false);
  });
});
