import { ChatChoice, ChatResponse, EmbeddingsRequest, EmbeddingsResponse, FinishReason, ToolCall, Usage } from '../../canonical';
import { ProviderTarget, UpstreamReply } from '../../provider-adapter';
import { UpstreamError } from '../../upstream-error';
import { localId } from '../support/chunk-builder';
import { encodeEmbedding } from '../support/embedding-input';
import { arr, JsonObject, num, obj, parseObject, str } from '../support/wire-json';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/** Gemini says STOP after a function call too; a candidate that called tools finished for tool_calls. */
export function geminiFinish(reason: string | undefined, calledTools: boolean): FinishReason | null {
  if (!reason) return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}

/**
 * promptTokenCount already includes cachedContentTokenCount; thinking tokens are billed as output,
 * so they count as completion tokens.
 */
export function geminiUsage(u: JsonObject): Usage {
  const prompt = num(u.promptTokenCount) ?? 0;
  const completion = (num(u.candidatesTokenCount) ?? 0) + (num(u.thoughtsTokenCount) ?? 0);
  const cached = num(u.cachedContentTokenCount);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: num(u.totalTokenCount) ?? prompt + completion, ...(cached !== undefined ? { cached_tokens: cached } : {}) };
}

/** A reply whose prompt was blocked has no candidates, only promptFeedback.blockReason. */
export function promptBlocked(body: JsonObject): UpstreamError | undefined {
  const reason = str(obj(body.promptFeedback).blockReason);
  return reason && arr(body.candidates).length === 0 ? new UpstreamError('content_filter', `gemini: the prompt was blocked (${reason})`) : undefined;
}

/** The parts of one candidate: text joined, function calls with ids Gemini may or may not give. */
export function candidateParts(candidate: JsonObject, nextCallId: () => string): { text: string; calls: ToolCall[] } {
  let text = '';
  const calls: ToolCall[] = [];
  for (const raw of arr(obj(candidate.content).parts)) {
    const p = obj(raw);
    if (p.thought === true) continue; // thought summaries are not the answer
    if (typeof p.text === 'string') text += p.text;
    const call = obj(p.functionCall);
    if (typeof call.name === 'string') calls.push({ id: str(call.id) ?? nextCallId(), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } });
  }
  return { text, calls };
}

export function callIds(responseId: string): () => string {
  let n = 0;
  return () => `call_${responseId.slice(-12)}_${n++}`;
}

export function geminiChatResponse(reply: UpstreamReply, target: ProviderTarget): ChatResponse {
  const body = parseObject(reply.body, 'gemini');
  const blocked = promptBlocked(body);
  if (blocked) throw blocked;
  if (!Array.isArray(body.candidates)) throw new UpstreamError('protocol', 'gemini: the reply has no candidates');
  const id = str(body.responseId) ?? localId('gemini');
  const nextId = callIds(id);
  const choices: ChatChoice[] = arr(body.candidates).map((raw, i) => {
    const c = obj(raw);
    const { text, calls } = candidateParts(c, nextId);
    return {
      index: num(c.index) ?? i,
      message: { role: 'assistant', content: text || (calls.length ? null : ''), ...(calls.length ? { tool_calls: calls } : {}) },
      finish_reason: geminiFinish(str(c.finishReason), calls.length > 0),
    };
  });
  return { id, created: Math.floor(Date.now() / 1000), model: str(body.modelVersion) ?? target.model, choices, usage: geminiUsage(obj(body.usageMetadata)) };
}

/** batchEmbedContents answers `{embeddings:[{values}]}`, embedContent `{embedding:{values}}`. */
export function geminiEmbeddingsResponse(reply: UpstreamReply, target: ProviderTarget, format: EmbeddingsRequest['encoding_format']): EmbeddingsResponse {
  const body = parseObject(reply.body, 'gemini');
  const list = Array.isArray(body.embeddings) ? arr(body.embeddings) : body.embedding ? [body.embedding] : undefined;
  if (!list) throw new UpstreamError('protocol', 'gemini: the reply has no embeddings');
  const data = list.map((raw, index) => {
    const values = arr(obj(raw).values);
    if (!values.every((v) => typeof v === 'number')) throw new UpstreamError('protocol', 'gemini: an embedding is not a list of numbers');
    return { index, embedding: encodeEmbedding(values as number[], format) };
  });
  return { model: target.model, data };
}
