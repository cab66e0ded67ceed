#!/usr/bin/env node
// The AI gateway bench (issue 18): what each gateway adds to an OpenAI chat-completions call, in one
// run on this machine, every row in front of the same loopback fake upstream (fake-upstream.mjs:
// 50 ms per answer; streams of 20 chunks 10 ms apart):
//   direct   the fake itself (the baseline every "added" figure is measured against)
//   undici   a bare undici reverse proxy (undici-proxy.mjs): the floor of any Node gateway
//   custos   Custos' gateway: API key auth, an IP allow rule on /v1/, usage recorded (the stack's)
//   mlflow   MLflow's gateway (`mlflow gateway start`, --mlflow-workers workers, an openai endpoint)
//   litellm  the LiteLLM proxy (--litellm-workers workers, master key)
// Every row gets POST <row>/v1/chat/completions with the same body. Open-loop constant arrival rate:
// non-streaming with vegeta, streams with stream-load.mjs; each step is one rate for --duration s,
// rows interleaved at every rate (the row order rotates), so background load falls on all rows.
//
//   bash bench/ai-gateway/run.sh [options]          (builds the anchors' venvs and vegeta, then this)
//   node bench/ai-gateway/bench.mjs --vegeta PATH --mlflow PATH --litellm PATH [options]
//     --rows direct,undici,custos,mlflow,litellm   --rates 50,100,200,400   --stream-rates 50,100,200,400
//     --duration 10 (s per step)   --timeout 10 (s per request)   --mlflow-workers 2   --litellm-workers 2
//     --no-stop   keep offering higher rates to a row that already failed a lower one (default: skip)
//     --custos-url URL --custos-key KEY   (default: the stack of $CUSTOS_DATA_DIR, its admin key)
// The Custos row needs the stack up (scripts/stack.sh) with the gateway's AI routes and its upstream
// allow-list letting it reach loopback (see bench/README.md); otherwise it prints "unavailable".
// Writes bench/results/ai-gateway-<UTC time>.json.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { streamAttack } from './stream-load.mjs';
import { treeCpuTicks } from './proc.mjs';

const here = new URL('.', import.meta.url).pathname;
const repoRoot = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const dataDir = process.env.CUSTOS_DATA_DIR ?? `${repoRoot}/.data`;
const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  console.log(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .slice(1, 23)
      .map((l) => l.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[i + 1] : def;
};
const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const ROWS = list(opt('rows', 'direct,undici,custos,mlflow,litellm'));
const RATES = list(opt('rates', '50,100,200,400')).map(Number);
const STREAM_RATES = list(opt('stream-rates', '50,100,200,400')).map(Number);
const DURATION_S = Number(opt('duration', 10));
const TIMEOUT_S = Number(opt('timeout', 10));
const PAUSE_MS = 1000;
const STOP_ON_FAIL = !argv.includes('--no-stop');
const VEGETA = opt('vegeta', process.env.VEGETA);
const MLFLOW = opt('mlflow', process.env.MLFLOW_BIN);
const LITELLM = opt('litellm', process.env.LITELLM_BIN);
const MLFLOW_WORKERS = Number(opt('mlflow-workers', 2));
const LITELLM_WORKERS = Number(opt('litellm-workers', 2));
const LATENCY_MS = 50;
const CHUNKS = 20;
// The issue's bar for "sustains": fewer than 1% errors and p99 under 2 s.
const MAX_ERROR_RATIO = 0.01;
const MAX_P99_MS = 2000;
const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Say twenty words.' },
];

const log = (...a) => console.error('[ai-gateway bench]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const loadavg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);
if (!VEGETA || !existsSync(VEGETA)) {
  log('--vegeta PATH is required (bash bench/ai-gateway/run.sh builds it)');
  process.exit(2);
}

// ---------- processes: start, wait, stop, resident memory ----------

const children = [];
const work = mkdtempSync(`${os.tmpdir()}/ai-gateway-bench-`);

async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** Own process group, so stopping it stops its workers too; output to a log file in the work folder. */
function startProcess(name, cmd, args, env = {}) {
  const logFile = `${work}/${name}.log`;
  const out = openSync(logFile, 'a');
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', out, out] });
  children.push(child);
  return { child, logFile };
}

/** A node script of ours that prints `{"url": ...}` once listening. */
function startNodeServer(name, script, args) {
  const child = spawn(process.execPath, [`${here}${script}`, ...args], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      const line = buf.split('\n')[0];
      if (buf.includes('\n')) resolve({ child, url: JSON.parse(line).url });
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

async function waitHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before answering`);
    try {
      const r = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
      await r.body.text();
      if (r.statusCode < 500) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url} within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

function stopAll() {
  for (const c of children) {
    try {
      if (c.exitCode === null) process.kill(-c.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

/**
 * After an overloaded step a server may still be working off its backlog (requests the loader has
 * already timed out): wait, up to 20 s, until it uses under a tenth of a core, so that work does
 * not land on the next row's step.
 */
async function drain(pid) {
  if (!pid) return;
  const deadline = Date.now() + 20_000;
  let last = treeCpuTicks(pid);
  while (Date.now() < deadline) {
    await sleep(500);
    const now = treeCpuTicks(pid);
    // clock ticks are 1/100 s on Linux: 5 ticks in 500 ms is a tenth of a core
    if (now - last < 5) return;
    last = now;
  }
}

// ---------- the rows ----------

const fake = await startNodeServer('fake', 'fake-upstream.mjs', ['--latency-ms', String(LATENCY_MS), '--chunks', String(CHUNKS), '--chunk-gap-ms', '10']);
log(`fake upstream at ${fake.url}`);

/** name -> { base, model, headers, pid (for RSS), version } or { unavailable: reason } */
const rows = {};
const cleanups = [];

async function setupDirect() {
  return { base: fake.url, model: 'bench-model', headers: {}, pid: null, version: 'fake-upstream.mjs' };
}

async function setupUndici() {
  const p = await startNodeServer('undici', 'undici-proxy.mjs', ['--upstream', fake.url]);
  const undiciVersion = JSON.parse(readFileSync(`${repoRoot}/node_modules/undici/package.json`, 'utf8')).version;
  return { base: p.url, model: 'bench-model', headers: {}, pid: p.child.pid, version: `undici ${undiciVersion}, node ${process.version}` };
}

async function setupMlflow() {
  if (!MLFLOW) throw new Error('--mlflow PATH not given');
  const port = await freePort();
  const cfg = `${work}/mlflow-gateway.yaml`;
  // The endpoint's name is what callers send as `model` on MLflow's OpenAI-compatible route.
  writeFileSync(
    cfg,
    [
      'endpoints:',
      '  - name: bench-chat',
      '    endpoint_type: llm/v1/chat',
      '    model:',
      '      provider: openai',
      '      name: bench-model',
      '      config:',
      '        openai_api_key: sk-bench-mlflow',
      `        openai_api_base: ${fake.url}/v1`,
      '',
    ].join('\n'),
  );
  const { child, logFile } = startProcess('mlflow-gateway', MLFLOW, ['gateway', 'start', '--config-path', cfg, '--host', '127.0.0.1', '--port', String(port), '--workers', String(MLFLOW_WORKERS)]);
  const base = `http://127.0.0.1:${port}`;
  await waitHttp(`${base}/health`, 120_000, child).catch((e) => {
    throw new Error(`${e.message} (log: ${logFile})`);
  });
  const version = execFileSync(MLFLOW, ['--version'], { encoding: 'utf8' }).trim();
  return { base, model: 'bench-chat', headers: {}, pid: child.pid, version: `${version}, ${MLFLOW_WORKERS} workers`, logFile };
}

async function setupLitellm() {
  if (!LITELLM) throw new Error('--litellm PATH not given');
  const port = await freePort();
  const cfg = `${work}/litellm.yaml`;
  const masterKey = `sk-bench-master-${randomUUID()}`;
  writeFileSync(
    cfg,
    [
      'model_list:',
      '  - model_name: bench-model',
      '    litellm_params:',
      '      model: openai/bench-model',
      `      api_base: ${fake.url}/v1`,
      '      api_key: sk-bench-litellm',
      'general_settings:',
      `  master_key: ${masterKey}`,
      '',
    ].join('\n'),
  );
  // The model cost map is fetched over the network at start unless told to use the bundled copy.
  // uvicorn's supervisor kills a worker that misses its 5 s health check, and on a busy 2-core box a
  // LiteLLM worker still importing misses it over and over (none ever came up): 60 s, as
  // bench/mlflow-compare.sh gives MLflow's server for the same reason.
  const { child, logFile } = startProcess(
    'litellm',
    LITELLM,
    ['--config', cfg, '--host', '127.0.0.1', '--port', String(port), '--num_workers', String(LITELLM_WORKERS), '--timeout_worker_healthcheck', '60'],
    {
      LITELLM_LOCAL_MODEL_COST_MAP: 'True',
      LITELLM_TELEMETRY: 'False',
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitHttp(`${base}/health/liveliness`, 180_000, child).catch((e) => {
    throw new Error(`${e.message} (log: ${logFile})`);
  });
  let version = 'litellm';
  try {
    const py = LITELLM.replace(/litellm$/, 'python');
    version = `litellm ${execFileSync(py, ['-c', 'import importlib.metadata as m; print(m.version("litellm"))'], { encoding: 'utf8' }).trim()}`;
  } catch {
    /* version unknown */
  }
  return { base, model: 'bench-model', headers: { authorization: `Bearer ${masterKey}` }, pid: child.pid, version: `${version}, ${LITELLM_WORKERS} workers, master key`, logFile };
}

const readEnvFile = (f) =>
  Object.fromEntries(
    readFileSync(f, 'utf8')
      .split('\n')
      .map((l) => /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(l.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[2].replace(/^["']|["']$/g, '')]),
  );

async function setupCustos() {
  try {
    return await setupCustosRow();
  } catch (e) {
    throw new Error(`${e.message}${e.code === 'ECONNREFUSED' ? ' (is the stack up? scripts/stack.sh up)' : ''}`);
  }
}

async function setupCustosRow() {
  let base = opt('custos-url');
  let key = opt('custos-key');
  if (!base || !key) {
    if (!existsSync(`${dataDir}/stack.env`)) throw new Error(`no ${dataDir}/stack.env: start the stack (scripts/stack.sh up) or pass --custos-url/--custos-key`);
    base ??= readEnvFile(`${dataDir}/stack.env`).CUSTOS_GATEWAY_URL;
    key ??= readEnvFile(`${dataDir}/secrets.env`).BOOTSTRAP_ADMIN_API_KEY;
  }
  const auth = { authorization: `Bearer ${key}` };
  const call = async (method, path, body) => {
    const r = await request(`${base}${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.body.text();
    if (r.statusCode >= 300) throw new Error(`${method} ${path} answered ${r.statusCode}: ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : {};
  };
  const tag = randomUUID().slice(0, 8);
  const secret = await call('POST', '/api/gateway/ai/secrets', { name: `bench-openai-${tag}`, provider: 'openai', value: `sk-bench-${tag}` });
  const secretId = secret.secretId ?? secret.secret?.secretId ?? secret.id;
  cleanups.push(() => call('DELETE', `/api/gateway/ai/secrets/${secretId}`));
  const name = `bench-chat-${tag}`;
  const ep = await call('POST', '/api/gateway/ai/endpoints', { name, task: 'llm/v1/chat', targets: [{ provider: 'openai', model: 'bench-model', secretId, baseUrl: `${fake.url}/v1` }] });
  const epId = ep.endpointId ?? ep.endpoint?.endpointId ?? ep.endpoint?.id ?? ep.id;
  // Endpoints go first: a secret in use may not be deletable.
  cleanups.unshift(() => call('DELETE', `/api/gateway/ai/endpoints/${epId ?? name}`));
  const rule = await call('POST', '/api/gateway/ip-rules', { action: 'allow', cidr: '127.0.0.0/8', routePrefix: '/v1/' });
  const ruleId = rule.rule?.ruleId ?? rule.ruleId;
  cleanups.unshift(() => call('DELETE', `/api/gateway/ip-rules/${ruleId}`));
  const pidFile = `${dataDir}/run/gateway.pid`;
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : null;
  let version = 'custos';
  try {
    version = `custos ${execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`;
  } catch {
    /* not a checkout */
  }
  // The endpoint reaches every replica through the gateway's events: wait until it answers.
  const row = { base, model: name, headers: auth, pid, version: `${version} (gateway pid ${pid ?? 'unknown'})` };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await sanity('custos', row);
      return row;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(250);
    }
  }
}

const body = (row, stream) => ({ model: row.model, messages: MESSAGES, ...(stream ? { stream: true } : {}) });

/** One call of each kind must answer in OpenAI's shape before a row is measured. */
async function sanity(name, row) {
  const r = await request(`${row.base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...row.headers }, body: JSON.stringify(body(row, false)) });
  const text = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`chat answered ${r.statusCode}: ${text.slice(0, 300)}`);
  const j = JSON.parse(text);
  if (!j.choices?.[0]?.message?.content?.includes('word')) throw new Error(`chat answer not OpenAI-shaped: ${text.slice(0, 300)}`);
  const s = await streamAttack({ url: `${row.base}/v1/chat/completions`, headers: row.headers, body: body(row, true), rate: 1, durationS: 1, expectChunks: CHUNKS });
  if (s.samples.length !== 1) throw new Error(`stream failed: ${JSON.stringify(s.errors)}`);
}

const setups = { direct: setupDirect, undici: setupUndici, custos: setupCustos, mlflow: setupMlflow, litellm: setupLitellm };
for (const name of ROWS) {
  if (!setups[name]) throw new Error(`unknown row ${name}`);
  try {
    const row = await setups[name]();
    if (name !== 'custos') await sanity(name, row);
    rows[name] = row;
    log(`${name}: ${row.base} (${row.version})`);
  } catch (e) {
    rows[name] = { unavailable: e.message };
    log(`${name}: unavailable: ${e.message}`);
  }
}
const live = ROWS.filter((n) => !rows[n].unavailable);

// ---------- peak resident memory, sampled through the whole run by a process of its own ----------
const sampler = spawn(process.execPath, [`${here}rss-sampler.mjs`, ...live.filter((n) => rows[n].pid).map((n) => `${n}=${rows[n].pid}`)], { stdio: ['ignore', 'pipe', 'inherit'] });
let samplerOut = '';
sampler.stdout.on('data', (c) => (samplerOut += c));
const samplerDone = new Promise((r) => sampler.on('exit', r));

// ---------- load ----------

const ns2ms = (ns) => ns / 1e6;
async function vegetaStep(row, rate, durationS) {
  const targets = `${work}/targets.json`;
  const header = { 'Content-Type': ['application/json'] };
  for (const [k, v] of Object.entries(row.headers)) header[k] = [v];
  writeFileSync(targets, `${JSON.stringify({ method: 'POST', url: `${row.base}/v1/chat/completions`, header, body: Buffer.from(JSON.stringify(body(row, false))).toString('base64') })}\n`);
  const out = `${work}/attack.bin`;
  execFileSync(VEGETA, ['attack', '-format=json', `-targets=${targets}`, `-rate=${rate}/1s`, `-duration=${durationS}s`, `-timeout=${TIMEOUT_S}s`, `-output=${out}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const rep = JSON.parse(execFileSync(VEGETA, ['report', '-type=json', out], { encoding: 'utf8' }));
  rmSync(out, { force: true });
  return {
    requests: rep.requests,
    errorRatio: 1 - rep.success,
    p50: ns2ms(rep.latencies['50th']),
    p99: ns2ms(rep.latencies['99th']),
    max: ns2ms(rep.latencies.max),
    throughput: rep.throughput,
    statusCodes: rep.status_codes,
    errors: (rep.errors ?? []).slice(0, 5),
  };
}

const pctOf = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
async function streamStep(row, rate, durationS) {
  const r = await streamAttack({ url: `${row.base}/v1/chat/completions`, headers: row.headers, body: body(row, true), rate, durationS, timeoutMs: TIMEOUT_S * 1000, expectChunks: CHUNKS });
  const ttfb = r.samples.map((s) => s.ttfb).sort((a, b) => a - b);
  const total = r.samples.map((s) => s.total).sort((a, b) => a - b);
  const failed = r.sent - r.samples.length;
  return {
    requests: r.sent,
    errorRatio: failed / r.sent,
    ttfbP50: ttfb.length ? pctOf(ttfb, 50) : null,
    ttfbP99: ttfb.length ? pctOf(ttfb, 99) : null,
    p50: total.length ? pctOf(total, 50) : null,
    p99: total.length ? pctOf(total, 99) : null,
    errors: r.errors,
    loaderLateMaxMs: r.lateMaxMs,
  };
}

const sustains = (s) => s.errorRatio < MAX_ERROR_RATIO && s.p99 !== null && s.p99 < MAX_P99_MS;

// Warm every row (JIT, connection pools, Python imports on first call) outside the clock.
for (const n of live) {
  await vegetaStep(rows[n], 50, 3);
  await streamStep(rows[n], 20, 2);
  // a row that could not keep up with its warm-up must not carry that backlog into the first step
  await drain(rows[n].pid);
}

const started = new Date();
const steps = { chat: {}, stream: {} };
const failedAt = { chat: {}, stream: {} };
for (const [mode, rates, step] of [
  ['chat', RATES, vegetaStep],
  ['stream', STREAM_RATES, streamStep],
]) {
  for (const [i, rate] of rates.entries()) {
    const order = live.map((_, j) => live[(i + j) % live.length]);
    for (const n of order) {
      steps[mode][n] ??= {};
      if (STOP_ON_FAIL && failedAt[mode][n] !== undefined) {
        steps[mode][n][rate] = { skipped: `failed at ${failedAt[mode][n]}/s` };
        continue;
      }
      const load = loadavg();
      const s = await step(rows[n], rate, DURATION_S);
      s.loadavg = load;
      steps[mode][n][rate] = s;
      if (!sustains(s)) {
        failedAt[mode][n] ??= rate;
        await drain(rows[n].pid);
      }
      const f = (x) => (x === null || x === undefined ? '-' : x.toFixed(1));
      log(
        `${mode} ${rate}/s ${n}: p50 ${f(s.p50)} p99 ${f(s.p99)}${mode === 'stream' ? ` ttfb ${f(s.ttfbP50)}/${f(s.ttfbP99)}` : ''} ms, errors ${(s.errorRatio * 100).toFixed(2)}% (load ${load.join(' ')})`,
      );
      await sleep(PAUSE_MS);
    }
  }
}
sampler.kill('SIGTERM');
await samplerDone;
const peakRss = samplerOut.trim() ? JSON.parse(samplerOut) : {};

for (const c of cleanups) await c().catch((e) => log(`cleanup: ${e.message}`));
stopAll();

// ---------- report ----------

const added = (mode, n, rate, key) => {
  const s = steps[mode][n]?.[rate];
  const d = steps[mode].direct?.[rate];
  if (!s || !d || s.skipped || d.skipped || s[key] === null || d[key] === null) return null;
  return s[key] - d[key];
};
const sustained = (mode, n, rates) => rates.filter((r) => steps[mode][n]?.[r] && !steps[mode][n][r].skipped && sustains(steps[mode][n][r])).reduce((a, b) => Math.max(a, b), 0);
const fmt = (x) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}`);
const cell = (mode, n, rate, a, b) => {
  const s = steps[mode][n]?.[rate];
  if (!s) return '-';
  if (s.skipped) return 'sat.';
  const e = s.errorRatio >= MAX_ERROR_RATIO ? ` ${(s.errorRatio * 100).toFixed(0)}%err` : '';
  return `${fmt(added(mode, n, rate, a))} / ${fmt(added(mode, n, rate, b))}${e}`;
};

const summary = {};
const lines = [];
const W = 28;
const header = (title, rates) => {
  lines.push('', title, `${'row'.padEnd(9)}${rates.map((r) => `${r}/s`.padEnd(W)).join('')}sustains`);
};
for (const [mode, rates, title, keys] of [
  ['chat', RATES, 'chat, added over direct p50 / p99 (ms)', [['p50', 'p99']]],
  ['stream', STREAM_RATES, 'streams, added over direct: TTFB p50 / p99 (ms)', [['ttfbP50', 'ttfbP99']]],
  ['stream', STREAM_RATES, 'streams, added over direct: total p50 / p99 (ms)', [['p50', 'p99']]],
]) {
  header(title, rates);
  for (const n of ROWS) {
    if (rows[n].unavailable) {
      lines.push(`${n.padEnd(9)}unavailable: ${rows[n].unavailable.slice(0, 160)}`);
      continue;
    }
    const [a, b] = keys[0];
    const cells = rates.map((r) => (n === 'direct' ? `${steps[mode][n][r]?.[a]?.toFixed(1) ?? '-'} / ${steps[mode][n][r]?.[b]?.toFixed(1) ?? '-'} abs` : cell(mode, n, r, a, b)).padEnd(W));
    lines.push(`${n.padEnd(9)}${cells.join('')}${sustained(mode, n, rates)}/s`);
  }
}
for (const n of live) {
  summary[n] = {
    version: rows[n].version,
    peakRssMB: peakRss[n] !== undefined ? Math.round(peakRss[n] / 2 ** 20) : null,
    chatSustainedRate: sustained('chat', n, RATES),
    streamSustainedRate: sustained('stream', n, STREAM_RATES),
    chatAddedAt200: { p50: added('chat', n, 200, 'p50'), p99: added('chat', n, 200, 'p99') },
  };
}
lines.push('', 'peak RSS (MB, the process and its children, sampled every 250 ms through the run)');
for (const n of live) lines.push(`${n.padEnd(9)}${summary[n].peakRssMB ?? '- (not ours to measure)'}  ${rows[n].version}`);

// Ratio > 1 means the row is better than the anchor: anchor's added latency / row's, row's rate / anchor's.
const ratio = (x, y) => (x === null || y === null || y <= 0 || x <= 0 ? '-' : `${x / y < 0.1 ? (x / y).toPrecision(2) : (x / y).toFixed(2)}x`);
for (const anchor of ['mlflow', 'litellm'].filter((a) => summary[a])) {
  lines.push('', `against ${anchor} (> 1 = better than ${anchor}): added p50 @200/s, added p99 @200/s, chat rate sustained, stream rate sustained`);
  for (const n of live.filter((x) => x !== 'direct' && x !== anchor)) {
    const s = summary[n];
    const a = summary[anchor];
    lines.push(
      `${n.padEnd(9)}${[ratio(a.chatAddedAt200.p50, s.chatAddedAt200.p50), ratio(a.chatAddedAt200.p99, s.chatAddedAt200.p99), ratio(s.chatSustainedRate, a.chatSustainedRate), ratio(s.streamSustainedRate, a.streamSustainedRate)].map((x) => x.padEnd(12)).join('')}`,
    );
  }
}
lines.push('', `sustains = the highest offered rate with < ${MAX_ERROR_RATIO * 100}% errors and p99 < ${MAX_P99_MS} ms (streams: p99 of the total); "sat." = not offered after a lower rate failed`);
console.log(lines.join('\n'));

let commit = null;
try {
  commit = execFileSync('git', ['-C', repoRoot, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {
  /* not a checkout */
}
mkdirSync(`${repoRoot}/bench/results`, { recursive: true });
const file = `${repoRoot}/bench/results/ai-gateway-${started.toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(
  file,
  JSON.stringify(
    {
      started: started.toISOString(),
      finished: new Date().toISOString(),
      commit,
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30), loadavgEnd: loadavg() },
      workload: { rates: RATES, streamRates: STREAM_RATES, durationS: DURATION_S, timeoutS: TIMEOUT_S, upstreamLatencyMs: LATENCY_MS, chunks: CHUNKS, chunkGapMs: 10, stopOnFail: STOP_ON_FAIL },
      rows: Object.fromEntries(ROWS.map((n) => [n, rows[n].unavailable ? { unavailable: rows[n].unavailable } : { version: rows[n].version, base: rows[n].base }])),
      summary,
      steps,
      table: lines.join('\n'),
    },
    null,
    2,
  ),
);
log(`results: ${file}; logs: ${work}`);
process.exit(0);
