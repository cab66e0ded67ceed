import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, dataDir, waitFor } from '@custos/testing';
import { basicAuth, callFrom, randomLoopback } from './loopback-client';

/**
 * Read-your-writes for access changes (decision 031), on the real stack through the gateway: each
 * change is followed at once by the call that depends on it, many times in a row, and that call
 * must never see the old state. Before the fix each of these went wrong within a few tries
 * (a new user's first call 401, an old password still accepted, a grant not yet seen, a revoked
 * grant still honoured, a creator refused on its new experiment).
 */
describe('an access change is enforced by the very next call', () => {
  const suffix = randomUUID().slice(0, 8);
  const ROUNDS = 200;
  const PROPAGATION = 'x-custos-propagation';

  /** Every wrong answer, with what the change's own answer said; the test wants none. */
  const wrong: string[] = [];
  beforeEach(() => void (wrong.length = 0));
  const note = (what: string, i: number, status: number, change: { headers: Headers }) => wrong.push(`${what} #${i}: ${status} (change said ${change.headers.get(PROPAGATION)})`);

  const createUser = async (username: string, password: string) => {
    const res = await call<{ user: { id: string } }>('POST', '/api/2.0/mlflow/users/create', { body: { username, password } });
    if (res.status !== 200) throw new Error(`users/create ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };

  it(`users/create, then the new user's first call is accepted (${ROUNDS} times)`, async () => {
    const from = randomLoopback();
    for (let i = 0; i < ROUNDS; i++) {
      const username = `rw-new-${suffix}-${i}`;
      const created = await createUser(username, `pw-${username}`);
      const first = await callFrom(from, 'GET', `/api/2.0/mlflow/users/current`, { auth: basicAuth(username, `pw-${username}`) });
      if (first.status !== 200) note('new user refused', i, first.status, created);
    }
    expect(wrong).toEqual([]);
  });

  it(`update-password, then the old password is refused and the new one accepted (${ROUNDS} times)`, async () => {
    // A user fails at most 8 times here, under the per-account failure budget (10), each from its
    // own address: a refusal is then the wrong password's 401, never a rate limit.
    const PER_USER = 8;
    for (let u = 0; u < ROUNDS / PER_USER; u++) {
      const username = `rw-pw-${suffix}-${u}`;
      const from = randomLoopback();
      let password = `pw-${username}-0`;
      await createUser(username, password);
      // Accepted once (the creation is another test's subject), so the gateway holds the verification in its credential cache.
      await waitFor('the new user accepted', async () => (await callFrom(from, 'GET', '/api/2.0/mlflow/users/current', { auth: basicAuth(username, password) })).status === 200, 20_000, 20);
      for (let k = 1; k <= PER_USER; k++) {
        const i = u * PER_USER + k;
        const next = `pw-${username}-${k}`;
        const changed = await call('PATCH', '/api/2.0/mlflow/users/update-password', { body: { username, password: next } });
        expect(changed.status).toBe(200);
        const old = await callFrom(from, 'GET', '/api/2.0/mlflow/users/current', { auth: basicAuth(username, password) });
        if (old.status !== 401) note('old password', i, old.status, changed);
        const fresh = await callFrom(from, 'GET', '/api/2.0/mlflow/users/current', { auth: basicAuth(username, next) });
        if (fresh.status !== 200) note('new password', i, fresh.status, changed);
        password = next;
      }
    }
    expect(wrong).toEqual([]);
  });

  it(`grant, then the grantee reads; revoke, then the grantee is refused (${ROUNDS} times each)`, async () => {
    const grantee = `rw-grantee-${suffix}`;
    await createUser(grantee, `pw-${grantee}`);
    const asGrantee = basicAuth(grantee, `pw-${grantee}`);
    const from = randomLoopback();
    const exp = await call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { body: { name: `rw-grants-${suffix}` } });
    expect(exp.status).toBe(200);
    const experiment_id = exp.body.experiment_id;
    const read = () => callFrom(from, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experiment_id}`, { auth: asGrantee });
    // The default permission must not let the grantee read already.
    expect((await read()).status).toBe(404);
    for (let i = 0; i < ROUNDS; i++) {
      const granted = await call('POST', '/api/2.0/mlflow/experiments/permissions/create', { body: { experiment_id, username: grantee, permission: 'READ' } });
      expect(granted.status).toBe(200);
      const seen = await read();
      if (seen.status !== 200) note('grant not seen', i, seen.status, granted);
      const revoked = await call('DELETE', '/api/2.0/mlflow/experiments/permissions/delete', { body: { experiment_id, username: grantee } });
      expect(revoked.status).toBe(200);
      const refused = await read();
      if (refused.status !== 404) note('revoked grant honoured', i, refused.status, revoked);
    }
    expect(wrong).toEqual([]);
  });

  it(`experiments/create, then its creator grants on it (${ROUNDS} times)`, async () => {
    const creator = `rw-creator-${suffix}`;
    const other = `rw-other-${suffix}`;
    await createUser(creator, `pw-${creator}`);
    await createUser(other, `pw-${other}`);
    const asCreator = basicAuth(creator, `pw-${creator}`);
    const from = randomLoopback();
    for (let i = 0; i < ROUNDS; i++) {
      const created = await callFrom<{ experiment_id: string }>(from, 'POST', '/api/2.0/mlflow/experiments/create', { auth: asCreator, body: { name: `rw-created-${suffix}-${i}` } });
      expect(created.status).toBe(200);
      const grant = await callFrom(from, 'POST', '/api/2.0/mlflow/experiments/permissions/create', {
        auth: asCreator,
        body: { experiment_id: created.body.experiment_id, username: other, permission: 'READ' },
      });
      if (grant.status !== 200) wrong.push(`creator refused #${i}: ${grant.status} (create said ${String(created.headers[PROPAGATION])})`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers "pending" when an enforcer is down, and "applied" again once it is back', async () => {
    const grantee = `rw-down-${suffix}`;
    await createUser(grantee, `pw-${grantee}`);
    const exp = await call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', { body: { name: `rw-down-${suffix}` } });
    const body = { experiment_id: exp.body.experiment_id, username: grantee };
    const read = () => callFrom(randomLoopback(), 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${body.experiment_id}`, { auth: basicAuth(grantee, `pw-${grantee}`) });
    // Registry enforces grants too; frozen, it applies and reports nothing (the stack's own process, resumed below).
    const registry = Number(readFileSync(join(dataDir(), 'run', 'registry.pid'), 'utf8'));
    process.kill(registry, 'SIGSTOP');
    try {
      const granted = await call('POST', '/api/2.0/mlflow/experiments/permissions/create', { body: { ...body, permission: 'READ' } });
      expect(granted.status).toBe(200);
      expect(granted.headers.get(PROPAGATION)).toBe('pending');
      // The change is committed, and tracking, which is up, enforces it already.
      expect((await read()).status).toBe(200);
    } finally {
      process.kill(registry, 'SIGCONT');
    }
    // Each try changes the grant (an unchanged one commits nothing and says nothing).
    let tries = 0;
    await waitFor(
      'a change applied everywhere again',
      async () => (await call('PATCH', '/api/2.0/mlflow/experiments/permissions/update', { body: { ...body, permission: ++tries % 2 ? 'EDIT' : 'READ' } })).headers.get(PROPAGATION) === 'applied',
      30_000,
      50,
    );
  });
});
