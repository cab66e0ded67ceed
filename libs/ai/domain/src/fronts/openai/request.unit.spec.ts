import { parseOpenAiChat, parseOpenAiCompletion, parseOpenAiEmbeddings } from './request';
import { FrontResult } from '../front-failure';

/** The failure's param and message, or a test failure when the parse succeeded. */
function refusedAt<T>(r: FrontResult<T>): { kind: string; param?: string; message: string } {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value)}`);
  if (r.failure.source !== 'gateway') throw new Error('expected a gateway refusal');
  return { kind: r.failure.kind, message: r.failure.message, ...(r.failure.param !== undefined ? { param: r.failure.param } : {}) };
}

describe('OpenAI chat body', () => {
  it('reads the API reference body with tools, a tool turn and a JSON schema into the canonical form', () => {
    const body = {
      model: 'support-bot',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Paris?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 200,
      n: 2,
      stop: 'END',
      seed: 7,
      logprobs: true,
      top_logprobs: 3,
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      stream: true,
      stream_options: { include_usage: true },
      user: 'u-42',
      logit_bias: { '50256': -100 },
      store: false,
    };
    const r = parseOpenAiChat(body);
    expect(r).toEqual({
      ok: true,
      value: {
        endpoint: 'support-bot',
        request: {
          messages: [
            { role: 'developer', content: 'Be brief.' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Weather in Paris?' },
                { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
              ],
            },
            { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
            { role: 'tool', tool_call_id: 'call_1', content: '18C' },
          ],
          temperature: 0.3,
          top_p: 0.9,
          max_tokens: 200,
          n: 2,
          stop: ['END'],
          seed: 7,
          logprobs: true,
          top_logprobs: 3,
          tools: body.tools,
          tool_choice: body.tool_choice,
          parallel_tool_calls: false,
          response_format: body.response_format,
          stream: true,
          stream_options: { include_usage: true },
          user: 'u-42',
          extra: { logit_bias: { '50256': -100 }, store: false },
        },
      },
    });
  });

  it('treats a JSON null on an optional field as absent, and names no extra when there is none', () => {
    const r = parseOpenAiChat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: null, stop: null });
    expect(r).toEqual({ ok: true, value: { endpoint: 'm', request: { messages: [{ role: 'user', content: 'hi' }] } } });
  });

  it.each([
    ['a body that is not an object', [1, 2], undefined, /must be a JSON object, not an array/],
    ['no model', { messages: [{ role: 'user', content: 'hi' }] }, 'model', /Missing required parameter: 'model'/],
    ['no messages', { model: 'm' }, 'messages', /Missing required parameter: 'messages'/],
    ['empty messages', { model: 'm', messages: [] }, 'messages', /must not be empty/],
    ['messages not an array', { model: 'm', messages: 'hi' }, 'messages', /expected an array, but got a string/],
    ['a message that is not an object', { model: 'm', messages: ['hi'] }, 'messages[0]', /expected an object/],
    ['an unknown role', { model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', /'robot'/],
    ['a user turn without content', { model: 'm', messages: [{ role: 'user' }] }, 'messages[0].content', /Missing required/],
    ['an assistant turn with neither content nor tool calls', { model: 'm', messages: [{ role: 'assistant', content: null }] }, 'messages[0].content', /content or tool_calls/],
    ['a tool turn without its call id', { model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', /Missing required/],
    ['an unsupported content part', { model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'messages[0].content[0].type', /input_audio/],
    ['temperature as a string', { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: '0.5' }, 'temperature', /expected a number, but got a string/],
    ['temperature above 2', { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 2.5 }, 'temperature', /above the maximum of 2/],
    ['top_p below 0', { model: 'm', messages: [{ role: 'user', content: 'x' }], top_p: -0.1 }, 'top_p', /below the minimum of 0/],
    ['max_tokens of 0', { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, 'max_tokens', /below the minimum of 1/],
    ['a fractional n', { model: 'm', messages: [{ role: 'user', content: 'x' }], n: 1.5 }, 'n', /expected an integer, but got a number/],
    ["n above OpenAI's bound", { model: 'm', messages: [{ role: 'user', content: 'x' }], n: 129 }, 'n', /above the maximum of 128/],
    ['two different token limits', { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5, max_completion_tokens: 6 }, 'max_completion_tokens', /only one/],
    ['stop with a number in it', { model: 'm', messages: [{ role: 'user', content: 'x' }], stop: ['a', 1] }, 'stop', /a string or an array of strings/],
    ['stream_options without stream', { model: 'm', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }, 'stream_options', /only allowed when 'stream' is true/],
    ['stream as a string', { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream', /expected a boolean/],
    ['top_logprobs without logprobs', { model: 'm', messages: [{ role: 'user', content: 'x' }], top_logprobs: 2 }, 'top_logprobs', /requires 'logprobs'/],
    ['a non-function tool', { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search' }] }, 'tools[0].type', /web_search/],
    ['a tool without a name', { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name', /Missing required/],
    ['an unknown tool_choice word', { model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: 'always' }, 'tool_choice', /'always'/],
    ['an unknown response_format', { model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'xml' } }, 'response_format.type', /'xml'/],
  ])('refuses %s with a 400 naming the field', (_what, body, param, message) => {
    const f = refusedAt(parseOpenAiChat(body));
    expect(f.kind).toBe('invalid_request');
    expect(f.param).toBe(param);
    expect(f.message).toMatch(message);
  });

  it('lets max_tokens and max_completion_tokens agree', () => {
    const r = parseOpenAiChat({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5, max_completion_tokens: 5 });
    expect(r.ok && r.value.request.max_tokens).toBe(5);
  });
});

describe('OpenAI completions body', () => {
  it('reads prompt, sampling, logprobs, echo and suffix, and collects the rest', () => {
    expect(parseOpenAiCompletion({ model: 'writer', prompt: ['a', 'b'], max_tokens: 16, logprobs: 2, echo: true, suffix: '!', best_of: 3 })).toEqual({
      ok: true,
      value: { endpoint: 'writer', request: { prompt: ['a', 'b'], max_tokens: 16, logprobs: 2, echo: true, suffix: '!', extra: { best_of: 3 } } },
    });
  });

  it.each([
    ['no prompt', { model: 'w' }, 'prompt', /Missing required/],
    ['token-id prompts', { model: 'w', prompt: [1, 2, 3] }, 'prompt', /a string or an array of strings/],
    ['an empty prompt list', { model: 'w', prompt: [] }, 'prompt', /must not be empty/],
    ['logprobs above 5', { model: 'w', prompt: 'x', logprobs: 6 }, 'logprobs', /above the maximum of 5/],
  ])('refuses %s', (_what, body, param, message) => {
    const f = refusedAt(parseOpenAiCompletion(body));
    expect(f.param).toBe(param);
    expect(f.message).toMatch(message);
  });
});

describe('OpenAI embeddings body', () => {
  it.each([
    ['one text', 'hello'],
    ['texts', ['a', 'b']],
    ['token ids', [1, 2, 3]],
    ['arrays of token ids', [[1, 2], [3]]],
  ])('accepts %s as input', (_what, input) => {
    const r = parseOpenAiEmbeddings({ model: 'embed', input, dimensions: 256, encoding_format: 'base64' });
    expect(r).toEqual({ ok: true, value: { endpoint: 'embed', request: { input, dimensions: 256, encoding_format: 'base64' } } });
  });

  it.each([
    ['no input', { model: 'e' }, 'input', /Missing required/],
    ['an empty list', { model: 'e', input: [] }, 'input', /must not be empty/],
    ['a mixed list', { model: 'e', input: ['a', 1] }, 'input', /a string, an array of strings, or token ids/],
    ['an object', { model: 'e', input: { text: 'a' } }, 'input', /but got an object/],
    ['an unknown encoding', { model: 'e', input: 'a', encoding_format: 'int8' }, 'encoding_format', /'int8'/],
    ['zero dimensions', { model: 'e', input: 'a', dimensions: 0 }, 'dimensions', /below the minimum/],
  ])('refuses %s', (_what, body, param, message) => {
    const f = refusedAt(parseOpenAiEmbeddings(body));
    expect(f.param).toBe(param);
    expect(f.message).toMatch(message);
  });
});
