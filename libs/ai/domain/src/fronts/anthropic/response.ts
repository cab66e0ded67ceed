import { ChatResponse, FinishReason, Usage } from '../../canonical';

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export type AnthropicContentBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

export function anthropicStopReason(f: FinishReason | null): AnthropicStopReason | null {
  switch (f) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    case null:
      return null;
  }
}

/**
 * Canonical usage follows OpenAI, where prompt tokens include those read from or written to the
 * cache; Anthropic counts those apart from `input_tokens`, so they are taken back out here.
 */
export function anthropicUsage(u: Usage | undefined): AnthropicUsage {
  if (!u) return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: null, cache_read_input_tokens: null };
  const read = u.cached_tokens ?? 0;
  const write = u.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, u.prompt_tokens - read - write),
    output_tokens: u.completion_tokens,
    cache_creation_input_tokens: u.cache_write_tokens ?? null,
    cache_read_input_tokens: u.cached_tokens ?? null,
  };
}

/** Anthropic message ids start `msg_`; a canonical id from another provider is kept inside one. */
export function anthropicMessageId(id: string): string {
  if (id.startsWith('msg_')) return id;
  const tail = id.replace(/[^A-Za-z0-9]/g, '');
  return `msg_${tail || '0'}`;
}

/**
 * Tool arguments arrive as JSON text; Anthropic gives `input` as an object. Text that is not a JSON
 * object (a model's malformed arguments) is kept under `_raw` rather than lost.
 */
export function toolInput(args: string): Record<string, unknown> {
  if (!args.trim()) return {};
  try {
    const v: unknown = JSON.parse(args);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  return { _raw: args };
}

/** A canonical chat response as an Anthropic message; `model` is the endpoint name the caller sent. */
export function renderAnthropicMessage(res: ChatResponse, model: string): AnthropicMessage {
  const choice = res.choices[0];
  const content: AnthropicContentBlock[] = [];
  // A model's refusal (OpenAI's `refusal` field) has no block of its own in Anthropic's form: it is the answer's text.
  const text = choice?.message.content || choice?.message.refusal;
  if (text) content.push({ type: 'text', text });
  for (const c of choice?.message.tool_calls ?? []) content.push({ type: 'tool_use', id: c.id, name: c.function.name, input: toolInput(c.function.arguments) });
  return {
    id: anthropicMessageId(res.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: anthropicStopReason(choice?.finish_reason ?? 'stop') ?? 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(res.usage),
  };
}
