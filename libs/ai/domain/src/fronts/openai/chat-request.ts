import { ChatMessage, ChatRequest, ContentPart, ResponseFormat, ToolCall, ToolChoice, ToolDefinition } from '../../canonical';
import { defined, fieldError, FieldReader, isRecord, objectsOf, typeError } from '../json-fields';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;
/** OpenAI's own bound on `n`. */
export const MAX_N = 128;

function contentParts(list: unknown[], path: string): ContentPart[] {
  return objectsOf(list, path).map((p): ContentPart => {
    const type = p.required('type', (r, k) => r.string(k));
    if (type === 'text') return { type: 'text', text: p.required('text', (r, k) => r.string(k)) };
    if (type === 'image_url') {
      const img = p.required('image_url', (r, k) => r.object(k));
      const detail = img.oneOf('detail', ['auto', 'low', 'high'] as const);
      return { type: 'image_url', image_url: defined({ url: img.required('url', (r, k) => r.string(k, { nonEmpty: true })), detail }) };
    }
    return fieldError(p.path('type'), `Content part type '${type}' is not supported by this gateway; use 'text' or 'image_url'.`);
  });
}

function content(m: FieldReader, role: ChatMessage['role']): ChatMessage['content'] {
  const v = m.raw('content');
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return contentParts(v, m.path('content'));
  if (v === undefined || v === null) {
    // Only an assistant turn that called tools may omit its text.
    if (role === 'assistant') return null;
    return fieldError(m.path('content'), `Missing required parameter: '${m.path('content')}'.`);
  }
  return typeError(m.path('content'), 'a string or an array of content parts', v);
}

function toolCalls(list: unknown[], path: string): ToolCall[] {
  return objectsOf(list, path).map((c) => {
    c.oneOf('type', ['function'] as const);
    const fn = c.required('function', (r, k) => r.object(k));
    return {
      id: c.required('id', (r, k) => r.string(k, { nonEmpty: true })),
      type: 'function',
      function: { name: fn.required('name', (r, k) => r.string(k, { nonEmpty: true })), arguments: fn.string('arguments') ?? '' },
    };
  });
}

export function chatMessages(r: FieldReader): ChatMessage[] {
  const list = r.required('messages', (x, k) => x.array(k, { nonEmpty: true }));
  return objectsOf(list, r.path('messages')).map((m) => {
    const role = m.required('role', (x, k) => x.oneOf(k, ROLES));
    const msg: ChatMessage = { role, content: content(m, role) };
    const name = m.string('name');
    if (name !== undefined) msg.name = name;
    if (role === 'assistant') {
      const calls = m.array('tool_calls');
      if (calls?.length) msg.tool_calls = toolCalls(calls, m.path('tool_calls'));
      if (msg.content === null && !msg.tool_calls) fieldError(m.path('content'), `Missing required parameter: '${m.path('content')}' (an assistant message needs content or tool_calls).`);
    }
    if (role === 'tool') msg.tool_call_id = m.required('tool_call_id', (x, k) => x.string(k, { nonEmpty: true }));
    return msg;
  });
}

function tools(r: FieldReader): ToolDefinition[] | undefined {
  const list = r.array('tools');
  if (!list) return undefined;
  return objectsOf(list, r.path('tools')).map((t) => {
    const type = t.required('type', (x, k) => x.string(k));
    if (type !== 'function') fieldError(t.path('type'), `Tool type '${type}' is not supported by this gateway; use 'function'.`);
    const fn = t.required('function', (x, k) => x.object(k));
    return {
      type: 'function',
      function: defined({
        name: fn.required('name', (x, k) => x.string(k, { nonEmpty: true })),
        description: fn.string('description'),
        parameters: fn.record('parameters'),
        strict: fn.boolean('strict'),
      }),
    };
  });
}

function toolChoice(r: FieldReader): ToolChoice | undefined {
  const v = r.raw('tool_choice');
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    if (v === 'none' || v === 'auto' || v === 'required') return v;
    return fieldError(r.path('tool_choice'), `Invalid value for '${r.path('tool_choice')}': '${v}'. Supported values are: 'none', 'auto', 'required' or a function.`);
  }
  if (!isRecord(v)) return typeError(r.path('tool_choice'), 'a string or an object', v);
  const c = r.required('tool_choice', (x, k) => x.object(k));
  c.oneOf('type', ['function'] as const);
  const fn = c.required('function', (x, k) => x.object(k));
  return { type: 'function', function: { name: fn.required('name', (x, k) => x.string(k, { nonEmpty: true })) } };
}

function responseFormat(r: FieldReader): ResponseFormat | undefined {
  const f = r.object('response_format');
  if (!f) return undefined;
  const type = f.required('type', (x, k) => x.oneOf(k, ['text', 'json_object', 'json_schema'] as const));
  if (type !== 'json_schema') return { type };
  const s = f.required('json_schema', (x, k) => x.object(k));
  return {
    type,
    json_schema: defined({ name: s.required('name', (x, k) => x.string(k, { nonEmpty: true })), schema: s.record('schema'), strict: s.boolean('strict'), description: s.string('description') }),
  };
}

/** `stream` and `stream_options`, which OpenAI only accepts together. */
export function streamFields(r: FieldReader): Pick<ChatRequest, 'stream' | 'stream_options'> {
  const stream = r.boolean('stream');
  const opts = r.object('stream_options');
  if (opts && !stream) fieldError(r.path('stream_options'), "'stream_options' is only allowed when 'stream' is true.");
  const includeUsage = opts?.boolean('include_usage');
  return defined({ stream, stream_options: opts ? defined({ include_usage: includeUsage }) : undefined });
}

/** Sampling fields shared by chat and completions, with OpenAI's ranges. */
export function samplingFields(r: FieldReader) {
  const maxTokens = r.integer('max_tokens', { min: 1 });
  // The newer name for the same limit; the canonical form keeps the older one.
  const maxCompletion = r.integer('max_completion_tokens', { min: 1 });
  if (maxTokens !== undefined && maxCompletion !== undefined && maxTokens !== maxCompletion) fieldError(r.path('max_completion_tokens'), "Set only one of 'max_tokens' and 'max_completion_tokens'.");
  return defined({
    temperature: r.number('temperature', { min: 0, max: 2 }),
    top_p: r.number('top_p', { min: 0, max: 1 }),
    max_tokens: maxTokens ?? maxCompletion,
    n: r.integer('n', { min: 1, max: MAX_N }),
    stop: r.stringOrStrings('stop'),
    presence_penalty: r.number('presence_penalty', { min: -2, max: 2 }),
    frequency_penalty: r.number('frequency_penalty', { min: -2, max: 2 }),
    seed: r.integer('seed'),
  });
}

/** Every field of an OpenAI chat body except `model`; what is left unread goes to `extra`. */
export function chatRequestFields(r: FieldReader): ChatRequest {
  const messages = chatMessages(r);
  const logprobs = r.boolean('logprobs');
  const topLogprobs = r.integer('top_logprobs', { min: 0, max: 20 });
  if (topLogprobs !== undefined && !logprobs) fieldError(r.path('top_logprobs'), "'top_logprobs' requires 'logprobs' to be true.");
  const req: ChatRequest = defined({
    messages,
    ...samplingFields(r),
    ...streamFields(r),
    logprobs,
    top_logprobs: topLogprobs,
    tools: tools(r),
    tool_choice: toolChoice(r),
    parallel_tool_calls: r.boolean('parallel_tool_calls'),
    response_format: responseFormat(r),
    user: r.string('user'),
  });
  return withExtra(req, r);
}

export function withExtra<T extends { extra?: Record<string, unknown> }>(req: T, r: FieldReader): T {
  const extra = r.rest();
  if (Object.keys(extra).length) req.extra = extra;
  return req;
}
