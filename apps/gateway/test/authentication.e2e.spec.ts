import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { call, infraEnv, pgUrl, waitFor } from '@custos/testing';
import { basicAuth, callFrom, randomLoopback } from './loopback-client';

interface AuditEntry {
  type: string;
  data: Record<string, unknown>;
}

/**
 * Identities created in authz authenticate at the gateway, which knows them only from authz's
 * events (its own projection; no call to authz per request). Revocation and deletion take effect
 * within the projection lag; failures are refused with WWW-Authenticate, budgeted, and audited.
 */
describe('users and API keys from authz, at the gateway', () => {
  const username = `e2e-user-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const me = basicAuth(username, password);
  let key: string;
  let keyId: string;

  const probe = (auth: string) => call('GET', '/api/2.0/mlflow/experiments/search?max_results=1', { auth });
  /** How long authz → Kafka → gateway projection → this replica's cache takes, for the report. */
  const lag = async (what: string, done: () => Promise<boolean>) => {
    const started = Date.now();
    await waitFor(what, async () => (await done()) || undefined, 30_000, 25);
    const ms = Date.now() - started;
    process.stdout.write(`[e2e] ${what}: ${ms} ms\n`);
    return ms;
  };
  // Waiting for a new identity by failing sign-ins would spend the failure budgets this suite also
  // tests; the gateway's own projection tells when it knows the identity.
  let gatewayDb: Client;
  const projected = (sql: string, param: string) => async () => ((await gatewayDb.query(sql, [param])).rowCount ?? 0) > 0;

  beforeAll(async () => {
    gatewayDb = new Client({ connectionString: pgUrl('custos_gateway', infraEnv()) });
    await gatewayDb.connect();
  });
  afterAll(() => gatewayDb.end());

  it('creates a user through authz, who then signs in with basic auth', async () => {
    const created = await call<{ user: { username: string } }>('POST', '/api/2.0/mlflow/users/create', { body: { username, password } });
    expect(created.status).toBe(200);
    await lag('user projected by the gateway', projected(`SELECT 1 FROM gw_users WHERE username = $1 AND NOT deleted`, username));
    expect((await probe(me)).status).toBe(200);
    const current = await call<{ user: { username: string } }>('GET', '/api/2.0/mlflow/users/current', { auth: me });
    expect(current.body.user.username).toBe(username);
  });

  it('refuses a wrong password with 401, both challenges, and an audited denial without the secret', async () => {
    const wrong = `wrong-${randomUUID()}`;
    const r = await call('GET', '/api/2.0/mlflow/experiments/search?max_results=1', { auth: basicAuth(username, wrong) });
    expect(r.status).toBe(401);
    const correlationId = r.headers.get('x-correlation-id');
    expect(r.headers.get('www-authenticate')).toMatch(/Basic realm="custos"/);
    expect(r.headers.get('www-authenticate')).toMatch(/Bearer realm="custos"/);
    const entry = await waitFor('denial in audit', async () => (await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`)).body.entries?.[0]);
    expect(entry).toMatchObject({ type: 'gateway.RequestDenied', data: { reason: 'invalid_credentials', claimedAccount: username, credentialKind: 'basic' } });
    expect(JSON.stringify(entry)).not.toContain(wrong);
  });

  it('issues an API key that works as a bearer token and as the basic-auth password', async () => {
    const issued = await call<{ key: string; apiKey: { keyId: string; prefix: string; ownerId: string } }>('POST', '/api/authz/api-keys', { auth: me, body: { name: 'e2e' } });
    expect(issued.status).toBe(201);
    key = issued.body.key;
    keyId = issued.body.apiKey.keyId;
    expect(key.startsWith(issued.body.apiKey.prefix)).toBe(true);
    await lag('key projected by the gateway', projected(`SELECT 1 FROM gw_api_keys WHERE key_id = $1`, keyId));
    expect((await probe(`Bearer ${key}`)).status).toBe(200);
    expect((await probe(basicAuth(username, key))).status).toBe(200);
    // Someone else's name with this key is refused.
    expect((await probe(basicAuth(`${username}-other`, key))).status).toBe(401);
    // A plain user is authenticated, but the gateway's admin API is for admins; the refusal is audited.
    const forbidden = await call('GET', '/api/gateway/ip-rules', { auth: `Bearer ${key}` });
    expect(forbidden.status).toBe(403);
    const correlationId = forbidden.headers.get('x-correlation-id');
    const entry = await waitFor(
      'forbidden in audit',
      async () => (await call<{ entries: (AuditEntry & { actorId: string })[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`)).body.entries?.[0],
    );
    expect(entry).toMatchObject({ type: 'gateway.RequestDenied', actorId: issued.body.apiKey.ownerId, data: { reason: 'forbidden', status: 403 } });
  });

  it('stops accepting the key once it is revoked', async () => {
    expect((await probe(`Bearer ${key}`)).status).toBe(200);
    const revoked = await call('DELETE', `/api/authz/api-keys/${keyId}`, { auth: me });
    expect(revoked.status).toBe(200);
    const ms = await lag('revocation applied at the gateway', async () => (await probe(`Bearer ${key}`)).status === 401);
    expect(ms).toBeLessThan(10_000);
    const r = await probe(`Bearer ${key}`);
    expect(r.headers.get('www-authenticate')).toMatch(/Bearer realm="custos", error="invalid_token"/);
    // The password still works: only the key was revoked.
    expect((await probe(me)).status).toBe(200);
  });

  it('stops accepting a deleted user', async () => {
    const deleted = await call('DELETE', '/api/2.0/mlflow/users/delete', { body: { username } });
    expect(deleted.status).toBe(200);
    await lag('deletion applied at the gateway', async () => (await probe(me)).status === 401);
  });

  it('keeps the bootstrap admin key working', async () => {
    expect((await call('GET', '/api/2.0/mlflow/experiments/search?max_results=1')).status).toBe(200);
  });
});

describe('failed attempts are budgeted', () => {
  it('answers 429 with Retry-After to an address that keeps failing, and audits it; other addresses are unaffected', async () => {
    const attacker = randomLoopback();
    let limited: Awaited<ReturnType<typeof callFrom>> | undefined;
    // The default budget is 50 failures per address; bearer guesses are cheap to check, so fast.
    for (let i = 0; i < 60 && !limited; i++) {
      const r = await callFrom(attacker, 'GET', '/api/2.0/mlflow/experiments/search', { auth: `Bearer cus_guess_${randomUUID()}` });
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(401);
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited!.body).toEqual({ error_code: 'REQUEST_LIMIT_EXCEEDED', message: expect.stringMatching(/too many failed/) });
    const limitedAgain = await callFrom(attacker, 'GET', '/api/2.0/mlflow/experiments/search', { auth: `Bearer cus_x_${randomUUID()}` });
    expect(limitedAgain.status).toBe(429);
    const correlationId = limitedAgain.headers['x-correlation-id'] as string;
    const entry = await waitFor('rate_limited in audit', async () => (await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`)).body.entries?.[0]);
    expect(entry).toMatchObject({ type: 'gateway.RequestDenied', data: { reason: 'rate_limited', status: 429 } });
    expect((await callFrom(randomLoopback(), 'GET', '/api/2.0/mlflow/experiments/search', { auth: `Bearer cus_guess_${randomUUID()}` })).status).toBe(401);
  });

  it('budgets a claimed account across addresses', async () => {
    const account = `e2e-victim-${randomUUID().slice(0, 8)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await callFrom(randomLoopback(), 'GET', '/api/2.0/mlflow/experiments/search', { auth: basicAuth(account, `guess-${i}`) })).status);
    // Default: 10 failures per account, then 429 from any address.
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});

/**
 * A credential that can never be valid is a wrong credential like any other: the same 401 (status,
 * challenge, body), counted by the failure budget and audited. It used to reach the database (a NUL
 * in a basic-auth user name made PostgreSQL fail): a 503, not counted, not audited, and 401-vs-503
 * told a guesser whether the key it tried as the password was valid.
 */
describe('credentials that cannot be valid', () => {
  const probe = '/api/2.0/mlflow/experiments/search?max_results=1';
  const shape = (r: Awaited<ReturnType<typeof callFrom>>) => ({ status: r.status, challenge: r.headers['www-authenticate'], body: r.body });
  const audited = (r: Awaited<ReturnType<typeof callFrom>>) =>
    waitFor('denial in audit', async () => (await call<{ entries: AuditEntry[] }>('GET', `/api/audit/events?correlation_id=${String(r.headers['x-correlation-id'])}`)).body.entries?.[0]);

  it('answers a NUL in the basic-auth user name as a wrong password, and audits the attempt', async () => {
    const name = `nul-${randomUUID().slice(0, 8)}`;
    const wrong = await callFrom(randomLoopback(), 'GET', probe, { auth: basicAuth(name, 'wrong-password') });
    const nul = await callFrom(randomLoopback(), 'GET', probe, { auth: basicAuth(`${name}\u0000x`, 'wrong-password') });
    expect(shape(nul)).toEqual(shape(wrong));
    expect(nul.status).toBe(401);
    expect(await audited(nul)).toMatchObject({
      type: 'gateway.RequestDenied',
      data: { reason: 'invalid_credentials', status: 401, credentialKind: 'basic', claimedAccount: `${name}\\u0000x`, detail: 'user name has control characters' },
    });
  });

  it('answers a bearer key with characters no key has as an unknown key, and audits it', async () => {
    const unknown = await callFrom(randomLoopback(), 'GET', probe, { auth: `Bearer cus_abcdefgh_${randomUUID()}` });
    // Bytes above ASCII travel in a header (as Latin-1); no API key contains them.
    const foreign = await callFrom(randomLoopback(), 'GET', probe, { auth: `Bearer cus_abcdefgh_\u00e9${randomUUID()}` });
    expect(shape(foreign)).toEqual(shape(unknown));
    expect(String(foreign.headers['www-authenticate'])).toMatch(/Bearer realm="custos", error="invalid_token", error_description="invalid API key"/);
    expect(await audited(foreign)).toMatchObject({ type: 'gateway.RequestDenied', data: { reason: 'invalid_credentials', credentialKind: 'api_key' } });
  });

  it('counts them against the address budget: 429 after 50 failures', async () => {
    const attacker = randomLoopback();
    const statuses: number[] = [];
    // The budget refills (30 a minute): on a slow machine one or two more may pass before the 429.
    while (statuses.length < 70 && statuses.at(-1) !== 429) statuses.push((await callFrom(attacker, 'GET', probe, { auth: basicAuth(`guess\u0000${statuses.length}`, 'key') })).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.length).toBeGreaterThan(50);
    const limited = await callFrom(attacker, 'GET', probe, { auth: basicAuth('guess\u0000', 'key') });
    expect(await audited(limited)).toMatchObject({ type: 'gateway.RequestDenied', data: { reason: 'rate_limited', status: 429 } });
  });
});
