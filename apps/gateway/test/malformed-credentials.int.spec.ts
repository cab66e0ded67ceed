import { expect } from '@jest/globals';
import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PG_SESSION_OPTIONS } from '@custos/eventing';
import { createTestDatabase, infraEnv, LateTcpProxy, TestDatabase } from '@custos/testing';
import { GatewayIdentity1732000000700 } from '../src/migrations/1732000000700-gateway-identity';
import { GatewayIpRules1732000000710 } from '../src/migrations/1732000000710-gateway-ip-rules';
import { Authenticator, AuthResult } from '../src/auth/authenticator';
import { VersionWatch } from '../src/identity/version-watch.service';
import { basic, credentialsContext, request, testGatewayConfig } from './gateway-harness';

const raw = (bytes: number[]) => `Basic ${Buffer.from(bytes).toString('base64')}`;

/**
 * A credential that can never be valid (a NUL or other control character, bytes that are not
 * UTF-8, over-long parts, broken base64) is a failed sign-in like any other: 401, counted against
 * the failure budgets, refused in the shape a wrong credential of its kind gets. It never reaches
 * the database: here the database is cut off, and such credentials are still refused with a 401,
 * while a credential that could be valid gets the 503 of real unavailability.
 */
describe('credentials that cannot be valid', () => {
  let db: TestDatabase;
  let link: LateTcpProxy;
  let linked: DataSource;
  let app: INestApplicationContext;
  let auth: Authenticator;
  const config = testGatewayConfig({ IDENTITY_POLL_MS: '50', AUTH_FAILURES_PER_ADDRESS_BURST: '5', AUTH_FAILURES_PER_ACCOUNT_BURST: '1000' });
  let address = 0;
  const freshAddress = () => `192.0.2.${++address}`;
  const login = (authorization: string, ip: string): Promise<AuthResult> => {
    const { req, res } = request(authorization);
    return auth.authenticate(req, res, ip);
  };

  beforeAll(async () => {
    db = await createTestDatabase('gw_malformed', [GatewayIdentity1732000000700, GatewayIpRules1732000000710]);
    // The gateway reaches its database through a link this test can cut.
    const env = infraEnv();
    link = await LateTcpProxy.reserve(env.pgHost, env.pgPort);
    await link.open();
    const url = new URL(db.url);
    url.host = `127.0.0.1:${link.port}`;
    linked = new DataSource({ type: 'postgres', url: url.toString(), extra: { max: 2, options: PG_SESSION_OPTIONS, connectionTimeoutMillis: 2_000 } });
    await linked.initialize();
    app = await credentialsContext(linked, config);
    auth = app.get(Authenticator);
    await app.get(VersionWatch).pollNow();
  });

  afterAll(async () => {
    await app?.close();
    await link?.close();
    await linked?.destroy().catch(() => undefined);
    await db?.drop();
  });

  const malformed: [string, string][] = [
    ['a NUL in the user name', basic('al\u0000ice', 'secret-password')],
    ['a control character in the user name', basic('alice\u001b', 'secret-password')],
    ['a user name over 256 characters', basic('a'.repeat(300), 'secret-password')],
    ['a NUL in the password', basic('alice', 'secret\u0000password')],
    ['a password over 1024 characters', basic('alice', 'p'.repeat(2000))],
    ['user name bytes that are not UTF-8', raw([0x61, 0xff, 0x3a, 0x70])],
    ['an empty user name', basic('', 'secret-password')],
    ['an empty password', basic('alice', '')],
    ['base64 with foreign characters', 'Basic YWxp*2U6cHc='],
    ['a NUL in an API key', 'Bearer cus_abcdefgh_\u0000123'],
    ['a control character in a bearer token', 'Bearer abc\u0007def'],
    ['an API key over 8192 characters', `Bearer cus_${'k'.repeat(9000)}`],
  ];

  it.each(malformed)('refuses %s with invalid_credentials', async (_name, header) => {
    expect(await login(header, freshAddress())).toMatchObject({ ok: false, reason: 'invalid_credentials' });
  });

  it('counts them against the address budget: after 5 failures the sixth attempt is rate-limited', async () => {
    const ip = freshAddress();
    for (let i = 0; i < 5; i++) expect(await login(basic(`guess\u0000${i}`, 'secret-password'), ip)).toMatchObject({ reason: 'invalid_credentials' });
    expect(await login(basic('guess\u0000', 'secret-password'), ip)).toMatchObject({ ok: false, reason: 'rate_limited', retryAfterSeconds: expect.any(Number) });
    // Well-formed or not, the address has spent its budget.
    expect(await login(basic('alice', 'secret-password'), ip)).toMatchObject({ reason: 'rate_limited' });
  });

  it('reports what was claimed, printable, and refuses in the shape of a wrong credential of the same kind', async () => {
    expect(await login(basic('al\u0000ice', 'secret-password'), freshAddress())).toEqual({
      ok: false,
      reason: 'invalid_credentials',
      credentialKind: 'basic',
      claimedAccount: 'al\\u0000ice',
      detail: 'user name has control characters',
    });
    const unknownKey = await login('Bearer cus_abcdefgh_unknownkey0123456789', freshAddress());
    const badKey = await login('Bearer cus_abcdefgh_\u0000nknownkey0123456789', freshAddress());
    expect(badKey).toMatchObject({ ok: false, reason: 'invalid_credentials', credentialKind: 'api_key' });
    expect(badKey.ok === false && badKey.reason === 'invalid_credentials' && badKey.bearer).toEqual(unknownKey.ok === false && unknownKey.reason === 'invalid_credentials' && unknownKey.bearer);
  });

  it('never asks the database about them: with the database cut off they are still 401, while a possible credential is 503', async () => {
    await link.close();
    try {
      expect(await login(basic('nobody-here', 'secret-password'), freshAddress())).toMatchObject({ ok: false, reason: 'unavailable' });
      expect(await login('Bearer cus_abcdefgh_unknownkey0123456789', freshAddress())).toMatchObject({ ok: false, reason: 'unavailable' });
      for (const [, header] of malformed) expect(await login(header, freshAddress())).toMatchObject({ ok: false, reason: 'invalid_credentials' });
    } finally {
      await link.open();
    }
  });
});
