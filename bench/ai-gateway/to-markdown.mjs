#!/usr/bin/env node
// The tables of docs/benchmarks.md's "AI gateway" section from one bench.mjs result file:
//   node bench/ai-gateway/to-markdown.mjs bench/results/ai-gateway-<time>.json
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/ai-gateway/to-markdown.mjs <bench/results/ai-gateway-*.json>');
  process.exit(2);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const rowNames = Object.keys(r.rows);
const MAX_ERR = 0.01;
const MAX_P99 = 2000;
const ok = (s) => s && !s.skipped && s.errorRatio < MAX_ERR && s.p99 !== null && s.p99 < MAX_P99;
const f1 = (x) => (x === null || x === undefined ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`);

function table(mode, rates, a, b, title) {
  const out = [`${title}`, '', `| row | ${rates.map((x) => `${x}/s`).join(' | ')} | sustains |`, `| --- | ${rates.map(() => '---').join(' | ')} | --- |`];
  for (const n of rowNames) {
    if (r.rows[n].unavailable) {
      out.push(`| ${n} | ${rates.map(() => 'pending').join(' | ')} | pending |`);
      continue;
    }
    const cells = rates.map((rate) => {
      const s = r.steps[mode][n]?.[rate];
      const d = r.steps[mode].direct?.[rate];
      if (!s) return '—';
      if (s.skipped) return 'sat.';
      if (n === 'direct') return `${s[a].toFixed(1)} / ${s[b].toFixed(1)} (abs.)`;
      const err = s.errorRatio >= MAX_ERR ? `, ${(s.errorRatio * 100).toFixed(0)}% errors` : '';
      if (s[a] === null || !d) return `failed${err}`;
      return `${f1(s[a] - d[a])} / ${f1(s[b] - d[b])}${err}`;
    });
    const best = rates.filter((rate) => ok(r.steps[mode][n]?.[rate])).reduce((x, y) => Math.max(x, y), 0);
    out.push(`| ${n} | ${cells.join(' | ')} | ${best ? `${best}/s` : 'none'} |`);
  }
  return out.join('\n');
}

const w = r.workload;
const loads = [];
for (const m of ['chat', 'stream']) for (const n of Object.keys(r.steps[m])) for (const s of Object.values(r.steps[m][n])) if (s.loadavg) loads.push(s.loadavg[0]);
console.log(
  [
    `Run ${r.started} (commit ${r.commit?.slice(0, 7) ?? '?'}), ${w.durationS} s per step, load average (1 min) ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the steps.`,
    '',
    table('chat', w.rates, 'p50', 'p99', 'Plain calls, added over direct, p50 / p99 (ms):'),
    '',
    table('stream', w.streamRates, 'ttfbP50', 'ttfbP99', 'Streams, time to first byte added over direct, p50 / p99 (ms):'),
    '',
    table('stream', w.streamRates, 'p50', 'p99', 'Streams, total added over direct, p50 / p99 (ms):'),
    '',
    '| row | peak RSS | version |',
    '| --- | --- | --- |',
    ...rowNames.map((n) => (r.rows[n].unavailable ? `| ${n} | pending | |` : `| ${n} | ${r.summary[n]?.peakRssMB ? `${r.summary[n].peakRssMB} MB` : '—'} | ${r.rows[n].version} |`)),
  ].join('\n'),
);
