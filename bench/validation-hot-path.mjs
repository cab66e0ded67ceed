#!/usr/bin/env node
// Decision 041's measurement: how long reading one log-batch body takes through the hand-written
// reader (what runs/log-batch keeps) and through a class-validator DTO and the platform's global
// pipe (what every other MLflow route uses). The body is the stock client's 1000-metric log_batch
// (100 keys × 10 steps, `run_id` and `run_uuid`), parsed once before the clock starts, so only the
// validation is timed. In-process, no stack needed.
//
//   node bench/validation-hot-path.mjs [--calls 200] [--runs 7]
// Prints per run the mean milliseconds per body for each, their ratio, and the median over runs.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { args as parseArgs } from './lib/stack.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const args = parseArgs();
const CALLS = Number(args.calls ?? 200);
const RUNS = Number(args.runs ?? 7);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

process.env.TS_NODE_PROJECT = join(root, 'tsconfig.json');
require('ts-node').register({ transpileOnly: true, project: join(root, 'tsconfig.json') });
require('tsconfig-paths/register');
const { viaReader, viaDto } = require('./lib/validation-hot-path.ts');

const now = Date.now();
const body = {
  run_id: 'a'.repeat(32),
  run_uuid: 'a'.repeat(32),
  metrics: Array.from({ length: 1000 }, (_, i) => ({ key: `metric_${i % 100}`, value: i * 0.001, timestamp: now + i, step: Math.floor(i / 100) })),
  params: [],
  tags: [],
};
const fresh = () => JSON.parse(JSON.stringify(body));

async function time(fn) {
  const bodies = Array.from({ length: CALLS }, fresh);
  const start = process.hrtime.bigint();
  for (const b of bodies) await fn(b);
  return Number(process.hrtime.bigint() - start) / 1e6 / CALLS;
}

// Warm both paths (JIT, class-transformer's metadata) before measuring.
for (let i = 0; i < 50; i++) {
  viaReader(fresh());
  await viaDto(fresh());
}
if (viaReader(fresh()) !== 1000 || (await viaDto(fresh())) !== 1000) throw new Error('a path did not read 1000 metrics');

const readers = [];
const dtos = [];
const ratios = [];
for (let run = 1; run <= RUNS; run++) {
  const reader = await time(viaReader);
  const dto = await time(viaDto);
  readers.push(reader);
  dtos.push(dto);
  ratios.push(dto / reader);
  console.log(`run ${run}: reader ${reader.toFixed(3)} ms/body, DTO+class-validator ${dto.toFixed(3)} ms/body, ratio ${(dto / reader).toFixed(1)}x`);
}
console.log(`median over ${RUNS} runs of ${CALLS} bodies (1000 metrics each): reader ${median(readers).toFixed(3)} ms, DTO ${median(dtos).toFixed(3)} ms, ratio ${median(ratios).toFixed(1)}x`);
