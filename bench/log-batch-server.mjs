#!/usr/bin/env node
// Server-side log_batch latency, without the Python client's own cost: posts the body the stock
// mlflow client sends for 1000 metrics (100 keys × 10 steps, `run_id` and `run_uuid`), serialised
// before the clock starts, to runs/log-batch through the gateway, sequentially, into one fresh run.
// `bench/mlflow-compare.sh` gives the end-to-end figure with the real client; this one shows how
// much of it is the server.
//
//   node bench/log-batch-server.mjs [--calls 100] [--runs 3]
// Uses the stack described by $CUSTOS_DATA_DIR (default .data): stack.env, secrets.env, infra.env.
import { args as parseArgs, loadStack, median } from './lib/stack.mjs';

const args = parseArgs();
const CALLS = Number(args.calls ?? 100);
const RUNS = Number(args.runs ?? 3);
const { gateway, adminAuth: auth } = loadStack();

async function post(path, body) {
  const r = await fetch(`${gateway}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
  const text = await r.text();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function once(run) {
  const exp = await post('experiments/create', JSON.stringify({ name: `bench-log-batch-${Date.now()}-${run}` }));
  const created = await post('runs/create', JSON.stringify({ experiment_id: exp.experiment_id, start_time: Date.now() }));
  const id = created.run.info.run_id;
  const latencies = [];
  for (let b = 0; b < CALLS; b++) {
    const ts = Date.now();
    const metrics = Array.from({ length: 1000 }, (_, j) => ({ key: `m${j % 100}`, value: Math.random(), timestamp: ts, step: b * 10 + Math.floor(j / 100) }));
    const body = JSON.stringify({ run_id: id, run_uuid: id, metrics, params: [], tags: [] });
    const t = performance.now();
    await post('runs/log-batch', body);
    latencies.push(performance.now() - t);
  }
  await post('experiments/delete', JSON.stringify({ experiment_id: exp.experiment_id }));
  latencies.sort((a, b) => a - b);
  const r = { p50: pct(latencies, 50), p90: pct(latencies, 90), p99: pct(latencies, 99) };
  console.log(`run ${run}: ${CALLS} calls; p50 ${r.p50.toFixed(1)} ms, p90 ${r.p90.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
  return r;
}

const results = [];
for (let run = 1; run <= RUNS; run++) results.push(await once(run));
console.log('\nlog_batch, 1000 metrics per call, server side through the gateway (median of runs)');
for (const k of ['p50', 'p90', 'p99']) console.log(`  ${k}  ${median(results.map((r) => r[k])).toFixed(1)} ms`);
