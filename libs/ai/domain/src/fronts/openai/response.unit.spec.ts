import { ChatChunk, ChatResponse, CompletionChunk } from '../../canonical';
import { SseParser } from '../../sse';
import { UpstreamError } from '../../upstream-error';
import { refusal, upstreamFailure } from '../front-failure';
import { openAiStreamError, renderOpenAiError } from './error';
import { OPENAI_DONE, OpenAiStreamWriter, renderOpenAiChat, renderOpenAiCompletion, renderOpenAiEmbeddings, renderOpenAiModel, renderOpenAiModels } from './response';

const chat: ChatResponse = {
  id: 'chatcmpl-1',
  created: 1_700_000_000,
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'tool_calls' }],
  usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, cached_tokens: 4 },
};

/** The JSON payloads of an SSE text, in order. */
function dataOf(sse: string): string[] {
  const p = new SseParser();
  return [...p.push(sse), ...p.end()].map((e) => e.data);
}

describe('OpenAI replies', () => {
  it('renders a chat completion with the endpoint name as model, refusal and logprobs as null, and cached tokens in prompt_tokens_details', () => {
    expect(renderOpenAiChat(chat, 'support-bot')).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'support-bot',
      choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, tool_calls: chat.choices[0].message.tool_calls }, logprobs: null, finish_reason: 'tool_calls' }],
      usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 4 } },
    });
  });

  it('leaves usage out when the provider gave none, and tool_calls out when there were none', () => {
    const r = renderOpenAiChat({ ...chat, usage: undefined, choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] }, 'bot');
    expect(r).not.toHaveProperty('usage');
    expect(r.choices[0].message).toEqual({ role: 'assistant', content: 'hi', refusal: null });
  });

  it('renders a text completion', () => {
    expect(
      renderOpenAiCompletion(
        { id: 'cmpl-1', created: 5, model: 'up', choices: [{ index: 0, text: 'ok', finish_reason: 'length' }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
        'writer',
      ),
    ).toEqual({
      id: 'cmpl-1',
      object: 'text_completion',
      created: 5,
      model: 'writer',
      choices: [{ text: 'ok', index: 0, logprobs: null, finish_reason: 'length' }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
  });

  it('renders embeddings as a list of embedding objects, usage always present', () => {
    expect(renderOpenAiEmbeddings({ model: 'up', data: [{ index: 0, embedding: [0.1, 0.2] }] }, 'embed')).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
      model: 'embed',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });

  it('lists endpoints as models with their creation time in seconds', () => {
    expect(renderOpenAiModels([{ name: 'bot', createdAt: '2026-01-01T00:00:10.500Z' }])).toEqual({
      object: 'list',
      data: [{ id: 'bot', object: 'model', created: 1_767_225_610, owned_by: 'custos' }],
    });
    expect(renderOpenAiModel({ name: 'bot', createdAt: 'not a date' })).toEqual({ id: 'bot', object: 'model', created: 0, owned_by: 'custos' });
  });
});

describe('OpenAiStreamWriter', () => {
  const chunks: ChatChunk[] = [
    { id: 'c1', created: 9, model: 'up', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    { id: 'c1', created: 9, model: 'up', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] },
    { id: 'c1', created: 9, model: 'up', choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] },
    { id: 'c1', created: 9, model: 'up', choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } },
  ];

  it('writes chunks as chat.completion.chunk events under the endpoint name and ends with [DONE], no usage unless asked', () => {
    const w = new OpenAiStreamWriter('chat', 'bot', false);
    const wire = chunks.map((c) => w.push(c)).join('') + w.end();
    expect(wire.endsWith(OPENAI_DONE)).toBe(true);
    const data = dataOf(wire);
    expect(data.at(-1)).toBe('[DONE]');
    const frames = data.slice(0, -1).map((d) => JSON.parse(d) as Record<string, unknown>);
    expect(frames).toHaveLength(3);
    expect(frames[1]).toEqual({ id: 'c1', object: 'chat.completion.chunk', created: 9, model: 'bot', choices: [{ index: 0, delta: { content: 'Hel' }, logprobs: null, finish_reason: null }] });
    expect(frames.every((f) => !('usage' in f))).toBe(true);
  });

  it('with include_usage, sends usage: null on every chunk and one last chunk with no choices carrying the usage', () => {
    const w = new OpenAiStreamWriter('chat', 'bot', true);
    const frames = dataOf(chunks.map((c) => w.push(c)).join('') + w.end())
      .slice(0, -1)
      .map((d) => JSON.parse(d) as Record<string, unknown>);
    expect(frames).toHaveLength(4);
    expect(frames.slice(0, 3).every((f) => f.usage === null)).toBe(true);
    expect(frames[3]).toEqual({ id: 'c1', object: 'chat.completion.chunk', created: 9, model: 'bot', choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } });
  });

  it('writes completion chunks as text_completion events with their text', () => {
    const w = new OpenAiStreamWriter('completion', 'writer', false);
    const c: CompletionChunk = { id: 'x', created: 1, model: 'up', choices: [{ index: 0, text: 'Hi', finish_reason: null }] };
    expect(JSON.parse(dataOf(w.push(c))[0])).toEqual({ id: 'x', object: 'text_completion', created: 1, model: 'writer', choices: [{ text: 'Hi', index: 0, logprobs: null, finish_reason: null }] });
  });
});

describe('OpenAI errors', () => {
  it('renders a refusal as the error object with param and code', () => {
    expect(renderOpenAiError(refusal('endpoint_not_found', "The model 'x' does not exist or you do not have access to it.", 'model'))).toEqual({
      status: 404,
      headers: {},
      body: { error: { message: "The model 'x' does not exist or you do not have access to it.", type: 'not_found_error', param: 'model', code: 'model_not_found' } },
    });
  });

  it('writes a mid-stream failure as one data event holding the error object, which the SDKs raise', () => {
    const sse = openAiStreamError(upstreamFailure(new UpstreamError('protocol', 'stream ended without a finish')));
    const data = dataOf(sse);
    expect(data).toHaveLength(1);
    expect(JSON.parse(data[0])).toEqual({ error: { message: expect.stringMatching(/could not read \(stream ended without a finish\)\.$/) as string, type: 'api_error', param: null, code: null } });
    expect(sse).not.toContain('[DONE]');
  });
});
