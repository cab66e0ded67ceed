#!/usr/bin/env node
// Added latency of authentication + authorization on the request path: `GET runs/get` for one run,
// through a bench-only gateway replica with authentication off (the baseline) and through the
// stack's gateway with real credentials:
//   (a) baseline        bench gateway (GATEWAY_BENCH_UNAUTHENTICATED): no credential, an admin principal
//   (b) user API key    a non-admin user's key as bearer; the user holds READ through a grant
//   (c) user basic      the same user, basic auth user:password (verified-credential cache warm)
//   (d) admin key       the bootstrap admin key as bearer
// Per run: warm-up, then interleaved rounds of sequential keep-alive requests, every case in every
// round (the order rotates), so background load on a shared machine falls on all cases alike.
// Figures are medians over runs of each run's p50/p99.
//
//   node bench/auth-latency.mjs [--requests 2000] [--rounds 4] [--warmup 200] [--runs 3]
//                               [--bench-gateway-url http://127.0.0.1:PORT] [--keep]
// Uses the stack described by $CUSTOS_DATA_DIR (default .data) and the built dist/ (scripts/build.sh).
// Without --bench-gateway-url it starts the bench gateway itself from dist/ on a free loopback port,
// with the stack gateway's environment (scripts/stack.sh) plus the bench flag, and stops it at the end.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { args as parseArgs, basicAuth, dataDir, httpClient, loadStack, median, must, pct, pgClient, repoRoot, sleep, waitUntil } from './lib/stack.mjs';
import { createExperiment, createUser, grantExperiment, issueKey, uniqueName, waitForGatewayIdentities } from './lib/identities.mjs';

const BENCH_PHRASE = 'i-understand-this-disables-auth';
const BENCH_HEADER = 'x-custos-bench-unauthenticated';
const args = parseArgs();
if (args.help) {
  console.log(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .slice(1, 19)
      .map((l) => l.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}
const REQUESTS = Number(args.requests ?? 2000);
const ROUNDS = Number(args.rounds ?? 4);
const WARMUP = Number(args.warmup ?? 200);
const RUNS = Number(args.runs ?? 3);
const perRound = Math.ceil(REQUESTS / ROUNDS);
const { stack, secrets, infra, gateway, adminAuth, pgUrl } = loadStack();

// ---- the bench gateway: an ordinary replica of the stack's gateway, with authentication off ----

async function freeLoopbackPort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Same environment as scripts/stack.sh gives the gateway (infra.env, secrets.env, service URLs,
 * its database): it joins the same consumer group and reads the same projection, like any replica.
 */
async function startBenchGateway() {
  const main = `${repoRoot}/dist/apps/gateway/src/main.js`;
  if (!existsSync(main)) throw new Error(`${main} is missing: run bash scripts/build.sh`);
  const port = await freeLoopbackPort();
  const env = {
    ...process.env,
    ...infra,
    ...secrets,
    TRACKING_URL: stack.CUSTOS_TRACKING_URL,
    REGISTRY_URL: stack.CUSTOS_REGISTRY_URL,
    AUTHZ_URL: stack.CUSTOS_AUTHZ_URL,
    AUDIT_URL: stack.CUSTOS_AUDIT_URL,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    DATABASE_URL: pgUrl('custos_gateway'),
    GATEWAY_BENCH_UNAUTHENTICATED: BENCH_PHRASE,
  };
  mkdirSync(`${dataDir}/logs`, { recursive: true });
  const logFile = `${dataDir}/logs/gateway-bench-unauthenticated.log`;
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', out, out] });
  const url = `http://127.0.0.1:${port}`;
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const probe = httpClient(url);
  try {
    await waitUntil(
      'the bench gateway to be ready',
      async () => {
        if (exited) throw new Error(`the bench gateway exited (${JSON.stringify(exited)}); see ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}`);
        return (await probe.request('GET', '/health/ready').catch(() => ({ status: 0 }))).status === 200;
      },
      120_000,
      200,
    );
  } finally {
    probe.close();
  }
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 100 && !exited; i++) await sleep(100);
    if (!exited) child.kill('SIGKILL');
  };
  return { url, pid: child.pid, logFile, stop };
}

// ---- fixtures: one run in one experiment, one non-admin user with READ on it ----

async function setUp() {
  const admin = httpClient(gateway);
  const experimentId = await createExperiment(admin, adminAuth, uniqueName('bench-auth'));
  const run = await must(admin, 'POST', '/api/2.0/mlflow/runs/create', { auth: adminAuth, body: { experiment_id: experimentId, start_time: Date.now() } });
  const runId = run.run.info.run_id;
  const username = uniqueName('bench-reader');
  const password = `pw-${uniqueName('x')}-${uniqueName('y')}`;
  await createUser(admin, adminAuth, username, password);
  await grantExperiment(admin, adminAuth, experimentId, username, 'READ');
  const { key, keyId } = await issueKey(admin, adminAuth, username);
  const gwDb = await pgClient(pgUrl('custos_gateway'));
  try {
    await waitForGatewayIdentities(gwDb, { usernames: [username], keyIds: [keyId] });
  } finally {
    await gwDb.end();
  }
  // The grant reaches tracking through its own projection: until then the run looks missing (404).
  await waitUntil('the READ grant in tracking', async () => (await admin.request('GET', `/api/2.0/mlflow/runs/get?run_id=${runId}`, { auth: `Bearer ${key}` })).status === 200);
  const cleanUp = async () => {
    await admin.request('DELETE', '/api/2.0/mlflow/users/delete', { auth: adminAuth, body: { username } });
    await admin.request('POST', '/api/2.0/mlflow/experiments/delete', { auth: adminAuth, body: { experiment_id: experimentId } });
    admin.close();
  };
  return { experimentId, runId, username, password, key, cleanUp };
}

// ---- measurement ----

function makeCases(benchUrl, f) {
  const path = `/api/2.0/mlflow/runs/get?run_id=${f.runId}`;
  return [
    { id: 'baseline', label: '(a) baseline: auth disabled', url: benchUrl, auth: undefined, bench: true },
    { id: 'api_key', label: '(b) user API key (READ by grant)', url: gateway, auth: `Bearer ${f.key}`, bench: false },
    { id: 'basic', label: '(c) user basic user:password', url: gateway, auth: basicAuth(f.username, f.password), bench: false },
    { id: 'admin_key', label: '(d) admin key', url: gateway, auth: adminAuth, bench: false },
  ].map((c) => ({ ...c, path, client: httpClient(c.url) }));
}

/** `n` sequential requests; every answer must be the run, from the kind of gateway the case names. */
async function timed(c, n, runId, into) {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await c.client.request('GET', c.path, { auth: c.auth });
    const ms = performance.now() - t0;
    if (r.status !== 200) throw new Error(`${c.id}: runs/get answered ${r.status}: ${r.text.slice(0, 300)}`);
    if ((r.headers[BENCH_HEADER] === 'true') !== c.bench) {
      throw new Error(c.bench ? `${c.id}: the answer lacks ${BENCH_HEADER}: dist/ predates the bench mode? (bash scripts/build.sh)` : `${c.id}: answered by a bench-mode gateway`);
    }
    if (i === 0 && !r.text.includes(runId)) throw new Error(`${c.id}: the answer is not run ${runId}: ${r.text.slice(0, 300)}`);
    into?.push(ms);
  }
}

async function once(run, cases, runId) {
  for (const c of cases) await timed(c, WARMUP, runId);
  const samples = Object.fromEntries(cases.map((c) => [c.id, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = cases.map((_, i) => cases[(i + round) % cases.length]);
    for (const c of order) await timed(c, perRound, runId, samples[c.id]);
  }
  const result = {};
  for (const c of cases) {
    const s = [...samples[c.id]].sort((a, b) => a - b);
    result[c.id] = { n: s.length, p50: pct(s, 50), p99: pct(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length, max: s[s.length - 1] };
  }
  console.log(`run ${run}: ${cases.map((c) => `${c.id} p50 ${result[c.id].p50.toFixed(2)} / p99 ${result[c.id].p99.toFixed(2)} ms`).join('; ')}`);
  return result;
}

/**
 * What the baseline still pays: the gateway mints an internal token (an HS256 JWT for one service and
 * request, under that service's key), the service verifies it and records its id (decisions 026, 039);
 * the built code, timed in-process.
 */
async function internalTokenCostUs() {
  const token = createRequire(import.meta.url)(`${repoRoot}/dist/libs/shared/platform/src/internal-token.js`);
  const secret = token.InternalTokenSecret.generate();
  const key = secret.keyFor('tracking');
  const principal = { id: 'bench', kind: 'user', roles: ['admin'], groups: [] };
  const url = '/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef';
  const replays = new token.ReplayGuard();
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const minted = await token.signInternalToken(secret, principal, { audience: 'tracking', method: 'GET', url, correlationId: 'x'.repeat(36), clientIp: '127.0.0.1' });
    const claims = await token.verifyInternalToken(key, minted, 'tracking', { method: 'GET', url });
    if (!replays.firstUse(claims.jti, claims.exp)) throw new Error('token id repeated');
  }
  return ((performance.now() - t0) * 1000) / n;
}

const fmt = (x, d = 2) => x.toFixed(d).padStart(8);
const commit = (() => {
  try {
    return execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();

async function main() {
  const bench = args['bench-gateway-url'] ? { url: args['bench-gateway-url'], stop: async () => undefined, external: true } : await startBenchGateway();
  const onSignal = () => void bench.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let fixtures;
  let cases = [];
  try {
    console.log(`bench gateway (auth disabled) on ${bench.url}${bench.external ? ' (given)' : ` (pid ${bench.pid}, log ${bench.logFile})`}; stack gateway ${gateway}`);
    fixtures = await setUp();
    cases = makeCases(bench.url, fixtures);
    console.log(`GET /api/2.0/mlflow/runs/get (run ${fixtures.runId}); ${WARMUP} warm-up + ${ROUNDS} rounds × ${perRound} sequential requests per case per run, ${RUNS} runs\n`);
    const results = [];
    for (let r = 1; r <= RUNS; r++) results.push(await once(r, cases, fixtures.runId));
    const tokenUs = await internalTokenCostUs();
    const m = Object.fromEntries(cases.map((c) => [c.id, { p50: median(results.map((x) => x[c.id].p50)), p99: median(results.map((x) => x[c.id].p99)) }]));
    const base = m.baseline;
    console.log(`\nauth latency: GET runs/get (median of ${RUNS} runs; ${ROUNDS * perRound} requests per case per run)`);
    console.log(`${'case'.padEnd(36)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}  ${'+p50 ms'.padStart(8)}${'+p99 ms'.padStart(8)}  ${'×p50'.padStart(6)}${'×p99'.padStart(6)}`);
    for (const c of cases) {
      const x = m[c.id];
      const added =
        c.id === 'baseline'
          ? `${'—'.padStart(8)}${'—'.padStart(8)}  ${'—'.padStart(6)}${'—'.padStart(6)}`
          : `${fmt(x.p50 - base.p50)}${fmt(x.p99 - base.p99)}  ${(x.p50 / base.p50).toFixed(2).padStart(6)}${(x.p99 / base.p99).toFixed(2).padStart(6)}`;
      console.log(`${c.label.padEnd(36)}${fmt(x.p50)}${fmt(x.p99)}  ${added}`);
    }
    console.log(`\n+ = added over the baseline; × = case / baseline. The baseline still mints and verifies the internal token (${tokenUs.toFixed(0)} µs per token in-process here).`);
    const outDir = `${repoRoot}/bench/results`;
    mkdirSync(outDir, { recursive: true });
    const file = `${outDir}/auth-latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    writeFileSync(
      file,
      JSON.stringify(
        {
          commit,
          machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), loadavg: os.loadavg() },
          workload: { REQUESTS, ROUNDS, perRound, WARMUP, RUNS },
          internalTokenUs: tokenUs,
          medians: m,
          runs: results,
        },
        null,
        2,
      ),
    );
    console.log(`raw figures: ${file}`);
  } finally {
    for (const c of cases) c.client.close();
    if (fixtures && !args.keep) await fixtures.cleanUp().catch((e) => console.error(`clean-up failed: ${e.message}`));
    await bench.stop();
  }
}

main().catch((e) => {
  console.error(e.stack ?? String(e));
  process.exit(1);
});
