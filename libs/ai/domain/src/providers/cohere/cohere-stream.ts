import { ChatChunk } from '../../canonical';
import { SseEvent } from '../../sse';
import { UpstreamError } from '../../upstream-error';
import { SseChatDecoder } from '../support/sse-chat-decoder';
import { num, obj, parseObject, str } from '../support/wire-json';
import { cohereFailure, cohereFinish, cohereToolCall, cohereUsage } from './cohere-response';

/**
 * Chat v2 stream: message-start, content-start / content-delta / content-end for text,
 * tool-plan-delta, tool-call-start / -delta / -end, citations, and message-end with the finish
 * reason and usage. A message-end with finish_reason ERROR is the stream failing midway.
 */
export class CohereStreamDecoder extends SseChatDecoder {
  /** Cohere's tool call index → the canonical one */
  private readonly toolIndex = new Map<number, number>();
  private started = false;
  private done = false;

  protected complete(chunks: ChatChunk[]): ChatChunk[] {
    if (!this.done) throw new UpstreamError('protocol', 'cohere: the stream ended before message-end');
    return chunks;
  }

  protected event(e: SseEvent): ChatChunk[] {
    if (this.done) return [];
    const data = parseObject(e.data, 'cohere');
    const type = str(data.type) ?? e.event;
    const message = obj(obj(data.delta).message);
    if (type !== 'message-start' && !this.started) throw new UpstreamError('protocol', `cohere: ${type} before message-start`);
    switch (type) {
      case 'message-start':
        this.out.id = str(data.id) ?? this.out.id;
        this.started = true;
        return [this.out.role()];
      case 'content-start':
      case 'content-delta': {
        const text = str(obj(message.content).text);
        return text ? [this.out.text(text)] : [];
      }
      case 'tool-plan-delta': {
        const plan = str(message.tool_plan);
        return plan ? [this.out.text(plan)] : [];
      }
      case 'tool-call-start': {
        const call = cohereToolCall(message.tool_calls);
        const index = this.toolIndex.size;
        this.toolIndex.set(num(data.index) ?? index, index);
        return [this.out.toolStart(index, call.id, call.function.name, str(obj(obj(message.tool_calls).function).arguments) ?? '')];
      }
      case 'tool-call-delta': {
        const index = this.toolIndex.get(num(data.index) ?? -1);
        if (index === undefined) throw new UpstreamError('protocol', 'cohere: tool-call-delta without its tool-call-start');
        const args = str(obj(obj(message.tool_calls).function).arguments);
        return args ? [this.out.toolArgs(index, args)] : [];
      }
      case 'message-end': {
        const delta = obj(data.delta);
        const reason = str(delta.finish_reason);
        const failure = cohereFailure(reason, str(delta.error));
        if (failure) throw failure;
        this.done = true;
        const finish = cohereFinish(reason) ?? 'stop';
        return [this.out.finish(finish), this.out.usage(cohereUsage(obj(delta.usage)))];
      }
      default:
        return []; // content-end, tool-call-end, citation-start/-end, and types added later
    }
  }
}
