import { ChatChunk, Usage } from '../../canonical';
import { SseEvent } from '../../sse';
import { UpstreamError } from '../../upstream-error';
import { SseChatDecoder } from '../support/sse-chat-decoder';
import { JsonObject, num, obj, parseObject, str } from '../support/wire-json';
import { anthropicStreamError } from './anthropic-error';
import { anthropicFinish, anthropicUsage } from './anthropic-response';

/**
 * Messages API stream: message_start, then per content block content_block_start / _delta / _stop,
 * message_delta (stop reason, output tokens), message_stop; `ping` anywhere, `error` midway.
 */
export class AnthropicStreamDecoder extends SseChatDecoder {
  /** content block index → tool call index, for input_json_delta */
  private readonly toolIndex = new Map<number, number>();
  private usage: JsonObject = {};
  private started = false;
  private done = false;

  protected complete(chunks: ChatChunk[]): ChatChunk[] {
    if (!this.done) throw new UpstreamError('protocol', 'anthropic: the stream ended before message_stop');
    return chunks;
  }

  protected event(e: SseEvent): ChatChunk[] {
    if (this.done) return [];
    const data = parseObject(e.data, 'anthropic');
    const type = str(data.type) ?? e.event;
    switch (type) {
      case 'message_start': {
        const m = obj(data.message);
        this.out.id = str(m.id) ?? this.out.id;
        this.out.model = str(m.model) ?? this.out.model;
        this.usage = { ...obj(m.usage) };
        this.started = true;
        return [this.out.role()];
      }
      case 'content_block_start': {
        this.expectStarted(type);
        const block = obj(data.content_block);
        if (block.type === 'tool_use') {
          const index = this.toolIndex.size;
          this.toolIndex.set(num(data.index) ?? -1, index);
          return [this.out.toolStart(index, str(block.id) ?? '', str(block.name) ?? '')];
        }
        const text = block.type === 'text' ? str(block.text) : undefined;
        return text ? [this.out.text(text)] : [];
      }
      case 'content_block_delta': {
        this.expectStarted(type);
        const delta = obj(data.delta);
        if (delta.type === 'text_delta') return [this.out.text(str(delta.text) ?? '')];
        if (delta.type === 'input_json_delta') {
          const index = this.toolIndex.get(num(data.index) ?? -1);
          if (index === undefined) throw new UpstreamError('protocol', 'anthropic: input_json_delta for a block that is not a tool_use');
          return [this.out.toolArgs(index, str(delta.partial_json) ?? '')];
        }
        return []; // thinking and signature deltas
      }
      case 'message_delta': {
        this.expectStarted(type);
        // message_delta's usage is cumulative and may restate input counts
        this.usage = { ...this.usage, ...obj(data.usage) };
        const finish = anthropicFinish(str(obj(data.delta).stop_reason));
        return finish ? [this.out.finish(finish)] : [];
      }
      case 'message_stop': {
        this.expectStarted(type);
        this.done = true;
        return [this.out.usage(this.finalUsage())];
      }
      case 'error':
        throw anthropicStreamError(data);
      default:
        return []; // ping, content_block_stop, and event types added later
    }
  }

  private finalUsage(): Usage {
    return anthropicUsage(this.usage);
  }

  private expectStarted(type: string): void {
    if (!this.started) throw new UpstreamError('protocol', `anthropic: ${type} before message_start`);
  }
}
