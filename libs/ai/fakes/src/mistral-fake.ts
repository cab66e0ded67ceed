import { keyOf, scenarioFault } from './fake-scenario-faults';
import { FakeReply, FakeUpstream, RecordedRequest, startFakeUpstream } from './fake-server';
import { answerText, base64Vector, fakeId, fakeVector, Json, limited, promptWords, sseData, toolCallFor, words } from './openai-fake-answers';
import { FAKE_FAULTS, FakeFault } from './openai-fake-errors';
import { ScriptOptions } from './openai-fake';
import { FakeOptions } from './fake-scenarios';

/**
 * Mistral's chat and embeddings API at `{url}/v1`, as strict as the real one where the gateway can
 * get it wrong: fields outside its schema are a 422 (`seed`, `user`, `logprobs`, `stream_options`…),
 * tool call ids must be nine letters or digits, and errors come in Mistral's three bodies. Streams
 * end with the usage on the finishing chunk, unasked. Faults are scripted as on the OpenAI fake.
 */
export interface MistralFake extends FakeUpstream {
  readonly baseUrl: string;
  fail(fault: FakeFault, options?: ScriptOptions): void;
}

const CHAT_FIELDS = new Set([
  'model',
  'messages',
  'temperature',
  'top_p',
  'max_tokens',
  'stream',
  'stop',
  'random_seed',
  'response_format',
  'tools',
  'tool_choice',
  'presence_penalty',
  'frequency_penalty',
  'n',
  'prediction',
  'parallel_tool_calls',
  'prompt_mode',
  'safe_prompt',
]);
const EMBED_FIELDS = new Set(['model', 'input', 'output_dimension', 'output_dtype', 'encoding_format', 'metadata']);
const TOOL_ID = /^[A-Za-z0-9]{9}$/;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeReply => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const mistralError = (status: number, message: string, type: string, code: string | null) => json(status, { object: 'error', message, type, param: null, code });
const now = () => Math.floor(Date.now() / 1000);

export async function startMistralFake(options: FakeOptions = {}): Promise<MistralFake> {
  const script: { fault: FakeFault; retryAfterSec?: number }[] = [];
  const upstream = await startFakeUpstream((req) => answer(req, script, options), options.port);
  return {
    ...upstream,
    baseUrl: `${upstream.url}/v1`,
    fail(fault, o = {}) {
      for (let i = 0; i < (o.times ?? 1); i++) script.push({ fault, retryAfterSec: o.retryAfterSec });
    },
  };
}

function answer(req: RecordedRequest, script: { fault: FakeFault; retryAfterSec?: number }[], options: FakeOptions): FakeReply {
  const path = new URL(req.url, 'http://fake').pathname;
  if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/embeddings')) return json(404, { detail: 'Not Found' });
  if (!/^Bearer \S+/.test(req.headers['authorization'] ?? '')) return json(401, { message: 'Unauthorized', request_id: fakeId('', req.body, 32) });
  let body: Json;
  try {
    const parsed: unknown = JSON.parse(req.body);
    if (!isObj(parsed)) throw new Error('not an object');
    body = parsed;
  } catch {
    return json(422, { detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }] });
  }
  const chat = path === '/v1/chat/completions';
  const invalid = validate(body, chat ? CHAT_FIELDS : EMBED_FIELDS) ?? (chat ? toolIdProblem(body) : undefined);
  if (invalid) return invalid;
  const model = String(body['model']);
  const m = /^fail-(\w+)$/.exec(model);
  const byName = m && (FAKE_FAULTS as readonly string[]).includes(m[1]) ? { fault: m[1] as FakeFault, retryAfterSec: undefined } : undefined;
  const scripted = script.shift() ?? byName ?? scenarioFault(model, keyOf(req.headers));
  const stream = chat && body['stream'] === true;
  if (scripted && !(stream && (scripted.fault === 'stream_error' || scripted.fault === 'stream_break'))) return errorReply(scripted.fault, model, scripted.retryAfterSec ?? 1);
  if (!chat) return embeddings(body, model);
  return stream ? streamReply(body, model, options.chunkDelayMs, scripted?.fault) : json(200, chatReply(body, model));
}

/** Pydantic's 422 for fields outside the schema or a missing required one, as Mistral's API returns it. */
function validate(body: Json, allowed: Set<string>): FakeReply | undefined {
  const extra = Object.keys(body).filter((k) => !allowed.has(k));
  const missing = ['model', allowed.has('messages') ? 'messages' : 'input'].filter((k) => body[k] === undefined);
  if (extra.length === 0 && missing.length === 0) return undefined;
  return json(422, {
    detail: [
      ...missing.map((k) => ({ type: 'missing', loc: ['body', k], msg: 'Field required', input: body })),
      ...extra.map((k) => ({ type: 'extra_forbidden', loc: ['body', k], msg: 'Extra inputs are not permitted', input: body[k] })),
    ],
  });
}

function toolIdProblem(body: Json): FakeReply | undefined {
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  for (const m of messages) {
    if (!isObj(m)) continue;
    const ids = [...(Array.isArray(m['tool_calls']) ? m['tool_calls'].map((t) => (isObj(t) ? t['id'] : undefined)) : []), ...(m['tool_call_id'] !== undefined ? [m['tool_call_id']] : [])];
    const bad = ids.find((id) => typeof id !== 'string' || !TOOL_ID.test(id));
    if (bad !== undefined) return mistralError(400, `Tool call id was ${String(bad)} but must be a-z, A-Z, 0-9, with a length of 9.`, 'invalid_request_message_order', '3280');
  }
  return undefined;
}

function errorReply(fault: FakeFault, model: string, retryAfterSec: number): FakeReply {
  switch (fault) {
    case 'auth':
      return json(401, { message: 'Unauthorized', request_id: fakeId('', model, 32) });
    case 'not_found':
      return mistralError(400, `Invalid model: ${model}`, 'invalid_model', '1500');
    case 'rate_limited':
      return json(429, { message: 'Requests rate limit exceeded', request_id: fakeId('', model, 32) }, { 'retry-after': String(retryAfterSec) });
    case 'context_length':
      return mistralError(400, 'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length', 'invalid_request_error', '3051');
    case 'content_filter':
    case 'bad_request':
      return json(422, { detail: [{ type: 'less_than_equal', loc: ['body', 'temperature'], msg: 'Input should be less than or equal to 1.5', input: 3 }] });
    default:
      return mistralError(503, 'Service unavailable.', 'internal_server_error', '1000');
  }
}

function plan(body: Json) {
  const call = toolCallFor(body, (seed) => fakeId('', seed, 9).replace(/[^A-Za-z0-9]/g, 'a'));
  const { text, finish } = call ? { text: '', finish: 'tool_calls' } : limited(answerText(body), body['max_tokens']);
  const prompt = promptWords(Array.isArray(body['messages']) ? body['messages'] : []);
  const completion = Math.max(1, words(call ? call.arguments : text).length);
  return { call, text, finish, id: fakeId('', JSON.stringify(body), 32), usage: { prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion } };
}

const toolCalls = (call: { id: string; name: string; arguments: string }) => [{ id: call.id, function: { name: call.name, arguments: call.arguments }, index: 0 }];

function chatReply(body: Json, model: string): Json {
  const p = plan(body);
  const message = { role: 'assistant', content: p.text, tool_calls: p.call ? toolCalls(p.call) : null, prefix: false };
  return { id: p.id, object: 'chat.completion', model, usage: p.usage, created: now(), choices: [{ index: 0, message, finish_reason: p.finish }] };
}

function streamReply(body: Json, model: string, delayMs: number | undefined, fault: FakeFault | undefined): FakeReply {
  const p = plan(body);
  const head = { id: p.id, object: 'chat.completion.chunk', created: now(), model };
  const chunk = (delta: Json, finish: string | null = null, usage?: Json): Json => ({ ...head, choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) });
  const payloads: (Json | string)[] = [chunk({ role: 'assistant', content: '' })];
  if (p.call) payloads.push(chunk({ tool_calls: toolCalls(p.call) }, p.finish, p.usage));
  else {
    for (const w of words(p.text)) payloads.push(chunk({ content: w }));
    payloads.push(chunk({ content: '' }, p.finish, p.usage));
  }
  let sent: (Json | string)[] = [...payloads, '[DONE]'];
  // Mistral reports a generation that failed midway as a choice finishing with "error".
  if (fault === 'stream_error') sent = [...payloads.slice(0, 3), chunk({ content: '' }, 'error'), '[DONE]'];
  if (fault === 'stream_break') sent = payloads.slice(0, 3);
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: sent.map((x) => ({ data: sseData(x), delayMs })), breakAfter: fault === 'stream_break' };
}

function embeddings(body: Json, model: string): FakeReply {
  const input = body['input'];
  const items = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((i) => typeof i === 'string') ? (input as string[]) : undefined;
  if (!items || items.length === 0) return json(422, { detail: [{ type: 'string_type', loc: ['body', 'input'], msg: 'Input should be a valid string', input }] });
  const dims = typeof body['output_dimension'] === 'number' ? body['output_dimension'] : 8;
  const data = items.map((t, index) => {
    const v = fakeVector(t, dims);
    return { object: 'embedding', embedding: body['encoding_format'] === 'base64' ? base64Vector(v) : v, index };
  });
  const tokens = items.reduce((s, t) => s + Math.max(1, words(t).length), 0);
  return json(200, { id: fakeId('', JSON.stringify(body), 32), object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 } });
}
