import { ChatChunk, FinishReason, Usage } from '../../canonical';
import { formatSse } from '../../sse';
import { AnthropicStopReason, anthropicMessageId, anthropicStopReason, anthropicUsage, AnthropicUsage } from './response';

export type AnthropicStreamEvent =
  | { type: 'message_start'; message: { id: string; type: 'message'; role: 'assistant'; model: string; content: []; stop_reason: null; stop_sequence: null; usage: AnthropicUsage } }
  | { type: 'content_block_start'; index: number; content_block: { type: 'text'; text: '' } | { type: 'tool_use'; id: string; name: string; input: Record<string, never> } }
  | { type: 'content_block_delta'; index: number; delta: { type: 'text_delta'; text: string } | { type: 'input_json_delta'; partial_json: string } }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: AnthropicStopReason; stop_sequence: null }; usage: AnthropicUsage }
  | { type: 'message_stop' };

/** Events as Anthropic writes them: the event name repeated as the `event:` field. */
export function anthropicSse(events: readonly AnthropicStreamEvent[]): string {
  return events.map((e) => formatSse(JSON.stringify(e), e.type)).join('');
}

/**
 * Turns canonical chat chunks (OpenAI's deltas) into Anthropic's event sequence. Content blocks are
 * numbered in the order they start: a text run is one block, each tool call one block, and text
 * after a tool call opens a new block. A block is closed when the next one starts, as Anthropic
 * does. Should a provider interleave argument fragments of parallel tool calls (the Messages API
 * never does), a late fragment is sent at its call's original index, which is how Anthropic's SDKs
 * assemble blocks.
 */
export class AnthropicStreamEncoder {
  private started = false;
  private finished = false;
  private nextIndex = 0;
  /** the block now open: its index and what it holds */
  private open: { index: number; tool?: number } | undefined;
  /** canonical tool-call index -> content block index */
  private readonly toolBlocks = new Map<number, number>();
  private finish: FinishReason | null = null;
  private usage: Usage | undefined;

  constructor(
    private readonly model: string,
    private readonly messageId?: string,
  ) {}

  push(chunk: ChatChunk): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    this.start(out, chunk.id);
    if (chunk.usage) this.usage = chunk.usage;
    // The Messages front refuses n > 1, so only the first choice exists.
    const choice = chunk.choices.find((c) => c.index === 0);
    if (!choice) return out;
    const text = choice.delta.content || choice.delta.refusal;
    if (text) {
      if (!this.open || this.open.tool !== undefined) this.openBlock(out, { type: 'text', text: '' });
      out.push({ type: 'content_block_delta', index: this.open!.index, delta: { type: 'text_delta', text } });
    }
    for (const call of choice.delta.tool_calls ?? []) {
      let index = this.toolBlocks.get(call.index);
      if (index === undefined) {
        index = this.openBlock(out, { type: 'tool_use', id: call.id ?? `toolu_${this.nextIndex}`, name: call.function?.name ?? '', input: {} }, call.index);
        this.toolBlocks.set(call.index, index);
      }
      const args = call.function?.arguments;
      if (args) out.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: args } });
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  /** Closes the open block and the message. Call once, when the canonical stream ended normally. */
  end(): AnthropicStreamEvent[] {
    const out: AnthropicStreamEvent[] = [];
    if (this.finished) return out;
    this.start(out, this.messageId ?? '');
    this.closeBlock(out);
    this.finished = true;
    out.push({ type: 'message_delta', delta: { stop_reason: anthropicStopReason(this.finish) ?? 'end_turn', stop_sequence: null }, usage: anthropicUsage(this.usage) });
    out.push({ type: 'message_stop' });
    return out;
  }

  private start(out: AnthropicStreamEvent[], chunkId: string): void {
    if (this.started) return;
    this.started = true;
    out.push({
      type: 'message_start',
      // Providers report prompt tokens at the end of a stream; the final message_delta carries them.
      message: {
        id: anthropicMessageId(this.messageId ?? chunkId),
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage(undefined),
      },
    });
  }

  private openBlock(out: AnthropicStreamEvent[], block: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>['content_block'], tool?: number): number {
    this.closeBlock(out);
    const index = this.nextIndex++;
    out.push({ type: 'content_block_start', index, content_block: block });
    this.open = { index, ...(tool !== undefined ? { tool } : {}) };
    return index;
  }

  private closeBlock(out: AnthropicStreamEvent[]): void {
    if (!this.open) return;
    out.push({ type: 'content_block_stop', index: this.open.index });
    this.open = undefined;
  }
}
