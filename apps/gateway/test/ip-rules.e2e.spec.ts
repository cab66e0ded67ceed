import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { call, waitFor } from '@custos/testing';
import { callFrom, randomLoopback } from './loopback-client';

interface Rule {
  ruleId: string;
  action: 'allow' | 'deny';
  cidr: string;
  routePrefix: string | null;
}

/**
 * IP allow/deny rules through the gateway's own admin API, applied to live traffic before
 * authentication. Each test is its own loopback client address, so the rules never touch traffic
 * from 127.0.0.1; every rule made here is removed at the end.
 */
describe('IP rules at the gateway', () => {
  const made: string[] = [];
  const search = '/api/2.0/mlflow/experiments/search?max_results=1';

  const addRule = async (body: Record<string, unknown>) => {
    const r = await call<{ rule: Rule }>('POST', '/api/gateway/ip-rules', { body });
    expect(r.status).toBe(201);
    made.push(r.body.rule.ruleId);
    return r.body.rule;
  };
  const statusFrom = async (address: string, path = search, opts: Parameters<typeof callFrom>[3] = {}) => (await callFrom(address, 'GET', path, opts)).status;

  afterAll(async () => {
    for (const id of made) await call('DELETE', `/api/gateway/ip-rules/${id}`);
  });

  it('blocks a denied address with 403 before authentication, and audits the rule', async () => {
    const blocked = randomLoopback();
    expect(await statusFrom(blocked)).toBe(200);
    const rule = await addRule({ action: 'deny', cidr: `${blocked}/32`, description: 'e2e: deny one loopback client' });
    expect(rule).toMatchObject({ action: 'deny', cidr: `${blocked}/32`, routePrefix: null });
    await waitFor('deny rule applied', async () => (await statusFrom(blocked)) === 403, 10_000, 25);
    const r = await callFrom(blocked, 'GET', search, { auth: null });
    const correlationId = r.headers['x-correlation-id'] as string;
    // No credentials at all, and still 403, not 401: the address is checked first.
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ error_code: 'PERMISSION_DENIED', message: `request blocked: client address ${blocked} is denied by an IP rule` });
    const entry = await waitFor(
      'ip_blocked in audit',
      async () => (await call<{ entries: { type: string; data: Record<string, unknown> }[] }>('GET', `/api/audit/events?correlation_id=${correlationId}`)).body.entries?.[0],
    );
    expect(entry).toMatchObject({ type: 'gateway.RequestDenied', data: { reason: 'ip_blocked', status: 403, detail: expect.stringContaining(rule.ruleId) } });
    // Other clients are unaffected.
    expect(await statusFrom(randomLoopback())).toBe(200);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const blocked = randomLoopback();
    await addRule({ action: 'deny', cidr: `${blocked}/32`, description: 'e2e: spoofing' });
    await waitFor('deny rule applied', async () => (await statusFrom(blocked)) === 403, 10_000, 25);
    // The blocked client claims to be forwarding for someone else: still itself.
    expect(await statusFrom(blocked, search, { headers: { 'x-forwarded-for': '198.51.100.7' } })).toBe(403);
    // Another client claims to be the blocked one: still itself, so not blocked.
    expect(await statusFrom(randomLoopback(), search, { headers: { 'x-forwarded-for': blocked } })).toBe(200);
  });

  it('gates a route prefix with an allow rule, leaving other routes open', async () => {
    const inside = `127.0.0.${1 + Math.floor(Math.random() * 100)}`;
    const outside = `127.0.0.${129 + Math.floor(Math.random() * 100)}`;
    const rule = await addRule({ action: 'allow', cidr: '127.0.0.0/25', routePrefix: '/api/2.0/mlflow/experiments/', description: 'e2e: experiments from the lower half only' });
    try {
      await waitFor('allow rule applied', async () => (await statusFrom(outside)) === 403, 10_000, 25);
      const r = await callFrom(outside, 'GET', search);
      expect(r.body).toEqual({ error_code: 'PERMISSION_DENIED', message: `request blocked: client address ${outside} is not in the allow list for /api/2.0/mlflow/experiments/` });
      expect(await statusFrom(inside)).toBe(200);
      expect(await statusFrom(outside, '/api/audit/events?limit=1')).toBe(200);
      // The prefix cannot be dodged by spelling the path differently.
      expect(await statusFrom(outside, '/api/2.0/mlflow/%65xperiments/search')).toBe(403);
      expect(await statusFrom(outside, '/api/2.0/mlflow//experiments/search')).toBe(403);
    } finally {
      // An allow gate is the one kind of rule that could affect other clients: lift it at once.
      await call('DELETE', `/api/gateway/ip-rules/${rule.ruleId}`);
    }
  });

  it('applies a route rule to every spelling of the route, and refuses the spellings with no single reading', async () => {
    const client = randomLoopback();
    const model = `/api/2.0/mlflow/logged-models/m-${randomUUID().replaceAll('-', '')}`;
    const ajax = model.replace('/api/', '/ajax-api/');
    // Before the rule, both spellings reach tracking (an unknown model: 404 from the service).
    expect(await statusFrom(client, ajax)).toBe(404);
    await addRule({ action: 'deny', cidr: `${client}/32`, routePrefix: '/api/2.0/mlflow/logged-models/', description: 'e2e: logged models, any spelling' });
    await waitFor('route deny applied', async () => (await statusFrom(client, model)) === 403, 10_000, 25);
    const aliases = [
      ajax,
      model.toUpperCase().replace('/M-', '/m-'),
      ajax.replace('/ajax-api/', '/AJAX-API/'),
      model.replace('logged-models', 'logged%2Dmodels'),
      ajax.replace('logged-models', '%6Cogged%2dmodels'),
      model.replace('/logged-models/', '//logged-models///'),
      `${model}/`,
      `${ajax}?x=1`,
      `${model}/artifacts/files`,
    ];
    for (const path of aliases) expect([path, await statusFrom(client, path)]).toEqual([path, 403]);
    for (const path of [model.replace('/logged-models/', '/runs/../logged-models/'), model.replace('/logged-models/', '/runs/%2E%2E/logged-models/'), model.replace('mlflow/', 'mlflow%2F')]) {
      const r = await callFrom(client, 'GET', path);
      expect([path, r.status, r.body.error_code]).toEqual([path, 400, 'BAD_REQUEST']);
    }
    // The same client still reaches every other route, whatever the spelling: the canonical path is what is forwarded.
    expect(await statusFrom(client, '/ajax-api/2.0/mlflow/experiments/search?max_results=1')).toBe(200);
    expect(await statusFrom(client, '/api/2.0/mlflow/%65xperiments//search/?max_results=1')).toBe(200);
  });

  it('lists and removes rules, and the removal is applied', async () => {
    const blocked = randomLoopback();
    const rule = await addRule({ action: 'deny', cidr: `${blocked}/32` });
    await waitFor('deny rule applied', async () => (await statusFrom(blocked)) === 403, 10_000, 25);
    const listed = await call<{ rules: Rule[] }>('GET', '/api/gateway/ip-rules');
    expect(listed.body.rules.map((x) => x.ruleId)).toContain(rule.ruleId);
    expect((await call('DELETE', `/api/gateway/ip-rules/${rule.ruleId}`)).status).toBe(204);
    await waitFor('removal applied', async () => (await statusFrom(blocked)) === 200, 10_000, 25);
    expect((await call('DELETE', `/api/gateway/ip-rules/${rule.ruleId}`)).status).toBe(404);
  });

  it.each([
    ['10.0.0.1/8', /host bits set: the network is '10.0.0.0\/8'/],
    ['010.0.0.0/8', /not/],
    ['2001:DB8::/32', /write '2001:db8::\/32'/],
    ['::ffff:1.2.3.4/128', /write it as IPv4, '1.2.3.4\/32'/],
    ['10.0.0.0', /needs a prefix length/],
  ])('refuses the non-canonical %s with 400', async (cidr, message) => {
    const r = await call<{ status: number; detail: string }>('POST', '/api/gateway/ip-rules', { body: { action: 'deny', cidr } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(message);
  });

  it('refuses malformed bodies and non-admins', async () => {
    // The platform's one pipe and formatter (decision 040): problem details naming the field.
    const problem = (detail: string) => ({ status: 400, body: { type: 'urn:custos:error:invalid_parameter_value', title: 'INVALID_PARAMETER_VALUE', status: 400, detail } });
    const refused = async (body: object) => {
      const r = await call<unknown>('POST', '/api/gateway/ip-rules', { body });
      return { status: r.status, body: r.body };
    };
    expect(await refused({ action: 'block', cidr: '10.0.0.0/8' })).toEqual(problem("Field 'action' must be one of the following values: allow, deny."));
    expect(await refused({ action: 'deny', cidr: '10.0.0.0/8', extra: 1 })).toEqual(problem("Unknown field 'extra'."));
    expect(await refused({ action: 'deny', cidr: 10 })).toEqual(problem("Field 'cidr' must be a string."));
    expect(await refused({ action: 'deny' })).toEqual(problem("Missing value for required field 'cidr'."));
    expect((await call('GET', '/api/gateway/ip-rules', { auth: null })).status).toBe(401);
    // Another spelling of the path does not reach the controllers around the door.
    expect((await call('GET', '/API/gateway/ip-rules', { auth: null })).status).toBe(401);
    expect((await call('GET', '/API/gateway/ip-rules')).status).toBe(404);
  });
});
