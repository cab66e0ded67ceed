import { ChatChunk } from '../../canonical';
import { ProviderTarget, StreamDecoder } from '../../provider-adapter';
import { SseEvent, SseParser } from '../../sse';
import { ChunkBuilder } from './chunk-builder';
import { FailureAfterChunks } from './failure-after-chunks';

/**
 * A chat stream carried as SSE (Anthropic, Cohere, Gemini): events parsed as bytes arrive, chunks
 * before an error kept (FailureAfterChunks), and the provider's own rule for a complete stream
 * applied at the end.
 */
export abstract class SseChatDecoder implements StreamDecoder<ChatChunk> {
  private readonly sse = new SseParser();
  private readonly failure = new FailureAfterChunks();
  protected readonly out: ChunkBuilder;

  constructor(target: ProviderTarget) {
    this.out = new ChunkBuilder('', target.model);
  }

  push(bytes: Uint8Array): ChatChunk[] {
    return this.failure.run(this.sse.push(bytes), (e) => this.event(e));
  }

  end(): ChatChunk[] {
    this.failure.rethrow();
    const chunks = this.failure.run(this.sse.end(), (e) => this.event(e));
    this.failure.rethrow();
    return this.complete(chunks);
  }

  protected abstract event(e: SseEvent): ChatChunk[];

  /** The last chunks once the bytes ended: throws when the stream stopped before it was complete. */
  protected abstract complete(chunks: ChatChunk[]): ChatChunk[];
}
