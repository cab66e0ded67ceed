import { loadStack } from './lib/stack.mjs';
const { gateway, adminAuth: auth } = loadStack();
const post = async (p, body) => { const r = await fetch(`${gateway}/api/2.0/mlflow/${p}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body }); const t = await r.text(); if (!r.ok) throw new Error(t); return JSON.parse(t); };
const exp = await post('experiments/create', JSON.stringify({ name: 'lb-' + Date.now() }));
const run = await post('runs/create', JSON.stringify({ experiment_id: exp.experiment_id, start_time: Date.now() }));
const id = run.run.info.run_id;
const N = +(process.argv[2] ?? 60); const lat = [];
for (let b = 0; b < N; b++) {
  const ts = Date.now();
  const metrics = Array.from({ length: 1000 }, (_, j) => ({ key: `m${j % 100}`, value: Math.random(), timestamp: ts, step: b * 10 + Math.floor(j / 100) }));
  const body = JSON.stringify({ run_id: id, run_uuid: id, metrics, params: [], tags: [] });
  const t = performance.now(); await post('runs/log-batch', body); lat.push(performance.now() - t);
}
lat.sort((a, b) => a - b); console.log('p50', lat[lat.length >> 1].toFixed(1), 'p90', lat[Math.floor(lat.length * 0.9)].toFixed(1), 'mean', (lat.reduce((a, b) => a + b) / lat.length).toFixed(1));
