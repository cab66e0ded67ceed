import { ChatChunk } from '../../canonical';
import { SseEvent } from '../../sse';
import { UpstreamError } from '../../upstream-error';
import { localId } from '../support/chunk-builder';
import { SseChatDecoder } from '../support/sse-chat-decoder';
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
export class GeminiStreamDecoder extends SseChatDecoder {
  private readonly candidates = new Map<number, CandidateState>();
  private nextCallId: (() => string) | undefined;
  private usage: JsonObject | undefined;

  protected complete(chunks: ChatChunk[]): ChatChunk[] {
    const states = [...this.candidates.values()];
    if (states.length === 0 || states.some((s) => !s.finished)) throw new UpstreamError('protocol', 'gemini: the stream ended before a finishReason');
    return this.usage ? [...chunks, this.out.usage(geminiUsage(this.usage))] : chunks;
  }

  protected event(e: SseEvent): ChatChunk[] {
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
