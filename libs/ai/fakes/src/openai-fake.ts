import { FakeReply, FakeUpstream, RecordedRequest, startFakeUpstream } from './fake-server';
import { FakeOptions } from './fake-scenarios';
import { answerText, base64Vector, fakeId, fakeVector, Json, limited, promptWords, sseData, toolCallFor, words } from './openai-fake-answers';
import { errorReply, FakeFault, faultFor, OpenAiFlavour, streamErrorPayload } from './openai-fake-errors';
import { keyOf } from './fake-scenario-faults';

export interface ScriptOptions {
  /** how many of the next calls fail this way (default 1) */
  times?: number;
  /** for rate_limited: the retry-after the reply carries, in seconds (default 1) */
  retryAfterSec?: number;
}

/**
 * One loopback server speaking three dialects: OpenAI at `{url}/v1`, Azure OpenAI deployments at
 * `{url}/openai/deployments/{deployment}/…?api-version=…` (base `{url}`), and an OpenAI-compatible
 * server at `{url}/compat/v1` that behaves like Ollama (no key needed, no usage on streams).
 * A call fails when scripted with `fail()`, or when its model (Azure: deployment) is named
 * `fail-<fault>`, e.g. `fail-rate_limited`, or one of the scenario models all provider fakes share
 * (`fake-429`, `fake-stream-break`, ... in fake-scenarios.ts), or its key is the shared bad key, so a
 * fallback test can point one target at a failing model.
 */
export interface OpenAiFake extends FakeUpstream {
  readonly openAiBase: string;
  readonly azureBase: string;
  readonly compatibleBase: string;
  fail(fault: FakeFault, options?: ScriptOptions): void;
}

interface Route {
  flavour: OpenAiFlavour;
  task: 'chat/completions' | 'completions' | 'embeddings';
  deployment?: string;
}

const TASK = '(chat/completions|completions|embeddings)';
const ROUTES: [RegExp, (m: RegExpExecArray) => Route][] = [
  [new RegExp(`^/v1/${TASK}$`), (m) => ({ flavour: 'openai', task: m[1] as Route['task'] })],
  [new RegExp(`^/compat/v1/${TASK}$`), (m) => ({ flavour: 'compatible', task: m[1] as Route['task'] })],
  [new RegExp(`^/openai/deployments/([^/]+)/${TASK}$`), (m) => ({ flavour: 'azure', task: m[2] as Route['task'], deployment: decodeURIComponent(m[1]) })],
];

const json = (status: number, body: unknown): FakeReply => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function startOpenAiFake(options: FakeOptions = {}): Promise<OpenAiFake> {
  const script: { fault: FakeFault; retryAfterSec?: number }[] = [];
  const upstream = await startFakeUpstream((req) => answer(req, script, options), options.port);
  return {
    ...upstream,
    openAiBase: `${upstream.url}/v1`,
    azureBase: upstream.url,
    compatibleBase: `${upstream.url}/compat/v1`,
    fail(fault, o = {}) {
      for (let i = 0; i < (o.times ?? 1); i++) script.push({ fault, retryAfterSec: o.retryAfterSec });
    },
  };
}

function answer(req: RecordedRequest, script: { fault: FakeFault; retryAfterSec?: number }[], options: FakeOptions): FakeReply {
  const url = new URL(req.url, 'http://fake');
  const found = ROUTES.map(([re, make]) => {
    const m = re.exec(url.pathname);
    return m ? make(m) : undefined;
  }).find((r) => r !== undefined);
  if (req.method !== 'POST' || !found) return json(404, { error: { message: `Invalid URL (${req.method} ${url.pathname})`, type: 'invalid_request_error', param: null, code: null } });
  const route = found;
  if (route.flavour === 'azure' && !url.searchParams.get('api-version')) return json(404, { error: { code: '404', message: 'Resource not found' } });
  if (!authorized(route.flavour, req.headers)) return errorReply(route.flavour, 'auth', '');

  let body: Json;
  try {
    const parsed: unknown = JSON.parse(req.body);
    if (!isObj(parsed)) throw new Error('not an object');
    body = parsed;
  } catch {
    return json(400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null } });
  }
  const model = route.deployment ?? (typeof body['model'] === 'string' ? body['model'] : '');
  if (!model) return json(400, { error: { message: 'you must provide a model parameter', type: 'invalid_request_error', param: null, code: null } });

  const scripted = script.shift() ?? faultFor(model, keyOf(req.headers));
  const stream = body['stream'] === true && route.task !== 'embeddings';
  if (scripted && (!stream || (scripted.fault !== 'stream_error' && scripted.fault !== 'stream_break'))) {
    const fault = scripted.fault === 'stream_error' || scripted.fault === 'stream_break' ? 'server' : scripted.fault;
    return errorReply(route.flavour, fault, model, scripted.retryAfterSec);
  }
  const ctx: Ctx = { flavour: route.flavour, model, body, delay: options.chunkDelayMs, fault: scripted?.fault };
  if (route.task === 'embeddings') return embeddings(ctx);
  if (route.task === 'completions') return stream ? streamReply(ctx, completionChunks(ctx)) : json(200, completion(ctx));
  return stream ? streamReply(ctx, chatChunks(ctx)) : json(200, chat(ctx));
}

function authorized(flavour: OpenAiFlavour, headers: Record<string, string>): boolean {
  const bearer = /^Bearer \S+/.test(headers['authorization'] ?? '');
  if (flavour === 'azure') return !!headers['api-key'] || bearer;
  return flavour === 'compatible' || bearer;
}

interface Ctx {
  flavour: OpenAiFlavour;
  model: string;
  body: Json;
  delay?: number;
  fault?: FakeFault;
}

const now = () => Math.floor(Date.now() / 1000);
const SAFE = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

function choiceCount(body: Json): number {
  return typeof body['n'] === 'number' && body['n'] > 1 ? Math.min(body['n'], 8) : 1;
}

function chatPlan(ctx: Ctx) {
  const messages = Array.isArray(ctx.body['messages']) ? ctx.body['messages'] : [];
  const call = toolCallFor(ctx.body, (seed) => fakeId('call_', seed));
  const { text, finish } = call ? { text: '', finish: 'tool_calls' as const } : limited(answerText(ctx.body), ctx.body['max_tokens'] ?? ctx.body['max_completion_tokens']);
  const n = choiceCount(ctx.body);
  const completionTokens = Math.max(1, words(call ? call.arguments : text).length) * n;
  const promptTokens = promptWords(messages);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  return { call, text, finish, n, usage, id: fakeId('chatcmpl-', JSON.stringify(ctx.body)) };
}

function chat(ctx: Ctx): Json {
  const p = chatPlan(ctx);
  const azure = ctx.flavour === 'azure';
  const message = p.call
    ? { role: 'assistant', content: null, tool_calls: [{ id: p.call.id, type: 'function', function: { name: p.call.name, arguments: p.call.arguments } }], refusal: null }
    : { role: 'assistant', content: p.text, refusal: null };
  return {
    id: p.id,
    object: 'chat.completion',
    created: now(),
    model: ctx.model,
    choices: Array.from({ length: p.n }, (_, index) => ({ index, message, logprobs: null, finish_reason: p.finish, ...(azure ? { content_filter_results: SAFE } : {}) })),
    usage: p.usage,
    system_fingerprint: 'fp_fake',
    ...(azure ? { prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE }] } : {}),
  };
}

function chatChunks(ctx: Ctx): (Json | string)[] {
  const p = chatPlan(ctx);
  const head = { id: p.id, object: 'chat.completion.chunk', created: now(), model: ctx.model, system_fingerprint: 'fp_fake' };
  const chunk = (index: number, delta: Json, finish: string | null = null): Json => ({ ...head, choices: [{ index, delta, logprobs: null, finish_reason: finish }] });
  const out: (Json | string)[] = [];
  if (ctx.flavour === 'azure') out.push({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE }] });
  for (let i = 0; i < p.n; i++) {
    out.push(chunk(i, { role: 'assistant', content: '', refusal: null }));
    if (p.call) {
      const half = Math.ceil(p.call.arguments.length / 2);
      out.push(chunk(i, { tool_calls: [{ index: 0, id: p.call.id, type: 'function', function: { name: p.call.name, arguments: '' } }] }));
      out.push(chunk(i, { tool_calls: [{ index: 0, function: { arguments: p.call.arguments.slice(0, half) } }] }));
      out.push(chunk(i, { tool_calls: [{ index: 0, function: { arguments: p.call.arguments.slice(half) } }] }));
    } else for (const w of words(p.text)) out.push(chunk(i, { content: w }));
    out.push(chunk(i, {}, p.finish));
  }
  if (wantsUsage(ctx)) out.push({ ...head, choices: [], usage: p.usage });
  return out;
}

/** OpenAI and Azure honour `stream_options.include_usage`; the compatible flavour plays a server that does not. */
function wantsUsage(ctx: Ctx): boolean {
  const so = ctx.body['stream_options'];
  return ctx.flavour !== 'compatible' && isObj(so) && so['include_usage'] === true;
}

function completionPlan(ctx: Ctx) {
  const prompts = Array.isArray(ctx.body['prompt']) ? ctx.body['prompt'].map(String) : [String(ctx.body['prompt'] ?? '')];
  const n = choiceCount(ctx.body);
  const texts = prompts.map((p) => limited(` Fake completion of: ${p}`, ctx.body['max_tokens']));
  const promptTokens = Math.max(
    1,
    prompts.reduce((s, p) => s + words(p).length, 0),
  );
  const completionTokens =
    Math.max(
      1,
      texts.reduce((s, t) => s + words(t.text).length, 0),
    ) * n;
  return { texts, n, id: fakeId('cmpl-', JSON.stringify(ctx.body)), usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } };
}

function completion(ctx: Ctx): Json {
  const p = completionPlan(ctx);
  const choices = p.texts.flatMap((t) => Array.from({ length: p.n }, () => t)).map((t, index) => ({ text: t.text, index, logprobs: null, finish_reason: t.finish }));
  return { id: p.id, object: 'text_completion', created: now(), model: ctx.model, choices, usage: p.usage, system_fingerprint: 'fp_fake' };
}

function completionChunks(ctx: Ctx): (Json | string)[] {
  const p = completionPlan(ctx);
  const head = { id: p.id, object: 'text_completion', created: now(), model: ctx.model, system_fingerprint: 'fp_fake' };
  const out: (Json | string)[] = [];
  p.texts
    .flatMap((t) => Array.from({ length: p.n }, () => t))
    .forEach((t, index) => {
      for (const w of words(t.text)) out.push({ ...head, choices: [{ text: w, index, logprobs: null, finish_reason: null }] });
      out.push({ ...head, choices: [{ text: '', index, logprobs: null, finish_reason: t.finish }] });
    });
  if (wantsUsage(ctx)) out.push({ ...head, choices: [], usage: p.usage });
  return out;
}

/** The chunks as SSE, `[DONE]` last; a scripted stream failure stops after the first few chunks. */
function streamReply(ctx: Ctx, payloads: (Json | string)[]): FakeReply {
  const headers = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
  const failing = ctx.fault === 'stream_error' || ctx.fault === 'stream_break';
  const sent = failing ? payloads.slice(0, 3) : [...payloads, '[DONE]'];
  if (ctx.fault === 'stream_error') sent.push(streamErrorPayload());
  return { status: 200, headers, chunks: sent.map((p) => ({ data: sseData(p), delayMs: ctx.delay })), breakAfter: ctx.fault === 'stream_break' };
}

function embeddings(ctx: Ctx): FakeReply {
  const input = ctx.body['input'];
  const items: unknown[] = typeof input === 'string' ? [input] : Array.isArray(input) && input.length > 0 && typeof input[0] === 'number' ? [input] : Array.isArray(input) ? input : [];
  if (items.length === 0) return json(400, { error: { message: "'input' is a required property", type: 'invalid_request_error', param: 'input', code: null } });
  const dims = typeof ctx.body['dimensions'] === 'number' && ctx.body['dimensions'] > 0 ? ctx.body['dimensions'] : 8;
  const base64 = ctx.body['encoding_format'] === 'base64';
  const data = items.map((item, index) => {
    const v = fakeVector(JSON.stringify(item), dims);
    return { object: 'embedding', index, embedding: base64 ? base64Vector(v) : v };
  });
  const tokens = items.reduce<number>((s, item) => s + (typeof item === 'string' ? Math.max(1, words(item).length) : Array.isArray(item) ? item.length : 1), 0);
  return json(200, { object: 'list', data, model: ctx.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}
