#!/usr/bin/env node
// Event path under sustained load: append through the gateway (create experiment) → tracking's
// store → outbox relay → Kafka → audit's hash chain. Offers a fixed request rate for a fixed time
// (open loop, so a slow system cannot slow the offered load), then reads audit's own rows.
// Lag = audit recorded_at (clock_timestamp at insert) − event occurred_at (stamped at append).
//
//   node bench/event-path.mjs [--rate 200] [--seconds 60] [--runs 3]
// Uses the stack described by $CUSTOS_DATA_DIR (default .data): stack.env, secrets.env, infra.env.
import { randomUUID } from 'node:crypto';
import { args as parseArgs, loadStack, median, pgClient } from './lib/stack.mjs';

const args = parseArgs();
const RATE = Number(args.rate ?? 200);
const SECONDS = Number(args.seconds ?? 60);
const RUNS = Number(args.runs ?? 3);
const { gateway, adminAuth: auth, pgUrl } = loadStack();

// Index floor(p·n), as this script has always reported (lib/stack.mjs's pct is nearest-rank).
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function once(run) {
  const tag = `bench-${randomUUID().slice(0, 8)}`;
  const total = RATE * SECONDS;
  const started = performance.now();
  let ok = 0;
  let failed = 0;
  const inflight = new Set();
  // The gateway's own request id of each accepted call: the audit row's correlation id.
  const ids = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = fetch(`${gateway}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `${tag}-${i}` }),
    })
      .then(async (r) => {
        await r.arrayBuffer();
        if (r.ok) {
          ok++;
          ids.push(r.headers.get('x-correlation-id'));
        } else failed++;
      })
      .catch(() => failed++)
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  const offeredFor = (performance.now() - started) / 1000;
  const db = await pgClient(pgUrl('custos_audit'));
  const deadline = Date.now() + 60_000;
  let rows = [];
  while (Date.now() < deadline) {
    ({ rows } = await db.query(
      `SELECT extract(epoch FROM (recorded_at - occurred_at)) * 1000 AS lag_ms, recorded_at FROM audit_entries WHERE correlation_id = ANY($1) AND type = 'tracking.ExperimentCreated'`,
      [ids],
    ));
    if (rows.length >= ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await db.end();
  const lags = rows.map((r) => Number(r.lag_ms)).sort((a, b) => a - b);
  const result = { run, offered: RATE, seconds: SECONDS, accepted: ok, failed, audited: rows.length, throughput: ok / offeredFor, p50: pct(lags, 50), p99: pct(lags, 99), max: lags[lags.length - 1] };
  console.log(
    `run ${run}: ${result.accepted}/${total} accepted, ${result.failed} failed, ${result.audited} audited; ${result.throughput.toFixed(1)} events/s; lag p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`,
  );
  return result;
}

const results = [];
for (let r = 1; r <= RUNS; r++) results.push(await once(r));
console.log('\nevent path: gateway append → audit row (median of runs)');
console.log(`  offered rate        ${RATE}/s for ${SECONDS}s`);
console.log(`  throughput          ${median(results.map((r) => r.throughput)).toFixed(1)} events/s`);
console.log(`  lag p50             ${median(results.map((r) => r.p50)).toFixed(1)} ms`);
console.log(`  lag p99             ${median(results.map((r) => r.p99)).toFixed(1)} ms`);
console.log(`  lost (accepted − audited): ${results.reduce((s, r) => s + (r.accepted - r.audited), 0)}`);
