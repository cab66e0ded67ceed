import { ChatResponse, EmbeddingsResponse, FinishReason, ToolCall, Usage } from '../../canonical';
import { ProviderTarget, UpstreamReply } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { localId, usageWithCache } from '../support/chunk-builder';
import { arr, JsonObject, num, obj, parseObject, str } from '../support/wire-json';

export function bedrockFinish(stopReason: string | undefined): FinishReason | null {
  switch (stopReason) {
    case undefined:
      return null;
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      // end_turn, stop_sequence
      return 'stop';
  }
}

/** Like Anthropic's, Converse's inputTokens leaves out cache reads and writes; the canonical prompt count includes them. */
export function bedrockUsage(u: JsonObject): Usage {
  return usageWithCache(num(u.inputTokens) ?? 0, num(u.outputTokens) ?? 0, num(u.cacheReadInputTokens), num(u.cacheWriteInputTokens));
}

export function bedrockChatResponse(reply: UpstreamReply, target: ProviderTarget): ChatResponse {
  const body = parseObject(reply.body, 'bedrock');
  const message = obj(obj(body.output).message);
  if (!Array.isArray(message.content)) throw new UpstreamError('protocol', 'bedrock: the reply has no output message');
  let text = '';
  const calls: ToolCall[] = [];
  for (const raw of arr(message.content)) {
    const b = obj(raw);
    if (typeof b.text === 'string') text += b.text;
    const use = obj(b.toolUse);
    if (typeof use.name === 'string') calls.push({ id: str(use.toolUseId) ?? localId('tooluse'), type: 'function', function: { name: use.name, arguments: JSON.stringify(use.input ?? {}) } });
    // reasoningContent and other block kinds have no place in the canonical message
  }
  return {
    // Converse replies carry no id; the request id header is the closest thing
    id: reply.headers['x-amzn-requestid'] ?? localId('bedrock'),
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    choices: [
      { index: 0, message: { role: 'assistant', content: text || (calls.length ? null : ''), ...(calls.length ? { tool_calls: calls } : {}) }, finish_reason: bedrockFinish(str(body.stopReason)) },
    ],
    usage: bedrockUsage(obj(body.usage)),
  };
}

/** Titan: `{embedding, inputTextTokenCount}`; Cohere embed: `{embeddings: [[...]] | {float: [[...]]}}`. */
export function bedrockEmbeddingsResponse(reply: UpstreamReply, target: ProviderTarget): EmbeddingsResponse {
  const body = parseObject(reply.body, 'bedrock');
  const vectors = Array.isArray(body.embedding) ? [body.embedding] : Array.isArray(body.embeddings) ? body.embeddings : obj(body.embeddings).float;
  if (!Array.isArray(vectors)) throw new UpstreamError('protocol', 'bedrock: the reply has no embeddings');
  const data = vectors.map((v, index) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new UpstreamError('protocol', 'bedrock: an embedding is not a list of numbers');
    return { index, embedding: v as number[] };
  });
  const tokens = num(body.inputTextTokenCount);
  return { model: target.model, data, ...(tokens !== undefined ? { usage: { prompt_tokens: tokens, total_tokens: tokens } } : {}) };
}
