import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { exportJWK, exportSPKI, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { call, infraEnv, pgUrl, waitFor } from '@custos/testing';

/**
 * An OIDC issuer configured through authz, its keys served by this test on loopback: the gateway
 * learns the provider from authz's events, fetches the JWKS itself, and maps the token's groups to
 * platform roles in the internal token (an auditor group may read audit; others may not).
 */
describe('OIDC bearer tokens through the live gateway', () => {
  const providerId = `e2e-oidc-${randomUUID().slice(0, 8)}`;
  const issuer = `https://${providerId}.example.test`;
  let server: http.Server;
  let privateKey: KeyLike;
  let publicPem: string;
  let jwksUri: string;
  let gatewayDb: Client;

  const token = (claims: Record<string, unknown>) =>
    new SignJWT({ preferred_username: 'oidc-e2e', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'e2e-1' })
      .setIssuer(issuer)
      .setAudience('custos-e2e')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  const projected = async (enabled: boolean) => ((await gatewayDb.query(`SELECT 1 FROM gw_identity_providers WHERE provider_id = $1`, [providerId])).rowCount ?? 0) > 0 === enabled;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'e2e-1', alg: 'ES256', use: 'sig' };
    server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
    gatewayDb = new Client({ connectionString: pgUrl('custos_gateway', infraEnv()) });
    await gatewayDb.connect();
  });

  afterAll(async () => {
    await call('DELETE', `/api/authz/identity-providers/${providerId}`);
    await gatewayDb.end();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('is configured in authz and reaches the gateway', async () => {
    const r = await call('PUT', `/api/authz/identity-providers/${providerId}`, {
      body: {
        kind: 'oidc',
        oidc: { issuer, audience: 'custos-e2e', jwksUri, allowedAlgorithms: ['ES256'], usernameClaim: 'preferred_username', groupsClaim: 'groups' },
        groupRoleMap: { 'e2e-auditors': ['auditor'] },
      },
    });
    expect(r.status).toBe(200);
    await waitFor('provider projected by the gateway', async () => projected(true), 30_000, 25);
  });

  it('accepts a token from the issuer, with the mapped platform role', async () => {
    const auditor = `Bearer ${await token({ groups: ['e2e-auditors'] })}`;
    const plain = `Bearer ${await token({ groups: ['someone-else'] })}`;
    await waitFor('token accepted', async () => (await call('GET', '/api/2.0/mlflow/experiments/search?max_results=1', { auth: plain })).status === 200, 10_000, 150);
    expect((await call('GET', '/api/audit/events?limit=1', { auth: auditor })).status).toBe(200);
    expect((await call('GET', '/api/audit/events?limit=1', { auth: plain })).status).toBe(403);
  });

  it('refuses a wrong audience and an HS256 forgery keyed with the public key', async () => {
    const wrongAud = await new SignJWT({ preferred_username: 'x' }).setProtectedHeader({ alg: 'ES256', kid: 'e2e-1' }).setIssuer(issuer).setAudience('other').setExpirationTime('5m').sign(privateKey);
    const r = await call('GET', '/api/2.0/mlflow/experiments/search?max_results=1', { auth: `Bearer ${wrongAud}` });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/Bearer realm="custos", error="invalid_token"/);
    const head = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'e2e-1' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ iss: issuer, aud: 'custos-e2e', exp: Math.floor(Date.now() / 1000) + 300, preferred_username: 'admin', groups: ['e2e-auditors'] }),
    ).toString('base64url')}`;
    const forged = `${head}.${createHmac('sha256', publicPem).update(head).digest('base64url')}`;
    expect((await call('GET', '/api/audit/events?limit=1', { auth: `Bearer ${forged}` })).status).toBe(401);
  });

  it('stops accepting the issuer once the provider is removed in authz', async () => {
    const t = `Bearer ${await token({})}`;
    expect((await call('GET', '/api/2.0/mlflow/experiments/search?max_results=1', { auth: t })).status).toBe(200);
    expect((await call('DELETE', `/api/authz/identity-providers/${providerId}`)).status).toBe(204);
    await waitFor('provider removal applied', async () => (await call('GET', '/api/2.0/mlflow/experiments/search?max_results=1', { auth: t })).status === 401, 30_000, 50);
  });
});
