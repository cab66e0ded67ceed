import { ChatChoice, ChatChunk, ChatChunkChoice, ChatRequest, ChatResponse, ToolCall, ToolCallDelta } from '../../canonical';
import { isErrorBody, replyErrorFrom } from '../shared/error-body';
import { defined, isObject, num, parseWireObject, protocolError, str, WireObject, extraFields } from '../shared/wire-json';
import { finishReasonFrom, usageFrom } from './openai-usage';

export interface ChatBodyOptions {
  /** the model field of the body; omitted when the URL names it (Azure deployments) */
  model?: string;
  /** ask for the final usage chunk on streams */
  streamUsage: boolean;
  /** newer OpenAI reasoning models take `max_completion_tokens` and refuse `max_tokens` */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** send `developer` turns as `system` (servers that predate the developer role refuse it) */
  developerAsSystem?: boolean;
}

/** The canonical chat request as an OpenAI-dialect body. `extra` goes first so named fields and `model` win. */
export function chatBody(req: ChatRequest, o: ChatBodyOptions): WireObject {
  const streamOptions = req.stream && o.streamUsage ? { ...req.stream_options, include_usage: true } : req.stream ? req.stream_options : undefined;
  return defined({
    ...extraFields(req.extra),
    model: o.model,
    messages: o.developerAsSystem ? req.messages.map((m) => (m.role === 'developer' ? { ...m, role: 'system' as const } : m)) : req.messages,
    temperature: req.temperature,
    top_p: req.top_p,
    [o.maxTokensField ?? 'max_tokens']: req.max_tokens,
    n: req.n,
    stop: req.stop,
    presence_penalty: req.presence_penalty,
    frequency_penalty: req.frequency_penalty,
    seed: req.seed,
    logprobs: req.logprobs,
    top_logprobs: req.top_logprobs,
    tools: req.tools,
    tool_choice: req.tool_choice,
    parallel_tool_calls: req.parallel_tool_calls,
    response_format: req.response_format,
    user: req.user,
    stream: req.stream,
    stream_options: streamOptions,
  });
}

const WHAT = 'chat completion';

export function chatResponseFrom(text: string, fallbackModel: string): ChatResponse {
  const body = parseWireObject(text, WHAT);
  if (isErrorBody(body)) throw replyErrorFrom(body, WHAT);
  const choices = body['choices'];
  if (!Array.isArray(choices)) throw protocolError(WHAT, 'no choices');
  return defined({
    id: str(body['id']) ?? '',
    created: num(body['created']) ?? 0,
    model: str(body['model']) || fallbackModel,
    choices: choices.map((c, i) => chatChoiceFrom(c, i)),
    usage: usageFrom(body['usage']),
  });
}

function chatChoiceFrom(c: unknown, i: number): ChatChoice {
  if (!isObject(c) || !isObject(c['message'])) throw protocolError(WHAT, 'a choice without a message');
  const m = c['message'];
  const toolCalls = Array.isArray(m['tool_calls']) ? m['tool_calls'].map(toolCallFrom) : undefined;
  const message: ChatChoice['message'] = defined({
    role: 'assistant' as const,
    content: contentText(m['content']),
    tool_calls: toolCalls && toolCalls.length > 0 ? toolCalls : undefined,
    refusal: str(m['refusal']),
  });
  return defined({ index: num(c['index']) ?? i, message, finish_reason: finishReasonFrom(c['finish_reason']), logprobs: c['logprobs'] ?? undefined });
}

/** Content is a string, null, or (Mistral's reasoning models) a list of typed parts of which the text ones count. */
export function contentText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((p) => (isObject(p) && p['type'] === 'text' && typeof p['text'] === 'string' ? p['text'] : '')).join('');
  return null;
}

/** Arguments are JSON text in OpenAI's dialect; some servers send the object itself. */
export function argumentsText(v: unknown): string {
  if (typeof v === 'string') return v;
  return v === undefined || v === null ? '' : JSON.stringify(v);
}

function toolCallFrom(t: unknown): ToolCall {
  if (!isObject(t) || !isObject(t['function'])) throw protocolError(WHAT, 'a tool call without a function');
  return { id: str(t['id']) ?? '', type: 'function', function: { name: str(t['function']['name']) ?? '', arguments: argumentsText(t['function']['arguments']) } };
}

/** One streamed chunk, or undefined for chunks that carry nothing canonical (Azure's prompt-filter preamble). */
export function chatChunkFrom(body: WireObject, fallbackModel: string): ChatChunk | undefined {
  const choices = Array.isArray(body['choices']) ? body['choices'] : [];
  const usage = usageFrom(body['usage']) ?? groqUsage(body);
  if (choices.length === 0 && !usage) return undefined;
  return defined({
    id: str(body['id']) ?? '',
    created: num(body['created']) ?? 0,
    model: str(body['model']) || fallbackModel,
    choices: choices.map((c, i) => chunkChoiceFrom(c, i)),
    usage,
  });
}

/** Groq reports stream usage in its own `x_groq` extension rather than a usage chunk. */
function groqUsage(body: WireObject) {
  const x = body['x_groq'];
  return isObject(x) ? usageFrom(x['usage']) : undefined;
}

function chunkChoiceFrom(c: unknown, i: number): ChatChunkChoice {
  if (!isObject(c)) throw protocolError(WHAT, 'a malformed chunk choice');
  const d = isObject(c['delta']) ? c['delta'] : {};
  const toolCalls = Array.isArray(d['tool_calls']) ? d['tool_calls'].map(toolCallDeltaFrom) : undefined;
  const content = d['content'] === undefined || d['content'] === null ? undefined : (contentText(d['content']) ?? undefined);
  const delta: ChatChunkChoice['delta'] = defined({
    role: d['role'] === 'assistant' ? ('assistant' as const) : undefined,
    content,
    tool_calls: toolCalls,
    refusal: str(d['refusal']),
  });
  return defined({ index: num(c['index']) ?? i, delta, finish_reason: finishReasonFrom(c['finish_reason']), logprobs: c['logprobs'] ?? undefined });
}

function toolCallDeltaFrom(t: unknown, i: number): ToolCallDelta {
  if (!isObject(t)) throw protocolError(WHAT, 'a malformed tool call delta');
  const f = isObject(t['function']) ? t['function'] : undefined;
  return defined({
    index: num(t['index']) ?? i,
    id: str(t['id']),
    type: t['id'] !== undefined || t['type'] === 'function' ? ('function' as const) : undefined,
    function: f ? defined({ name: str(f['name']), arguments: f['arguments'] === undefined ? undefined : argumentsText(f['arguments']) }) : undefined,
  });
}
