import { ChatChunk, ChatResponse, CompletionChunk, CompletionResponse, EmbeddingsResponse } from '../../canonical';
import { formatSse } from '../../sse';
import { openAiUsage } from '../openai/response';

/**
 * MLflow's gateway answers in OpenAI's shapes (mlflow/gateway/schemas: chat, completions,
 * embeddings) with the model the provider reports, so `model` here is the upstream model, as
 * `get_endpoint()` also shows it.
 */
export function renderMlflowChat(res: ChatResponse) {
  return {
    id: res.id,
    object: 'chat.completion' as const,
    created: res.created,
    model: res.model,
    choices: res.choices.map((c) => ({
      index: c.index,
      message: {
        role: 'assistant' as const,
        content: c.message.content,
        ...(c.message.tool_calls?.length ? { tool_calls: c.message.tool_calls } : {}),
        ...(c.message.refusal ? { refusal: c.message.refusal } : {}),
      },
      finish_reason: c.finish_reason,
    })),
    usage: res.usage ? openAiUsage(res.usage) : { prompt_tokens: null, completion_tokens: null, total_tokens: null },
  };
}

export function renderMlflowCompletion(res: CompletionResponse) {
  return {
    id: res.id,
    object: 'text_completion' as const,
    created: res.created,
    model: res.model,
    choices: res.choices.map((c) => ({ index: c.index, text: c.text, finish_reason: c.finish_reason })),
    usage: res.usage ? openAiUsage(res.usage) : { prompt_tokens: null, completion_tokens: null, total_tokens: null },
  };
}

export function renderMlflowEmbeddings(res: EmbeddingsResponse) {
  return {
    object: 'list' as const,
    data: res.data.map((d) => ({ object: 'embedding' as const, embedding: d.embedding, index: d.index })),
    model: res.model,
    usage: { prompt_tokens: res.usage?.prompt_tokens ?? null, total_tokens: res.usage?.total_tokens ?? null },
  };
}

/** One streamed chat chunk as MLflow's gateway writes it: a bare `data:` event, no `[DONE]` at the end. */
export function mlflowChatChunkSse(chunk: ChatChunk): string {
  return formatSse(
    JSON.stringify({
      id: chunk.id,
      object: 'chat.completion.chunk',
      created: chunk.created,
      model: chunk.model,
      choices: chunk.choices.map((c) => ({ index: c.index, finish_reason: c.finish_reason, delta: c.delta })),
      ...(chunk.usage ? { usage: openAiUsage(chunk.usage) } : {}),
    }),
  );
}

/**
 * MLflow's completions chunk: object `text_completion_chunk`, and unlike OpenAI each choice carries
 * its text piece as a chat-style `delta` (mlflow/gateway/schemas/completions.py StreamChoice).
 */
export function mlflowCompletionChunkSse(chunk: CompletionChunk): string {
  return formatSse(
    JSON.stringify({
      id: chunk.id,
      object: 'text_completion_chunk',
      created: chunk.created,
      model: chunk.model,
      choices: chunk.choices.map((c) => ({ index: c.index, finish_reason: c.finish_reason, delta: { role: null, content: c.text || null } })),
      ...(chunk.usage ? { usage: openAiUsage(chunk.usage) } : {}),
    }),
  );
}
