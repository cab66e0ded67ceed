import { ChatChunk } from '../../canonical';
import { ProviderTarget, StreamDecoder } from '../../provider-adapter';
import { SseEvent, SseParser } from '../../sse';
import { UpstreamError } from '../../upstream-error';
import { ChunkBuilder, localId } from '../support/chunk-builder';
import { FailureAfterChunks } from '../support/failure-after-chunks';
import { arr, JsonObject, num, obj, parseObject, str } from '../support/wire-json';
import { geminiStreamError } from './gemini-error';
import { callIds, candidateParts, geminiFinish, geminiUsage, promptBlocked } from './gemini-response';

interface CandidateState {
  calls: number;
  finished: boolean;
}

/**
 * streamGenerateContent?alt=sse: each event is a whole GenerateContentResponse holding the next
 * piece of each candidate; function calls arrive whole. The stream has no closing event, so it is
 * complete when every candidate has a finishReason; usageMetadata (cumulative) is reported at the end.
 */
export class GeminiStreamDecoder implements StreamDecoder<ChatChunk> {
  private readonly sse = new SseParser();
  private readonly failure = new FailureAfterChunks();
  private readonly out: ChunkBuilder;
  private readonly candidates = new Map<number, CandidateState>();
  private nextCallId: (() => string) | undefined;
  private usage: JsonObject | undefined;

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
    const states = [...this.candidates.values()];
    if (states.length === 0 || states.some((s) => !s.finished)) throw new UpstreamError('protocol', 'gemini: the stream ended before a finishReason');
    return this.usage ? [...chunks, this.out.usage(geminiUsage(this.usage))] : chunks;
  }

  private event(e: SseEvent): ChatChunk[] {
    const data = parseObject(e.data, 'gemini');
    if (data.error !== undefined) throw geminiStreamError(data);
    const blocked = promptBlocked(data);
    if (blocked) throw blocked;
    if (!this.nextCallId) {
      this.out.id = str(data.responseId) ?? localId('gemini');
      this.nextCallId = callIds(this.out.id);
    }
    this.out.model = str(data.modelVersion) ?? this.out.model;
    if (data.usageMetadata !== undefined) this.usage = obj(data.usageMetadata);
    return arr(data.candidates).flatMap((raw, i) => this.candidate(obj(raw), i));
  }

  private candidate(c: JsonObject, position: number): ChatChunk[] {
    const index = num(c.index) ?? position;
    const out: ChatChunk[] = [];
    let state = this.candidates.get(index);
    if (!state) {
      state = { calls: 0, finished: false };
      this.candidates.set(index, state);
      out.push(this.out.role(index));
    }
    const { text, calls } = candidateParts(c, this.nextCallId!);
    if (text) out.push(this.out.text(text, index));
    for (const call of calls) out.push(this.out.toolStart(state.calls++, call.id, call.function.name, call.function.arguments, index));
    const finish = geminiFinish(str(c.finishReason), state.calls > 0);
    if (finish && !state.finished) {
      state.finished = true;
      out.push(this.out.finish(finish, index));
    }
    return out;
  }
}
