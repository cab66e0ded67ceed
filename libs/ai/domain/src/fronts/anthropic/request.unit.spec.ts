import { ChatResponse } from '../../canonical';
import { FrontResult } from '../front-failure';
import { applyUnknownParamPolicy } from '../unknown-params';
import { AnthropicCall, parseAnthropicMessages } from './request';
import { renderAnthropicMessage } from './response';

function value(r: FrontResult<AnthropicCall>): AnthropicCall {
  if (!r.ok) throw new Error(`expected a parse, got ${JSON.stringify(r.failure)}`);
  return r.value;
}

function refusedAt(r: FrontResult<AnthropicCall>): { param?: string; message: string } {
  if (r.ok || r.failure.source !== 'gateway') throw new Error(`expected a refusal, got ${JSON.stringify(r)}`);
  expect(r.failure.kind).toBe('invalid_request');
  return { message: r.failure.message, ...(r.failure.param !== undefined ? { param: r.failure.param } : {}) };
}

const weatherTool = { name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('Anthropic Messages request', () => {
  it('reads a tool conversation from the Messages reference into canonical chat', () => {
    const body = {
      model: 'claude-endpoint',
      max_tokens: 1024,
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Use tools.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Paris and Rome?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'two cities', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_02', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: '18C' },
            { type: 'tool_result', tool_use_id: 'toolu_02', content: [{ type: 'text', text: 'service down' }], is_error: true },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
      tools: [weatherTool],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['\n\nHuman:'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-7' },
      service_tier: 'auto',
    };
    expect(value(parseAnthropicMessages(body))).toEqual({
      endpoint: 'claude-endpoint',
      request: {
        messages: [
          { role: 'system', content: 'You are terse.\n\nUse tools.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather in Paris and Rome?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
          {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [
              { id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'toolu_02', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'toolu_01', content: '18C' },
          { role: 'tool', tool_call_id: 'toolu_02', content: 'Error: service down' },
          { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
        ],
        max_tokens: 1024,
        temperature: 0.5,
        top_p: 0.9,
        stop: ['\n\nHuman:'],
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: weatherTool.input_schema } }],
        tool_choice: 'required',
        parallel_tool_calls: false,
        user: 'user-7',
        extra: { service_tier: 'auto', top_k: 40 },
      },
    });
  });

  it('takes a plain string system prompt and string content, an image by URL, and a named tool choice', () => {
    const call = value(
      parseAnthropicMessages({
        model: 'c',
        max_tokens: 10,
        system: 'Be kind.',
        messages: [
          { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } }] },
          { role: 'assistant', content: 'A cat.' },
          { role: 'user', content: 'Thanks' },
        ],
        tools: [weatherTool],
        tool_choice: { type: 'tool', name: 'get_weather' },
      }),
    );
    expect(call.request.messages).toEqual([
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] },
      { role: 'assistant', content: 'A cat.' },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(call.request.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(call.request).not.toHaveProperty('extra');
  });

  it('asks for usage on a stream, since a Messages stream always ends with its token counts', () => {
    const r = value(parseAnthropicMessages({ model: 'c', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    expect(r.request).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('sends top_k through the endpoint policy like any parameter the canonical form does not name', () => {
    const req = value(parseAnthropicMessages({ model: 'c', max_tokens: 5, top_k: 3, messages: [{ role: 'user', content: 'hi' }] })).request;
    expect(applyUnknownParamPolicy(req, 'drop')).toMatchObject({ ok: true, value: { dropped: ['top_k'] } });
    expect(applyUnknownParamPolicy(req, 'pass')).toMatchObject({ ok: true, value: { request: { extra: { top_k: 3 } } } });
  });

  it.each([
    ['no max_tokens', { model: 'c', messages: [{ role: 'user', content: 'hi' }] }, 'max_tokens', /Missing required parameter: 'max_tokens'/],
    ['max_tokens as a string', { model: 'c', max_tokens: '10', messages: [{ role: 'user', content: 'hi' }] }, 'max_tokens', /expected an integer, but got a string/],
    ['no model', { max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }, 'model', /Missing required/],
    ["temperature above Anthropic's 1", { model: 'c', max_tokens: 5, temperature: 1.5, messages: [{ role: 'user', content: 'hi' }] }, 'temperature', /above the maximum of 1/],
    ['a negative top_k', { model: 'c', max_tokens: 5, top_k: -1, messages: [{ role: 'user', content: 'hi' }] }, 'top_k', /below the minimum of 0/],
    ['n of 2 (one message per reply)', { model: 'c', max_tokens: 5, n: 2, messages: [{ role: 'user', content: 'hi' }] }, 'n', /answers with one message/],
    ['a system role inside messages', { model: 'c', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role', /'system'/],
    [
      'a tool_use block in a user turn',
      { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }] },
      'messages[0].content[0].type',
      /tool_use/,
    ],
    [
      'tool_use input that is not an object',
      {
        model: 'c',
        max_tokens: 5,
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: '{}' }] },
        ],
      },
      'messages[1].content[0].input',
      /expected an object/,
    ],
    [
      'an image in an assistant turn',
      { model: 'c', max_tokens: 5, messages: [{ role: 'assistant', content: [{ type: 'image', source: { type: 'url', url: 'https://x' } }] }] },
      'messages[0].content',
      /only text and tool_use/,
    ],
    [
      'an image source of an unknown type',
      { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] },
      'messages[0].content[0].source.type',
      /'file'/,
    ],
    ['an empty content list', { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: [] }] }, 'messages[0].content', /must not be empty/],
    ['a server tool', { model: 'c', max_tokens: 5, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'hi' }] }, 'tools[0].type', /only client tools/],
    ['a tool without input_schema', { model: 'c', max_tokens: 5, tools: [{ name: 'f' }], messages: [{ role: 'user', content: 'hi' }] }, 'tools[0].input_schema', /Missing required/],
    ['an unknown tool_choice', { model: 'c', max_tokens: 5, tool_choice: { type: 'sometimes' }, messages: [{ role: 'user', content: 'hi' }] }, 'tool_choice.type', /'sometimes'/],
    ['stop_sequences with a number', { model: 'c', max_tokens: 5, stop_sequences: ['a', 2], messages: [{ role: 'user', content: 'hi' }] }, 'stop_sequences', /an array of strings/],
    ['system as a number', { model: 'c', max_tokens: 5, system: 3, messages: [{ role: 'user', content: 'hi' }] }, 'system', /a string or an array of text blocks/],
    ['metadata.user_id as a number', { model: 'c', max_tokens: 5, metadata: { user_id: 1 }, messages: [{ role: 'user', content: 'hi' }] }, 'metadata.user_id', /expected a string/],
  ])('refuses %s with a 400 naming the field', (_what, body, param, message) => {
    const f = refusedAt(parseAnthropicMessages(body));
    expect(f.param).toBe(param);
    expect(f.message).toMatch(message);
  });
});

describe('Anthropic round trip', () => {
  it('request to canonical, canonical answer to an Anthropic message, and that message back as history gives the same tool calls', () => {
    const first = value(parseAnthropicMessages({ model: 'claude-endpoint', max_tokens: 100, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Paris?' }] }));
    expect(first.request.tools?.[0].function.name).toBe('get_weather');

    // What a provider adapter hands back for that call, in canonical form.
    const answer: ChatResponse = {
      id: 'chatcmpl-abc-123',
      created: 1,
      model: 'claude-sonnet-4-5',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 120, completion_tokens: 15, total_tokens: 135, cached_tokens: 100, cache_write_tokens: 5 },
    };
    const msg = renderAnthropicMessage(answer, first.endpoint);
    expect(msg).toEqual({
      id: 'msg_chatcmplabc123',
      type: 'message',
      role: 'assistant',
      model: 'claude-endpoint',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Paris' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 15, output_tokens: 15, cache_creation_input_tokens: 5, cache_read_input_tokens: 100 },
    });

    // The client sends the reply back as the assistant turn, with its tool result.
    const second = value(
      parseAnthropicMessages({
        model: 'claude-endpoint',
        max_tokens: 100,
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: msg.role, content: msg.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: '18C' }] },
        ],
      }),
    );
    const assistant = second.request.messages[1];
    expect(assistant.content).toBe('Let me look.');
    expect(assistant.tool_calls?.map((c) => ({ ...c, function: { ...c.function, arguments: JSON.parse(c.function.arguments) as unknown } }))).toEqual(
      answer.choices[0].message.tool_calls?.map((c) => ({ ...c, function: { ...c.function, arguments: JSON.parse(c.function.arguments) as unknown } })),
    );
    expect(second.request.messages[2]).toEqual({ role: 'tool', tool_call_id: 'toolu_9', content: '18C' });
  });
});
