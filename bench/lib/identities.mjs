// Users, keys, experiments and grants made through the gateway with the admin key, and waits on
// the projections that make them effective (the gateway's identity tables, tracking's grants).
import { randomUUID } from 'node:crypto';
import { must, waitUntil } from './stack.mjs';

export const uniqueName = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function createUser(admin, adminAuth, username, password) {
  const r = await must(admin, 'POST', '/api/2.0/mlflow/users/create', { auth: adminAuth, body: { username, password } });
  return r.user;
}

/** A key owned by `username`, issued by the admin (the secret is shown once, here). */
export async function issueKey(admin, adminAuth, username, name = 'bench') {
  const r = await must(admin, 'POST', '/api/authz/api-keys', { auth: adminAuth, body: { name, ownerUsername: username } });
  return { key: r.key, keyId: r.apiKey.keyId };
}

export async function createExperiment(admin, adminAuth, name) {
  return (await must(admin, 'POST', '/api/2.0/mlflow/experiments/create', { auth: adminAuth, body: { name } })).experiment_id;
}

export async function grantExperiment(admin, adminAuth, experimentId, username, permission) {
  await must(admin, 'POST', '/api/2.0/mlflow/experiments/permissions/create', { auth: adminAuth, body: { experiment_id: experimentId, username, permission } });
}

/** The gateway answers from its own projection of authz: wait until it holds these. */
export async function waitForGatewayIdentities(gatewayDb, { usernames = [], keyIds = [] }) {
  await waitUntil(`${usernames.length} users and ${keyIds.length} keys in the gateway's projection`, async () => {
    const u = usernames.length ? (await gatewayDb.query(`SELECT count(*)::int AS n FROM gw_users WHERE username = ANY($1) AND NOT deleted`, [usernames])).rows[0].n : 0;
    const k = keyIds.length ? (await gatewayDb.query(`SELECT count(*)::int AS n FROM gw_api_keys WHERE key_id = ANY($1) AND NOT revoked`, [keyIds])).rows[0].n : 0;
    return u === usernames.length && k === keyIds.length;
  });
}
