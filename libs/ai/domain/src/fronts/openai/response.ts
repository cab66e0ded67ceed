import { ChatChunk, ChatResponse, CompletionChunk, CompletionResponse, EmbeddingsResponse, Usage } from '../../canonical';
import { formatSse } from '../../sse';

/**
 * OpenAI's reply shapes. `model` in every reply is the endpoint name the caller sent (what the
 * OpenAI SDKs and tools compare against); the upstream model is reported in a response header by
 * the call path, not here.
 */
export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export function openAiUsage(u: Usage): OpenAiUsage {
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.total_tokens,
    ...(u.cached_tokens !== undefined ? { prompt_tokens_details: { cached_tokens: u.cached_tokens } } : {}),
  };
}

export function renderOpenAiChat(res: ChatResponse, model: string) {
  return {
    id: res.id,
    object: 'chat.completion' as const,
    created: res.created,
    model,
    choices: res.choices.map((c) => ({
      index: c.index,
      message: { role: 'assistant' as const, content: c.message.content, refusal: c.message.refusal ?? null, ...(c.message.tool_calls?.length ? { tool_calls: c.message.tool_calls } : {}) },
      logprobs: c.logprobs ?? null,
      finish_reason: c.finish_reason,
    })),
    ...(res.usage ? { usage: openAiUsage(res.usage) } : {}),
  };
}

export function renderOpenAiCompletion(res: CompletionResponse, model: string) {
  return {
    id: res.id,
    object: 'text_completion' as const,
    created: res.created,
    model,
    choices: res.choices.map((c) => ({ text: c.text, index: c.index, logprobs: c.logprobs ?? null, finish_reason: c.finish_reason })),
    ...(res.usage ? { usage: openAiUsage(res.usage) } : {}),
  };
}

export function renderOpenAiEmbeddings(res: EmbeddingsResponse, model: string) {
  return {
    object: 'list' as const,
    data: res.data.map((d) => ({ object: 'embedding' as const, index: d.index, embedding: d.embedding })),
    model,
    usage: { prompt_tokens: res.usage?.prompt_tokens ?? 0, total_tokens: res.usage?.total_tokens ?? 0 },
  };
}

/** GET /v1/models/{model}: one endpoint the caller may use, as a model. */
export function renderOpenAiModel(e: { name: string; createdAt: string }) {
  return { id: e.name, object: 'model' as const, created: Math.floor(Date.parse(e.createdAt) / 1000) || 0, owned_by: 'custos' };
}

/** GET /v1/models: the endpoints the caller may use, as models. */
export function renderOpenAiModels(endpoints: readonly { name: string; createdAt: string }[]) {
  return { object: 'list' as const, data: endpoints.map(renderOpenAiModel) };
}

export const OPENAI_DONE = 'data: [DONE]\n\n';

/**
 * Writes a canonical chunk stream as OpenAI's SSE. The gateway asks providers for usage on every
 * stream (for its own records); the caller sees it only when it asked with
 * `stream_options.include_usage`, and then as OpenAI sends it: `usage: null` on every chunk and one
 * last chunk with no choices carrying the usage, before `[DONE]`.
 */
export class OpenAiStreamWriter {
  private usage: Usage | undefined;

  constructor(
    private readonly kind: 'chat' | 'completion',
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {}

  /** SSE text for one canonical chunk; empty when it carried only usage. */
  push(chunk: ChatChunk | CompletionChunk): string {
    if (chunk.usage) this.usage = chunk.usage;
    this.id ??= chunk.id;
    this.created ??= chunk.created;
    if (chunk.choices.length === 0) return '';
    return formatSse(JSON.stringify(this.frame(chunk)));
  }

  /** The usage chunk (when asked for) and `[DONE]`. */
  end(): string {
    const usage = this.includeUsage && this.usage ? formatSse(JSON.stringify({ ...this.head(this.id ?? '', this.created ?? 0), choices: [], usage: openAiUsage(this.usage) })) : '';
    return `${usage}${OPENAI_DONE}`;
  }

  private id: string | undefined;
  private created: number | undefined;

  private head(id: string, created: number) {
    return { id, object: this.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion', created, model: this.model };
  }

  private frame(chunk: ChatChunk | CompletionChunk) {
    const choices =
      this.kind === 'chat'
        ? (chunk as ChatChunk).choices.map((c) => ({ index: c.index, delta: c.delta, logprobs: c.logprobs ?? null, finish_reason: c.finish_reason }))
        : (chunk as CompletionChunk).choices.map((c) => ({ text: c.text, index: c.index, logprobs: c.logprobs ?? null, finish_reason: c.finish_reason }));
    return { ...this.head(chunk.id, chunk.created), choices, ...(this.includeUsage ? { usage: null } : {}) };
  }
}
