import { parseAnthropicMessages } from './anthropic/request';
import { FrontResult } from './front-failure';
import { parseMlflowGatewayChat, parseMlflowGatewayInvocation, parseMlflowInvocation } from './mlflow/request';
import { parseOpenAiChat, parseOpenAiCompletion, parseOpenAiEmbeddings } from './openai/request';

/** A small seeded generator, so a failing case can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ODD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', 'x', '__proto__', [], [null], [1, 'a'], {}, { type: 'text' }, { __proto__: 'x' }, JSON.parse('{"__proto__": {"polluted": 1}}')];

/** Replaces one value somewhere inside `v` (or adds a key) with an odd one. */
function mutate(v: unknown, next: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  if (Array.isArray(v)) {
    const list = v as unknown[];
    if (list.length === 0 || next() < 0.2) return [...list, pick(ODD_VALUES)];
    const i = Math.floor(next() * list.length);
    return list.map((x, j) => (j === i ? mutate(x, next) : x));
  }
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v);
    if (keys.length === 0 || next() < 0.15) return { ...v, [pick(['toString', 'constructor', 'n', 'stream', 'parameters', 'extra_field'])]: pick(ODD_VALUES) };
    const k = pick(keys);
    const child = (v as Record<string, unknown>)[k];
    return { ...v, [k]: next() < 0.4 ? pick(ODD_VALUES) : mutate(child, next) };
  }
  return pick(ODD_VALUES);
}

const chatBody = {
  model: 'm',
  messages: [
    { role: 'system', content: 's' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'a' },
        { type: 'image_url', image_url: { url: 'https://x/y.png' } },
      ],
    },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'c', content: 'r' },
  ],
  tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
  tool_choice: 'auto',
  response_format: { type: 'json_schema', json_schema: { name: 'n', schema: {} } },
  stream: true,
  stream_options: { include_usage: true },
  temperature: 1,
  stop: ['x'],
};
const anthropicBody = {
  model: 'm',
  max_tokens: 10,
  system: [{ type: 'text', text: 's' }],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'q' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 't' },
        { type: 'tool_use', id: 'u', name: 'f', input: { a: 1 } },
      ],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'u', content: [{ type: 'text', text: 'r' }] }] },
  ],
  tools: [{ name: 'f', input_schema: { type: 'object' } }],
  tool_choice: { type: 'tool', name: 'f' },
  metadata: { user_id: 'x' },
  top_k: 3,
};

const cases: [string, unknown, (b: unknown) => FrontResult<unknown>][] = [
  ['OpenAI chat', chatBody, parseOpenAiChat],
  ['OpenAI completions', { model: 'm', prompt: ['a'], logprobs: 1, echo: true }, parseOpenAiCompletion],
  ['OpenAI embeddings', { model: 'm', input: [[1, 2]], dimensions: 3 }, parseOpenAiEmbeddings],
  ['Anthropic messages', anthropicBody, parseAnthropicMessages],
  ['MLflow chat invocation', { ...chatBody, model: undefined, parameters: { max_tokens: 5 } }, (b) => parseMlflowInvocation('llm/v1/chat', b)],
  ['MLflow completions invocation', { prompt: 'p', parameters: { temperature: 0 } }, (b) => parseMlflowInvocation('llm/v1/completions', b)],
  ['MLflow 3 invocation', { input: ['a'] }, parseMlflowGatewayInvocation],
  ['MLflow 3 chat', chatBody, parseMlflowGatewayChat],
];

describe('every parser is total: any JSON body is a value or a 400, never a throw', () => {
  it.each(cases)('%s', (_name, valid, parse) => {
    expect(parse(valid).ok).toBe(true);
    const next = rng(18);
    for (let i = 0; i < 600; i++) {
      let body = valid;
      for (let m = 1 + Math.floor(next() * 3); m > 0; m--) body = mutate(body, next);
      let r: FrontResult<unknown>;
      try {
        r = parse(body);
      } catch (e) {
        throw new Error(`threw on ${JSON.stringify(body)}: ${String(e)}`);
      }
      if (!r.ok && (r.failure.source !== 'gateway' || r.failure.kind !== 'invalid_request')) throw new Error(`not a 400 on ${JSON.stringify(body)}`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
