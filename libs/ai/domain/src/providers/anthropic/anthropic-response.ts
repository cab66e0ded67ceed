import { ChatResponse, FinishReason, ToolCall, Usage } from '../../canonical';
import { ProviderTarget, UpstreamReply } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { localId, usageWithCache } from '../support/chunk-builder';
import { arr, num, obj, parseObject, str } from '../support/wire-json';

export function anthropicFinish(stopReason: string | undefined | null): FinishReason | null {
  switch (stopReason) {
    case undefined:
    case null:
      return null;
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, pause_turn
      return 'stop';
  }
}

/** input_tokens excludes cache reads and writes; the canonical prompt count includes them. */
export function anthropicUsage(u: Record<string, unknown>): Usage {
  return usageWithCache(num(u.input_tokens) ?? 0, num(u.output_tokens) ?? 0, num(u.cache_read_input_tokens), num(u.cache_creation_input_tokens));
}

export function anthropicChatResponse(reply: UpstreamReply, target: ProviderTarget): ChatResponse {
  const body = parseObject(reply.body, 'anthropic');
  if (body.type !== 'message' || !Array.isArray(body.content)) throw new UpstreamError('protocol', 'anthropic: the reply is not a message');
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const raw of arr(body.content)) {
    const b = obj(raw);
    if (b.type === 'text') text += str(b.text) ?? '';
    else if (b.type === 'tool_use') toolCalls.push({ id: str(b.id) ?? localId('toolu'), type: 'function', function: { name: str(b.name) ?? '', arguments: JSON.stringify(b.input ?? {}) } });
    // thinking and other block kinds have no place in the canonical message
  }
  return {
    id: str(body.id) ?? localId('msg'),
    created: Math.floor(Date.now() / 1000),
    model: str(body.model) ?? target.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text || (toolCalls.length ? null : ''), ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: anthropicFinish(str(body.stop_reason)),
      },
    ],
    usage: anthropicUsage(obj(body.usage)),
  };
}
