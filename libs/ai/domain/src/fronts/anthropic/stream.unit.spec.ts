import { ChatChunk, ChatResponse } from '../../canonical';
import { SseParser } from '../../sse';
import { UpstreamError } from '../../upstream-error';
import { upstreamFailure } from '../front-failure';
import { anthropicStreamError } from './error';
import { AnthropicContentBlock, renderAnthropicMessage } from './response';
import { AnthropicStreamEncoder, AnthropicStreamEvent, anthropicSse } from './stream';

const head = { id: 'chatcmpl-7', created: 1, model: 'upstream-model' };
const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk => ({
  ...head,
  choices: [{ index: 0, delta, finish_reason: finish }],
});

/**
 * Builds the message from the events the way Anthropic's SDKs do: a block start appends to the
 * content list (so indices must count up from 0), deltas extend the block at their index, and tool
 * input is the JSON of all its fragments.
 */
function accumulate(events: readonly AnthropicStreamEvent[]) {
  let message: { id: string; model: string; content: AnthropicContentBlock[]; stop_reason: string | null; usage: unknown } | undefined;
  const json = new Map<number, string>();
  const open = new Set<number>();
  for (const e of events) {
    switch (e.type) {
      case 'message_start':
        expect(message).toBeUndefined();
        message = { id: e.message.id, model: e.message.model, content: [], stop_reason: null, usage: e.message.usage };
        break;
      case 'content_block_start':
        expect(e.index).toBe(message!.content.length);
        message!.content.push({ ...e.content_block });
        open.add(e.index);
        break;
      case 'content_block_delta': {
        const block = message!.content[e.index];
        if (e.delta.type === 'text_delta' && block.type === 'text') block.text += e.delta.text;
        else if (e.delta.type === 'input_json_delta' && block.type === 'tool_use') json.set(e.index, (json.get(e.index) ?? '') + e.delta.partial_json);
        else throw new Error(`delta ${e.delta.type} on a ${block.type} block`);
        break;
      }
      case 'content_block_stop':
        expect(open.delete(e.index)).toBe(true);
        break;
      case 'message_delta':
        expect(open.size).toBe(0);
        message!.stop_reason = e.delta.stop_reason;
        message!.usage = e.usage;
        break;
      case 'message_stop':
        break;
    }
  }
  for (const [i, text] of json) (message!.content[i] as { input: unknown }).input = JSON.parse(text);
  return message!;
}

describe('AnthropicStreamEncoder', () => {
  // Text, then two tool calls whose arguments arrive in fragments, then text again.
  const chunks: ChatChunk[] = [
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: "I'll check " }),
    chunk({ content: 'both.' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } }] }),
    chunk({ content: 'Working on it.' }),
    chunk({}, 'tool_calls'),
    { ...head, choices: [], usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70, cached_tokens: 30 } },
  ];

  it('numbers blocks in the order they start, closes each when the next starts, and ends with stop reason and usage', () => {
    const enc = new AnthropicStreamEncoder('claude-endpoint');
    const events = [...chunks.flatMap((c) => enc.push(c)), ...enc.end()];
    expect(events).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_chatcmpl7',
          type: 'message',
          role: 'assistant',
          model: 'claude-endpoint',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: null, cache_read_input_tokens: null },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: "I'll check " } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'both.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_b', name: 'get_time', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"tz":"CET"}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'content_block_start', index: 3, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'Working on it.' } },
      { type: 'content_block_stop', index: 3 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { input_tokens: 20, output_tokens: 20, cache_creation_input_tokens: null, cache_read_input_tokens: 30 },
      },
      { type: 'message_stop' },
    ]);
  });

  it('streams to the same message the non-streaming reply renders', () => {
    const enc = new AnthropicStreamEncoder('claude-endpoint', 'msg_fixed');
    const streamed = accumulate([...chunks.flatMap((c) => enc.push(c)), ...enc.end()]);
    const whole: ChatResponse = {
      ...head,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check both.",
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70, cached_tokens: 30 },
    };
    const rendered = renderAnthropicMessage(whole, 'claude-endpoint');
    expect(streamed.id).toBe('msg_fixed');
    expect(streamed.stop_reason).toBe(rendered.stop_reason);
    expect(streamed.usage).toEqual(rendered.usage);
    // The stream keeps the late text as its own block; the blocks before it are the rendered reply's.
    expect(streamed.content.slice(0, 3)).toEqual(rendered.content);
    expect(streamed.content[3]).toEqual({ type: 'text', text: 'Working on it.' });
  });

  it("sends a late argument fragment of an earlier parallel call at that call's own index", () => {
    const enc = new AnthropicStreamEncoder('c');
    const events = [
      chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }, 'tool_calls'),
    ].flatMap((c) => enc.push(c));
    expect(events.filter((e) => e.type === 'content_block_delta')).toEqual([
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"x":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '1}' } },
    ]);
    expect(accumulate([...events, ...enc.end()]).content).toEqual([
      { type: 'tool_use', id: 'a', name: 'f', input: { x: 1 } },
      { type: 'tool_use', id: 'b', name: 'g', input: {} },
    ]);
  });

  it('maps a length stop to max_tokens, and a stream with no content still starts and stops the message once', () => {
    const enc = new AnthropicStreamEncoder('c');
    const events = [...enc.push(chunk({ role: 'assistant' }, 'length')), ...enc.end(), ...enc.end()];
    expect(events.map((e) => e.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(events[1]).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
  });

  it('writes each event with its type as the SSE event name, which the SDKs dispatch on', () => {
    const enc = new AnthropicStreamEncoder('c');
    const wire = anthropicSse([...enc.push(chunk({ content: 'hi' })), ...enc.end()]);
    const p = new SseParser();
    const parsed = [...p.push(wire), ...p.end()];
    expect(parsed.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    for (const e of parsed) expect((JSON.parse(e.data) as { type: string }).type).toBe(e.event);
  });

  it("ends a broken stream with an error event in Anthropic's form", () => {
    const p = new SseParser();
    const [e] = [...p.push(anthropicStreamError(upstreamFailure(new UpstreamError('server', 'Overloaded', 529)), 'req_9')), ...p.end()];
    expect(e.event).toBe('error');
    expect(JSON.parse(e.data)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: expect.stringContaining('provider status 529: Overloaded') as string }, request_id: 'req_9' });
  });
});

describe('a model refusal in Anthropic form', () => {
  it('is the answer text, streamed or not, with stop reason refusal', () => {
    const enc = new AnthropicStreamEncoder('c');
    const streamed = accumulate([...enc.push(chunk({ refusal: 'I cannot help with that.' }, 'content_filter')), ...enc.end()]);
    const whole = renderAnthropicMessage(
      { ...head, choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' }, finish_reason: 'content_filter' }] },
      'c',
    );
    expect(streamed.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
    expect(whole.content).toEqual(streamed.content);
    expect([streamed.stop_reason, whole.stop_reason]).toEqual(['refusal', 'refusal']);
  });
});
