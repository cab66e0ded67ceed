import { ChatChunk, FinishReason, Usage } from '../../canonical';

/**
 * Builds the canonical chunks of one streamed chat reply (one choice). Providers announce the
 * message id and model at different moments, so both can be set as they arrive.
 */
export class ChunkBuilder {
  id: string;
  model: string;
  readonly created = Math.floor(Date.now() / 1000);

  constructor(id: string, model: string) {
    this.id = id;
    this.model = model;
  }

  // `choice` is the choice index, for providers that stream several candidates (Gemini).
  role(choice = 0): ChatChunk {
    return this.chunk({ role: 'assistant', content: '' }, choice);
  }

  text(text: string, choice = 0): ChatChunk {
    return this.chunk({ content: text }, choice);
  }

  toolStart(index: number, id: string, name: string, args = '', choice = 0): ChatChunk {
    return this.chunk({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: args } }] }, choice);
  }

  toolArgs(index: number, args: string, choice = 0): ChatChunk {
    return this.chunk({ tool_calls: [{ index, function: { arguments: args } }] }, choice);
  }

  finish(reason: FinishReason, choice = 0): ChatChunk {
    return { id: this.id, created: this.created, model: this.model, choices: [{ index: choice, delta: {}, finish_reason: reason }] };
  }

  /** The closing chunk with the call's token counts, as OpenAI sends it for `include_usage`. */
  usage(usage: Usage): ChatChunk {
    return { id: this.id, created: this.created, model: this.model, choices: [], usage };
  }

  private chunk(delta: ChatChunk['choices'][number]['delta'], choice: number): ChatChunk {
    return { id: this.id, created: this.created, model: this.model, choices: [{ index: choice, delta, finish_reason: null }] };
  }
}

/** A prompt-token count that includes cache reads and writes, as OpenAI's does. */
export function usageWithCache(input: number, output: number, cacheRead?: number, cacheWrite?: number): Usage {
  const prompt = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    ...(cacheRead !== undefined ? { cached_tokens: cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cache_write_tokens: cacheWrite } : {}),
  };
}

let counter = 0;
/** An id for replies whose provider gives none (Bedrock, some Gemini versions). */
export function localId(prefix: string): string {
  counter = (counter + 1) % 1_000_000;
  return `${prefix}-${Date.now().toString(36)}${counter.toString(36)}`;
}
