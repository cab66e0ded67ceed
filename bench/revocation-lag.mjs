#!/usr/bin/env node
// Revocation lag on the live stack: the time from the moment authz's answer to a revocation
// arrives to the first request that is refused (when it was sent: every request from then on is
// refused), probing every ~10 ms with a credential whose verification is cached (the worst case:
// the gateway must drop it). Also shown: when that refusal's answer arrived (a refusal can itself
// take time: an unknown user's basic-auth refusal spends a dummy scrypt check on purpose), when the
// last accepted answer arrived, and when the consuming service took the revocation's event.
//   (a) key revoked     DELETE /api/authz/api-keys/{id}             → the key as bearer gets 401
//   (b) user deleted    DELETE /api/2.0/mlflow/users/delete         → basic user:password gets 401
//   (c) grant removed   DELETE .../experiments/permissions/delete   → experiments/get answers 404,
//                                                                     as for a missing id
// Each trial also checks that the refusal sticks (3 more probes, all refused). Cases alternate
// trial by trial; each trial probes from its own loopback address (its own failure budget).
// Target (issue 3): p99 < 1 s.
//
//   node bench/revocation-lag.mjs [--trials 30] [--runs 3] [--interval-ms 10] [--timeout-ms 10000]
// Uses the stack described by $CUSTOS_DATA_DIR (default .data): stack.env, secrets.env, infra.env.
import { execFileSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { args as parseArgs, basicAuth, httpClient, loadStack, median, must, pct, pgClient, randomLoopback, repoRoot, sleep, waitUntil } from './lib/stack.mjs';
import { createExperiment, createUser, grantExperiment, issueKey, uniqueName, waitForGatewayIdentities } from './lib/identities.mjs';

const args = parseArgs();
if (args.help) {
  console.log(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .slice(1, 17)
      .map((l) => l.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}
const TRIALS = Number(args.trials ?? 30);
const RUNS = Number(args.runs ?? 3);
const INTERVAL_MS = Number(args['interval-ms'] ?? 10);
const TIMEOUT_MS = Number(args['timeout-ms'] ?? 10_000);
const TARGET_P99_MS = 1000;
const { gateway, adminAuth, pgUrl } = loadStack();
const admin = httpClient(gateway);

/** Everything the trials of one run revoke, made up front so that no trial waits on a projection. */
async function setUp() {
  const pw = () => `pw-${uniqueName('a')}-${uniqueName('b')}`;
  const keyOwner = uniqueName('bench-rl-keys');
  await createUser(admin, adminAuth, keyOwner, pw());
  const keys = [];
  for (let i = 0; i < TRIALS; i++) keys.push(await issueKey(admin, adminAuth, keyOwner, `trial-${i}`));
  const doomed = [];
  for (let i = 0; i < TRIALS; i++) {
    const u = { username: uniqueName('bench-rl-del'), password: pw() };
    await createUser(admin, adminAuth, u.username, u.password);
    doomed.push(u);
  }
  const reader = { username: uniqueName('bench-rl-reader'), password: pw() };
  await createUser(admin, adminAuth, reader.username, reader.password);
  const readerKey = await issueKey(admin, adminAuth, reader.username);
  const experiments = [];
  for (let i = 0; i < TRIALS; i++) {
    const id = await createExperiment(admin, adminAuth, uniqueName('bench-rl'));
    await grantExperiment(admin, adminAuth, id, reader.username, 'READ');
    experiments.push(id);
  }
  const gwDb = await pgClient(pgUrl('custos_gateway'));
  try {
    await waitForGatewayIdentities(gwDb, { usernames: [keyOwner, reader.username, ...doomed.map((u) => u.username)], keyIds: [...keys.map((k) => k.keyId), readerKey.keyId] });
  } finally {
    await gwDb.end();
  }
  for (const id of experiments) {
    await waitUntil(
      `READ on experiment ${id} in tracking`,
      async () => (await admin.request('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${id}`, { auth: `Bearer ${readerKey.key}` })).status === 200,
    );
  }
  const cleanUp = async () => {
    for (const username of [keyOwner, reader.username]) await admin.request('DELETE', '/api/2.0/mlflow/users/delete', { auth: adminAuth, body: { username } });
    for (const id of experiments) await admin.request('POST', '/api/2.0/mlflow/experiments/delete', { auth: adminAuth, body: { experiment_id: id } });
  };
  return { keys, doomed, reader, readerKey, experiments, cleanUp };
}

/** One trial per case and index: what to probe, what refused looks like, and the revocation. */
function trialOf(caseId, i, f) {
  switch (caseId) {
    case 'key_revoked':
      return {
        probe: ['GET', '/api/2.0/mlflow/experiments/search?max_results=1', `Bearer ${f.keys[i].key}`],
        refused: (r) => r.status === 401,
        consumer: ['custos_gateway', 'identity'],
        revoke: (headers) => must(admin, 'DELETE', `/api/authz/api-keys/${f.keys[i].keyId}`, { auth: adminAuth, headers }),
      };
    case 'user_deleted':
      return {
        probe: ['GET', '/api/2.0/mlflow/experiments/search?max_results=1', basicAuth(f.doomed[i].username, f.doomed[i].password)],
        refused: (r) => r.status === 401,
        consumer: ['custos_gateway', 'identity'],
        revoke: (headers) => must(admin, 'DELETE', '/api/2.0/mlflow/users/delete', { auth: adminAuth, body: { username: f.doomed[i].username }, headers }),
      };
    case 'grant_removed':
      return {
        probe: ['GET', `/api/2.0/mlflow/experiments/get?experiment_id=${f.experiments[i]}`, `Bearer ${f.readerKey.key}`],
        refused: (r) => r.status === 404 && JSON.parse(r.text).error_code === 'RESOURCE_DOES_NOT_EXIST',
        consumer: ['custos_tracking', 'access'],
        revoke: (headers) =>
          must(admin, 'DELETE', '/api/2.0/mlflow/experiments/permissions/delete', { auth: adminAuth, body: { experiment_id: f.experiments[i], username: f.reader.username }, headers }),
      };
  }
}

async function trial(caseId, i, f) {
  const t = trialOf(caseId, i, f);
  const client = httpClient(gateway, { localAddress: randomLoopback() });
  const [method, path, auth] = t.probe;
  const probe = () => client.request(method, path, { auth });
  try {
    // Warm: the credential is verified and cached, and access is granted, before the revocation.
    for (let k = 0; k < 3; k++) {
      const r = await probe();
      if (r.status !== 200) throw new Error(`${caseId} #${i}: not accepted before the revocation (${r.status}: ${r.text.slice(0, 200)})`);
    }
    const correlationId = `bench-rl-${randomUUID()}`;
    await t.revoke({ 'x-correlation-id': correlationId });
    const t0 = performance.now();
    const base = { correlationId, t0Wall: performance.timeOrigin + t0, consumer: t.consumer };
    let accepted = 0;
    let lastAcceptedMs = 0;
    for (;;) {
      const sent = performance.now();
      const r = await probe();
      const now = performance.now();
      if (t.refused(r)) {
        let flaps = 0;
        for (let k = 0; k < 3; k++) if (!t.refused(await probe())) flaps++;
        return { ...base, lagMs: sent - t0, refusedAnswerMs: now - t0, lastAcceptedMs, acceptedAfter: accepted, flaps };
      }
      if (r.status !== 200) throw new Error(`${caseId} #${i}: unexpected ${r.status} while waiting: ${r.text.slice(0, 200)}`);
      accepted++;
      lastAcceptedMs = now - t0;
      if (now - t0 > TIMEOUT_MS) return { ...base, lagMs: Number.POSITIVE_INFINITY, refusedAnswerMs: Number.POSITIVE_INFINITY, lastAcceptedMs, acceptedAfter: accepted, flaps: 0 };
      await sleep(Math.max(0, sent + INTERVAL_MS - performance.now()));
    }
  } finally {
    client.close();
  }
}

/**
 * Where the lag went: `deliveredMs` is when the consuming service's projection transaction began
 * (processed_events.processed_at) for the revocation's last event, relative to authz's answer.
 * Before it: authz's outbox relay and Kafka; after it: the consumer's commit and, at the gateway,
 * the version watch that drops cached verifications.
 */
async function attachDelivery(trials) {
  const authz = await pgClient(pgUrl('custos_authz'));
  const consumers = {};
  try {
    const { rows } = await authz.query(`SELECT metadata->>'clientCorrelationId' AS cid, event_id FROM events WHERE metadata->>'clientCorrelationId' = ANY($1)`, [trials.map((t) => t.correlationId)]);
    const byCid = new Map();
    for (const r of rows) byCid.set(r.cid, [...(byCid.get(r.cid) ?? []), r.event_id]);
    for (const t of trials) {
      const [db, name] = t.consumer;
      consumers[db] ??= await pgClient(pgUrl(db));
      const ids = byCid.get(t.correlationId) ?? [];
      const { rows: done } = await consumers[db].query(
        `SELECT extract(epoch FROM max(processed_at)) * 1000 AS at, count(*)::int AS n FROM processed_events WHERE consumer = $1 AND event_id = ANY($2::uuid[])`,
        [name, ids],
      );
      t.events = ids.length;
      t.deliveredMs = done[0].n === ids.length && ids.length > 0 ? Number(done[0].at) - t.t0Wall : null;
    }
  } finally {
    await authz.end();
    for (const c of Object.values(consumers)) await c.end();
  }
}

const CASES = [
  { id: 'key_revoked', label: '(a) API key revoked → 401' },
  { id: 'user_deleted', label: '(b) user deleted → 401' },
  { id: 'grant_removed', label: '(c) grant removed → 404' },
];
const summarize = (lags) => {
  const s = [...lags].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s[s.length - 1] };
};
const ms = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'timeout').padStart(8);

async function once(run) {
  const f = await setUp();
  const out = Object.fromEntries(CASES.map((c) => [c.id, []]));
  try {
    for (let i = 0; i < TRIALS; i++) {
      for (let k = 0; k < CASES.length; k++) {
        const c = CASES[(i + k) % CASES.length];
        out[c.id].push(await trial(c.id, i, f));
        // Unaligned with the gateway's version poll, so trials sample its whole period.
        await sleep(randomInt(50, 250));
      }
    }
  } finally {
    await f.cleanUp().catch((e) => console.error(`clean-up failed: ${e.message}`));
  }
  await attachDelivery(Object.values(out).flat());
  const stats = Object.fromEntries(CASES.map((c) => [c.id, summarize(out[c.id].map((t) => t.lagMs))]));
  console.log(`run ${run}: ${CASES.map((c) => `${c.id} p50 ${stats[c.id].p50.toFixed(0)} / p99 ${stats[c.id].p99.toFixed(0)} / max ${stats[c.id].max.toFixed(0)} ms`).join('; ')}`);
  return { trials: out, stats };
}

async function main() {
  console.log(`revocation lag on ${gateway}: ${TRIALS} trials per case per run, ${RUNS} runs, probing every ${INTERVAL_MS} ms\n`);
  const runs = [];
  for (let r = 1; r <= RUNS; r++) runs.push(await once(r));
  console.log(`\nrevocation lag: authz answer → first refused request (ms); target p99 < ${TARGET_P99_MS} ms`);
  console.log(`${'case'.padEnd(30)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}   ${'median-of-runs p50/p99'.padEnd(24)}${'flaps'.padStart(6)}  target`);
  const pooled = {};
  for (const c of CASES) {
    const all = runs.flatMap((r) => r.trials[c.id]);
    const s = summarize(all.map((t) => t.lagMs));
    pooled[c.id] = { ...s, flaps: all.reduce((a, t) => a + t.flaps, 0) };
    const mr = `${median(runs.map((r) => r.stats[c.id].p50)).toFixed(0)} / ${median(runs.map((r) => r.stats[c.id].p99)).toFixed(0)}`;
    console.log(`${c.label.padEnd(30)}${ms(s.p50)}${ms(s.p95)}${ms(s.p99)}${ms(s.max)}   ${mr.padEnd(24)}${String(pooled[c.id].flaps).padStart(6)}  ${s.p99 < TARGET_P99_MS ? 'met' : 'NOT MET'}`);
  }
  console.log(`\nwhere it went (ms after authz's answer; p50 / p99 / max):`);
  for (const c of CASES) {
    const all = runs.flatMap((r) => r.trials[c.id]);
    const part = (xs) => {
      const s = summarize(xs.filter((x) => x !== null && Number.isFinite(x)));
      return `${s.p50.toFixed(0)} / ${s.p99.toFixed(0)} / ${s.max.toFixed(0)}`;
    };
    pooled[c.id].delivered = summarize(all.map((t) => t.deliveredMs).filter((x) => x !== null));
    pooled[c.id].lastAccepted = summarize(all.map((t) => t.lastAcceptedMs));
    pooled[c.id].refusedAnswer = summarize(all.map((t) => t.refusedAnswerMs));
    console.log(
      `  ${c.label.padEnd(28)} event consumed by ${(c.id === 'grant_removed' ? 'tracking' : 'the gateway').padEnd(11)} ${part(all.map((t) => t.deliveredMs)).padEnd(16)} last accepted answer ${part(all.map((t) => t.lastAcceptedMs)).padEnd(16)} first refusal answered ${part(all.map((t) => t.refusedAnswerMs))}`,
    );
  }
  console.log(`\npercentiles over all ${RUNS * TRIALS} trials per case (nearest rank); a flap is a probe accepted again after the first refusal.`);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const outDir = `${repoRoot}/bench/results`;
  mkdirSync(outDir, { recursive: true });
  const file = `${outDir}/revocation-lag-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const finite = (x) => (Number.isFinite(x) ? x : null);
  writeFileSync(
    file,
    JSON.stringify(
      { commit, machine: { cpus: os.cpus().length, memGiB: Math.round(os.totalmem() / 2 ** 30), loadavg: os.loadavg() }, workload: { TRIALS, RUNS, INTERVAL_MS, TIMEOUT_MS }, pooled, runs },
      (k, v) => (typeof v === 'number' ? finite(v) : v),
      2,
    ),
  );
  console.log(`raw figures: ${file}`);
  admin.close();
  const missed = CASES.some((c) => !(pooled[c.id].p99 < TARGET_P99_MS) || pooled[c.id].flaps > 0);
  process.exitCode = missed ? 1 : 0;
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  admin.close();
  process.exit(2);
});
