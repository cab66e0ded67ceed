import { ChatResponse, EmbeddingsResponse, FinishReason, ToolCall, Usage } from '../../canonical';
import { ProviderTarget, UpstreamReply } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { localId } from '../support/chunk-builder';
import { arr, JsonObject, num, obj, parseObject, str } from '../support/wire-json';

/** finish_reason of chat v2; ERROR and TIMEOUT are failures, reported by the caller of this. */
export function cohereFinish(reason: string | undefined): FinishReason | null {
  switch (reason) {
    case undefined:
      return null;
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    case 'ERROR_TOXIC':
      return 'content_filter';
    default:
      // COMPLETE, STOP_SEQUENCE
      return 'stop';
  }
}

/** A finish reason that means the generation failed rather than ended. */
export function cohereFailure(reason: string | undefined, message: string | undefined): UpstreamError | undefined {
  if (reason === 'ERROR') return new UpstreamError('server', `cohere: ${message ?? 'the generation failed'}`);
  if (reason === 'TIMEOUT') return new UpstreamError('timeout', `cohere: ${message ?? 'the generation timed out'}`);
  return undefined;
}

/** `tokens` are what the model saw; `billed_units` what was charged (no system prompt tokens). */
export function cohereUsage(u: JsonObject): Usage {
  const counted = u.tokens !== undefined ? obj(u.tokens) : obj(u.billed_units);
  const prompt = num(counted.input_tokens) ?? 0;
  const completion = num(counted.output_tokens) ?? 0;
  const cached = num(u.cached_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...(cached !== undefined ? { cached_tokens: cached } : {}) };
}

export function cohereToolCall(raw: unknown): ToolCall {
  const c = obj(raw);
  const f = obj(c.function);
  return { id: str(c.id) ?? localId('call'), type: 'function', function: { name: str(f.name) ?? '', arguments: str(f.arguments) ?? '{}' } };
}

export function cohereChatResponse(reply: UpstreamReply, target: ProviderTarget): ChatResponse {
  const body = parseObject(reply.body, 'cohere');
  const message = obj(body.message);
  if (body.message === undefined || typeof body.finish_reason !== 'string') throw new UpstreamError('protocol', 'cohere: the reply is not a chat response');
  const failure = cohereFailure(body.finish_reason, undefined);
  if (failure) throw failure;
  const text = arr(message.content)
    .map((c) => obj(c))
    .filter((c) => c.type === 'text')
    .map((c) => str(c.text) ?? '')
    .join('');
  const calls = arr(message.tool_calls).map(cohereToolCall);
  const content = text || str(message.tool_plan) || (calls.length ? null : '');
  return {
    id: str(body.id) ?? localId('cohere'),
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    choices: [{ index: 0, message: { role: 'assistant', content, ...(calls.length ? { tool_calls: calls } : {}) }, finish_reason: cohereFinish(body.finish_reason) }],
    usage: cohereUsage(obj(body.usage)),
  };
}

/** `{embeddings:{float:[[...]]}, meta:{billed_units:{input_tokens}}}` */
export function cohereEmbeddingsResponse(reply: UpstreamReply, target: ProviderTarget): EmbeddingsResponse {
  const body = parseObject(reply.body, 'cohere');
  const floats = obj(body.embeddings).float ?? body.embeddings; // embeddings_floats replies carry the list directly
  if (!Array.isArray(floats)) throw new UpstreamError('protocol', 'cohere: the reply has no float embeddings');
  const data = floats.map((v, index) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new UpstreamError('protocol', 'cohere: an embedding is not a list of numbers');
    return { index, embedding: v as number[] };
  });
  const tokens = num(obj(obj(body.meta).billed_units).input_tokens);
  return { model: target.model, data, ...(tokens !== undefined ? { usage: { prompt_tokens: tokens, total_tokens: tokens } } : {}) };
}
