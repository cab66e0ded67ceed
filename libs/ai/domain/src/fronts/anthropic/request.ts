import { ChatMessage, ChatRequest, ContentPart, ToolCall, ToolChoice, ToolDefinition } from '../../canonical';
import { FrontResult } from '../front-failure';
import { defined, fieldError, FieldReader, objectsOf, parseBody, typeError } from '../json-fields';

/** A parsed Messages call: the endpoint named as `model`, and the canonical chat request. */
export interface AnthropicCall {
  endpoint: string;
  request: ChatRequest;
}

/** Blocks a past assistant turn may carry that have no canonical form and no effect on the answer's shape. */
const HISTORY_ONLY_BLOCKS = new Set(['thinking', 'redacted_thinking']);

function image(b: FieldReader): ContentPart {
  const src = b.required('source', (r, k) => r.object(k));
  const type = src.required('type', (r, k) => r.oneOf(k, ['base64', 'url'] as const));
  if (type === 'url') return { type: 'image_url', image_url: { url: src.required('url', (r, k) => r.string(k, { nonEmpty: true })) } };
  const mediaType = src.required('media_type', (r, k) => r.string(k, { nonEmpty: true }));
  const data = src.required('data', (r, k) => r.string(k, { nonEmpty: true }));
  return { type: 'image_url', image_url: { url: `data:${mediaType};base64,${data}` } };
}

/** tool_result content: a string, or text and image blocks (images cannot ride in a tool turn, so only text is kept). */
function toolResultText(b: FieldReader): string {
  const v = b.raw('content');
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return typeError(b.path('content'), 'a string or an array of content blocks', v);
  return objectsOf(v, b.path('content'))
    .map((p) => {
      const type = p.required('type', (r, k) => r.string(k));
      if (type === 'text') return p.required('text', (r, k) => r.string(k));
      if (type === 'image') return fieldError(p.path('type'), 'Images inside a tool_result are not supported by this gateway.');
      return fieldError(p.path('type'), `Content block type '${type}' is not supported inside a tool_result.`);
    })
    .join('\n');
}

/**
 * One Anthropic turn becomes one or more canonical messages: a user turn's tool_result blocks become
 * `tool` messages (first, as both APIs require them right after the calls), its other blocks one
 * user message; an assistant turn's tool_use blocks become its tool_calls.
 */
function turn(m: FieldReader): ChatMessage[] {
  const role = m.required('role', (r, k) => r.oneOf(k, ['user', 'assistant'] as const));
  const raw = m.raw('content');
  if (typeof raw === 'string') return [{ role, content: raw }];
  if (!Array.isArray(raw))
    return raw === undefined || raw === null
      ? fieldError(m.path('content'), `Missing required parameter: '${m.path('content')}'.`)
      : typeError(m.path('content'), 'a string or an array of content blocks', raw);
  if (raw.length === 0) fieldError(m.path('content'), `'${m.path('content')}' must not be empty.`);
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  const results: ChatMessage[] = [];
  for (const b of objectsOf(raw, m.path('content'))) {
    const type = b.required('type', (r, k) => r.string(k));
    if (type === 'text') parts.push({ type: 'text', text: b.required('text', (r, k) => r.string(k)) });
    else if (type === 'image') parts.push(image(b));
    else if (type === 'tool_use' && role === 'assistant') {
      const input = b.required('input', (r, k) => r.record(k));
      calls.push({
        id: b.required('id', (r, k) => r.string(k, { nonEmpty: true })),
        type: 'function',
        function: { name: b.required('name', (r, k) => r.string(k, { nonEmpty: true })), arguments: JSON.stringify(input) },
      });
    } else if (type === 'tool_result' && role === 'user') {
      const text = toolResultText(b);
      // The canonical tool turn has no error flag; say it in the text so the model still knows.
      results.push({ role: 'tool', tool_call_id: b.required('tool_use_id', (r, k) => r.string(k, { nonEmpty: true })), content: b.boolean('is_error') ? `Error: ${text}` : text });
    } else if (HISTORY_ONLY_BLOCKS.has(type) && role === 'assistant') continue;
    else fieldError(b.path('type'), `Content block type '${type}' is not supported in a${role === 'user' ? '' : 'n'} ${role} message by this gateway.`);
  }
  if (role === 'assistant') {
    const text = parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('') : undefined;
    if (text === undefined) fieldError(m.path('content'), 'An assistant message may hold only text and tool_use blocks.');
    return [{ role, content: calls.length && text === '' ? null : text, ...(calls.length ? { tool_calls: calls } : {}) }];
  }
  return parts.length ? [...results, { role, content: parts }] : results;
}

function system(r: FieldReader): ChatMessage[] {
  const v = r.raw('system');
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v ? [{ role: 'system', content: v }] : [];
  if (!Array.isArray(v)) return typeError(r.path('system'), 'a string or an array of text blocks', v);
  const text = objectsOf(v, r.path('system')).map((b) => {
    b.oneOf('type', ['text'] as const);
    return b.required('text', (x, k) => x.string(k));
  });
  return text.length ? [{ role: 'system', content: text.join('\n\n') }] : [];
}

function tools(r: FieldReader): ToolDefinition[] | undefined {
  const list = r.array('tools');
  if (!list) return undefined;
  return objectsOf(list, r.path('tools')).map((t) => {
    const type = t.string('type');
    // Client tools only: Anthropic's server tools (web search, code execution, ...) run at Anthropic.
    if (type !== undefined && type !== 'custom') fieldError(t.path('type'), `Tool type '${type}' is not supported by this gateway; only client tools with an input_schema are.`);
    return {
      type: 'function',
      function: defined({ name: t.required('name', (x, k) => x.string(k, { nonEmpty: true })), description: t.string('description'), parameters: t.required('input_schema', (x, k) => x.record(k)) }),
    };
  });
}

function toolChoice(r: FieldReader): { tool_choice?: ToolChoice; parallel_tool_calls?: boolean } {
  const c = r.object('tool_choice');
  if (!c) return {};
  const type = c.required('type', (x, k) => x.oneOf(k, ['auto', 'any', 'tool', 'none'] as const));
  const noParallel = c.boolean('disable_parallel_tool_use');
  const choice: ToolChoice =
    type === 'auto' ? 'auto' : type === 'any' ? 'required' : type === 'none' ? 'none' : { type: 'function', function: { name: c.required('name', (x, k) => x.string(k, { nonEmpty: true })) } };
  return defined({ tool_choice: choice, parallel_tool_calls: noParallel === undefined ? undefined : !noParallel });
}

/** POST /v1/messages */
export function parseAnthropicMessages(body: unknown): FrontResult<AnthropicCall> {
  return parseBody(body, (r) => {
    const endpoint = r.required('model', (x, k) => x.string(k, { nonEmpty: true }));
    const maxTokens = r.required('max_tokens', (x, k) => x.integer(k, { min: 1 }));
    const list = r.required('messages', (x, k) => x.array(k, { nonEmpty: true }));
    const messages = [...system(r), ...objectsOf(list, r.path('messages')).flatMap(turn)];
    // The Messages API answers with one message; several choices have nowhere to go.
    const n = r.raw('n');
    if (n !== undefined && n !== null && n !== 1) fieldError(r.path('n'), "'n' is not supported by the Messages API: it answers with one message.");
    const metadata = r.object('metadata');
    const stopSequences = r.array('stop_sequences');
    if (stopSequences?.some((s) => typeof s !== 'string')) typeError(r.path('stop_sequences'), 'an array of strings', stopSequences);
    const topK = r.integer('top_k', { min: 0 });
    const stream = r.boolean('stream');
    const request: ChatRequest = defined({
      messages,
      max_tokens: maxTokens,
      temperature: r.number('temperature', { min: 0, max: 1 }),
      top_p: r.number('top_p', { min: 0, max: 1 }),
      stop: stopSequences as string[] | undefined,
      stream,
      // A Messages stream always ends with its usage, so the gateway needs the provider's counts.
      stream_options: stream ? { include_usage: true } : undefined,
      tools: tools(r),
      ...toolChoice(r),
      user: metadata?.string('user_id'),
    });
    // top_k has no canonical field: it travels in `extra`, subject to the endpoint's policy like any other.
    const extra = { ...r.rest(), ...(topK !== undefined ? { top_k: topK } : {}) };
    if (Object.keys(extra).length) request.extra = extra;
    return { endpoint, request };
  });
}
